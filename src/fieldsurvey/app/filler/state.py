"""The answers being edited, held in one nested mapping, and their latest evaluation.

Widgets never hold the truth: every edit lands here first and the widgets are refreshed from
the evaluation. Repeat rows are addressed by their ``_row_id`` rather than by position, so adding,
removing or moving a row never makes a widget show another row's answers.
"""

from __future__ import annotations

import copy
import math
import re
import uuid
from collections.abc import Iterator
from typing import Any

from fieldsurvey.app.filler.context import AnswerContext
from fieldsurvey.core.forms.answers import coerce, default_value, is_empty
from fieldsurvey.core.forms.evaluation import Evaluation, Problem, eval_value, evaluate
from fieldsurvey.core.forms.expr import to_boolean, to_number
from fieldsurvey.core.forms.model import ROW_ID, Field, Form, Group, Repeat, pick
from fieldsurvey.core.forms.plan import plan_for
from fieldsurvey.core.i18n import tr as form_message

Row = dict[str, Any]
RowKey = tuple[tuple[str, str], ...]  # ((repeat name, row id), ...) from the outermost repeat
Slot = tuple[RowKey, str]  # one question (or group, or repeat) in one row

# A typo such as 3000 in a repeat-count question must not build thousands of rows.
MAX_AUTOMATIC_ROWS = 200
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
# select answers are checked against their lists (and the registry) by the full evaluation
_QUICK_KINDS = frozenset(
    {
        "text",
        "integer",
        "decimal",
        "date",
        "time",
        "dateTime",
        "geopoint",
        "acknowledge",
        "range",
        "image",
    }
)


def referenced_names(form: Form) -> frozenset[str]:
    """Every name some expression or label of the form reads. A change to any other answer
    can only change that answer's own problems."""
    names: set[str] = set()
    if form.instance_name is not None:
        names |= form.instance_name.references
    for node in form.walk():
        exprs = [node.relevant]
        if isinstance(node, Field):
            exprs += [node.calculation, node.constraint, node.required, node.choice_filter]
        if isinstance(node, Repeat):
            exprs.append(node.repeat_count)
        for expr in exprs:
            if expr is not None:
                names |= expr.references
        for text in (*node.labels.values(), *node.hints.values()):
            names.update(_REFERENCE.findall(text))
    return frozenset(names)


