"""Expression contexts over the answers being edited, seen from one repeat row.

The core evaluation keeps its own context private; the filler needs one too, for repeat counts,
choice filters and ``${name}`` in labels. It reads the typed values of the latest evaluation.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from fieldsurvey.core.forms.evaluation import eval_value
from fieldsurvey.core.forms.expr import NodeSet, to_boolean
from fieldsurvey.core.forms.model import ROW_ID, Choice, Field, pick
from fieldsurvey.core.forms.plan import reference_scopes

if TYPE_CHECKING:
    from fieldsurvey.app.filler.state import FillState, Row, RowKey


class AnswerContext:
    """An EvalContext: ``${name}`` resolves in the current row first, then outwards."""

    def __init__(self, state: FillState, rows: RowKey, current: Any = "") -> None:
        self.state = state
        self.cur = current
        self.index = 0
        self.rows: dict[str, Row] = {}
        source, typed = state.answers, state.evaluation.answers
        for rep, row_id in rows:
            items = source.get(rep) or []
            self.index = next((i for i, r in enumerate(items) if r.get(ROW_ID) == row_id), 0)
            typed_items = typed.get(rep) or []
            source = items[self.index] if self.index < len(items) else {}
            typed = typed_items[self.index] if self.index < len(typed_items) else {}
            self.rows[rep] = typed

    def value(self, name: str) -> Any:
        plan = self.state.plan
        chain = plan.chains.get(name)
        if chain is None:
            return ""
        f = plan.fields.get(name)
        scopes, multi = reference_scopes(self.state.evaluation.answers, chain, self.rows)
        if multi:
            return NodeSet(eval_value(f, s.get(name)) for s in scopes)
        return eval_value(f, scopes[0].get(name)) if scopes else ""

    def current(self) -> Any:
        return self.cur

    def position(self) -> int:
        return self.index + 1

    def choice_label(self, name: str, value: str) -> str:
        form = self.state.form
        f = self.state.plan.fields.get(name)
        clist = form.choice_list(f) if f else None
        choice = clist.get(str(value)) if clist else None
        return pick(choice.labels, self.state.lang, form.default_language) if choice else ""

    def now(self) -> dt.datetime:
        return dt.datetime.now()


class ChoiceContext(AnswerContext):
    """For ``choice_filter``: bare names are columns of the candidate choice."""

    choice: Choice | None = None

    def column(self, name: str) -> Any:
        if self.choice is None:
            return ""
        return self.choice.column(name, self.state.lang, self.state.form.default_language)


def filter_key(state: FillState, f: Field, rows: RowKey) -> tuple[str, ...]:
    """What a field's choice filter depends on; the choices are re-filtered only when it
    changes."""
    if f.choice_filter is None:
        return ()
    ctx = AnswerContext(state, rows)
    return tuple(repr(ctx.value(name)) for name in sorted(f.choice_filter.references))


def filtered_choices(state: FillState, f: Field, rows: RowKey) -> list[Choice]:
    clist = state.form.choice_list(f)
    choices = list(clist.choices) if clist else []
    if f.choice_filter is None:
        return choices
    ctx = ChoiceContext(state, rows)
    kept = []
    for choice in choices:
        ctx.choice = choice
        if to_boolean(f.choice_filter.evaluate(ctx)):
            kept.append(choice)
    return kept