class FillState:
    def __init__(self, form: Form, answers: Row, lang: str) -> None:
        self.form = form
        self.plan = plan_for(form)
        self.lang = lang
        self.answers: Row = copy.deepcopy(answers)
        self.referenced = referenced_names(form)
        _give_row_ids(form.root, self.answers)
        self.evaluation: Evaluation = Evaluation(answers={})
        self.evaluate()

    # -- reading and writing ---------------------------------------------------------------
    def container(self, rows: RowKey, tree: Row | None = None) -> Row:
        """The row mapping (the answers themselves at top level) that *rows* names."""
        target = self.answers if tree is None else tree
        for rep, row_id in rows:
            target = next(r for r in target.get(rep) or () if r.get(ROW_ID) == row_id)
        return target

    def value(self, rows: RowKey, name: str) -> Any:
        return self.container(rows).get(name)

    def set_value(self, rows: RowKey, name: str, value: Any) -> bool:
        row = self.container(rows)
        if row.get(name) == value and (name in row or value is None):
            return False
        row[name] = value
        return True

    def typed_row(self, rows: RowKey) -> Row:
        """The evaluated (typed, calculated) row matching *rows*, by position."""
        target = self.evaluation.answers
        source = self.answers
        for rep, row_id in rows:
            source_rows = source.get(rep) or []
            index = next(i for i, r in enumerate(source_rows) if r.get(ROW_ID) == row_id)
            source = source_rows[index]
            typed_rows = target.get(rep) or []
            target = typed_rows[index] if index < len(typed_rows) else {}
        return target

    def typed(self, rows: RowKey, name: str) -> Any:
        try:
            return self.typed_row(rows).get(name)
        except StopIteration:
            return None

    # -- rows ------------------------------------------------------------------------------
    def rows_of(self, rows: RowKey, repeat: str) -> list[Row]:
        parent = self.container(rows)
        if not isinstance(parent.get(repeat), list):
            parent[repeat] = []
        return parent[repeat]

    def add_row(self, rows: RowKey, repeat: Repeat) -> str:
        row: Row = {ROW_ID: str(uuid.uuid4())}
        for node in repeat.walk():
            if isinstance(node, Field) and node.repeat is repeat:
                value = default_value(node)
                if value is not None:
                    row[node.name] = value
        self.rows_of(rows, repeat.name).append(row)
        return row[ROW_ID]

    def remove_row(self, rows: RowKey, repeat: str, row_id: str) -> None:
        items = self.rows_of(rows, repeat)
        items[:] = [r for r in items if r.get(ROW_ID) != row_id]

    def move_row(self, rows: RowKey, repeat: str, row_id: str, delta: int) -> bool:
        items = self.rows_of(rows, repeat)
        i = next(i for i, r in enumerate(items) if r.get(ROW_ID) == row_id)
        j = i + delta
        if not 0 <= j < len(items):
            return False
        items[i], items[j] = items[j], items[i]
        return True

    def row_has_data(self, row: Row) -> bool:
        """Whether a row holds anything a person entered (calculations do not count)."""
        for name, value in row.items():
            node = self.form.nodes.get(name)
            if isinstance(node, Repeat):
                if any(self.row_has_data(r) for r in value or ()):
                    return True
            elif isinstance(node, Field) and node.calculation is None and not is_empty(value):
                if node.kind != "calculate":
                    return True
        return False

    # -- paths as the evaluation writes them -------------------------------------------------
    def path(self, rows: RowKey, name: str) -> str:
        parts = []
        source = self.answers
        for rep, row_id in rows:
            items = source.get(rep) or []
            index = next(i for i, r in enumerate(items) if r.get(ROW_ID) == row_id)
            parts.append(f"{rep}[{index + 1}]")
            source = items[index]
        return "/".join([*parts, name])

    def slot_of(self, path: str) -> Slot | None:
        """``cooperative[2]/coop_name`` -> ((("cooperative", row id),), "coop_name")."""
        *prefix, name = path.split("/")
        rows: list[tuple[str, str]] = []
        source = self.answers
        for part in prefix:
            rep, _, index = part.partition("[")
            try:
                row = (source.get(rep) or [])[int(index.rstrip("]")) - 1]
            except (ValueError, IndexError):
                return None
            rows.append((rep, row[ROW_ID]))
            source = row
        return tuple(rows), name

    def row_keys(self, repeat: Repeat) -> Iterator[RowKey]:
        """Every row key of the rows that may hold *repeat* (one, (), at top level)."""
        return self.instances(self.plan.chains.get(repeat.name, ()))

    def field_rows(self, f: Field) -> Iterator[RowKey]:
        """The row key of every row in which *f* is asked."""
        return self.instances(self.plan.chains.get(f.name, ()))

    def instances(self, chain: tuple[str, ...]) -> Iterator[RowKey]:
        def walk(i: int, source: Row, rows: RowKey) -> Iterator[RowKey]:
            if i == len(chain):
                yield rows
                return
            for r in source.get(chain[i]) or ():
                yield from walk(i + 1, r, (*rows, (chain[i], r[ROW_ID])))

        return walk(0, self.answers, ())

    def answered_slots(self) -> Iterator[Slot]:
        """Every question that holds a value, as loaded: its problems show from the start."""

        def walk(group: Group, source: Row, rows: RowKey) -> Iterator[Slot]:
            for node in group.children:
                if isinstance(node, Repeat):
                    for r in source.get(node.name) or ():
                        if isinstance(r, dict) and ROW_ID in r:
                            yield from walk(node, r, (*rows, (node.name, r[ROW_ID])))
                elif isinstance(node, Group):
                    yield from walk(node, source, rows)
                elif not is_empty(source.get(node.name)):
                    yield rows, node.name

        return walk(self.form.root, self.answers, ())

    # -- evaluation ------------------------------------------------------------------------
    def evaluate(self) -> Evaluation:
        """Evaluate as finalising would, so required answers and repeat counts are known."""
        self.evaluation = evaluate(self.form, self.answers, lang=self.lang, complete=True)
        return self.evaluation

    def update_one(self, rows: RowKey, name: str) -> bool:
        """Bring the evaluation up to date after an edit to one answer that nothing else
        reads, by re-checking that answer alone (as the full evaluation would). Returns False
        when a full evaluation is needed instead."""
        f = self.plan.fields.get(name)
        if (
            f is None
            or name in self.referenced
            or f.kind not in _QUICK_KINDS
            or f.calculation is not None
        ):
            return False
        ev = self.evaluation
        path = self.path(rows, name)
        try:
            typed_row = self.typed_row(rows)
        except StopIteration:
            return False
        value, key, info = coerce(f, self.value(rows, name))
        typed_row[name] = value
        problems = [p for p in ev.problems if p.path != path]
        if key:
            problems.append(Problem(path, name, "type", form_message(key, self.lang, **info)))
        elif ev.is_relevant(path):
            problem = self._own_problem(f, rows, path, value)
            if problem is not None:
                problems.append(problem)
        ev.problems = problems
        return True

    def _own_problem(self, f: Field, rows: RowKey, path: str, value: Any) -> Problem | None:
        ctx = AnswerContext(self, rows, current=eval_value(f, value))
        default = self.form.default_language
        if is_empty(value):
            if f.required is not None and to_boolean(f.required.evaluate(ctx)):
                message = pick(f.required_message, self.lang, default)
                return Problem(
                    path, f.name, "required", message or form_message("required", self.lang)
                )
        elif f.constraint is not None and not to_boolean(f.constraint.evaluate(ctx)):
            message = pick(f.constraint_message, self.lang, default)
            return Problem(
                path, f.name, "constraint", message or form_message("constraint", self.lang)
            )
        return None

    def sync_repeat_counts(self) -> bool:
        """Follow ``repeat_count``: add rows up to the count; drop surplus rows only if they
        are empty, the last first. Rows holding data are kept and the count problem stays
        visible, so a mistyped count never deletes answers. Returns whether rows changed."""
        changed = False
        for repeat in self.plan.repeats.values():
            if repeat.repeat_count is None:
                continue
            for rows in list(self.row_keys(repeat)):
                want_rows = self.wanted_rows(rows, repeat)
                items = self.rows_of(rows, repeat.name)
                while len(items) < want_rows:
                    self.add_row(rows, repeat)
                    changed = True
                for i in range(len(items) - 1, -1, -1):
                    if len(items) <= want_rows:
                        break
                    if not self.row_has_data(items[i]):
                        del items[i]
                        changed = True
        return changed

    def wanted_rows(self, rows: RowKey, repeat: Repeat) -> int:
        """How many rows the repeat's count asks for (0 when it is not relevant or empty)."""
        if repeat.repeat_count is None or not self.evaluation.is_relevant(
            self.path(rows, repeat.name)
        ):
            return 0
        want = to_number(repeat.repeat_count.evaluate(AnswerContext(self, rows)))
        if not math.isfinite(want) or want <= 0:
            return 0
        return min(int(want), MAX_AUTOMATIC_ROWS)


def _give_row_ids(group: Group, answers: Row) -> None:
    for node in group.children:
        if isinstance(node, Repeat):
            rows = answers.get(node.name)
            if not isinstance(rows, list):
                continue
            for row in rows:
                if isinstance(row, dict):
                    row.setdefault(ROW_ID, str(uuid.uuid4()))
                    _give_row_ids(node, row)
        elif isinstance(node, Group):
            _give_row_ids(node, answers)
