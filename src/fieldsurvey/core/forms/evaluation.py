"""Evaluating one record against its form: types, calculations, relevance, required, constraints.

The result says which answers are relevant, fills calculated values and lists every problem with
its field path, rule and message in the form's language. Nothing here touches the store.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from fieldsurvey.core.forms.answers import coerce, is_empty
from fieldsurvey.core.forms.expr import Expr, NodeSet, to_boolean, to_number
from fieldsurvey.core.forms.model import ROW_ID, Choice, Field, Form, Group, Node, Repeat, pick
from fieldsurvey.core.forms.plan import Plan, plan_for, reference_scopes
from fieldsurvey.core.i18n import tr

Row = dict[str, Any]
RowPath = tuple[tuple[str, int], ...]  # ((repeat name, 0-based index), ...)


@dataclass(frozen=True)
class Problem:
    path: str  # e.g. "population" or "cooperative[2]/coop_members"
    name: str
    rule: str  # type | choice | choice_filter | required | constraint | repeat_count | unknown
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class Evaluation:
    answers: Row  # typed, calculations filled in, repeat rows with row ids
    problems: list[Problem] = field(default_factory=list)
    irrelevant: set[str] = field(default_factory=set)  # paths of non-relevant nodes

    def is_relevant(self, path: str) -> bool:
        return path not in self.irrelevant

    @property
    def ok(self) -> bool:
        return not self.problems


def path_of(rows: RowPath, name: str) -> str:
    return "/".join(f"{r}[{i + 1}]" for r, i in rows) + ("/" if rows else "") + name


def eval_value(f: Field | None, value: Any) -> Any:
    """A stored value as the expression language sees it; a value that does not parse (an
    answer being typed, say) is passed through as it is rather than raising."""
    if value is None:
        return ""
    kind = f.kind if f is not None else ""
    if kind == "select_multiple" and isinstance(value, list):
        return " ".join(value)
    try:
        if kind in ("date", "today"):
            return dt.date.fromisoformat(value)
        if kind in ("dateTime", "start", "end"):
            return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return value


def stored_calc(value: Any) -> Any:
    """A calculation result as stored: numbers stay numbers, NaN and infinity become empty."""
    if isinstance(value, NodeSet):
        value = value[0] if value else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() else round(value, 10)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return None if value == "" else value


class _Context:
    """The EvalContext handed to expressions; one mutable instance reused for speed."""

    def __init__(self, run: _Run) -> None:
        self.run = run
        self.rows: dict[str, Row] = {}
        self.row_index: int = 0
        self.cur: Any = ""
        self.choice: Choice | None = None  # the candidate a choice_filter is asked about

    def value(self, name: str) -> Any:
        return self.run.resolve(name, self.rows)

    def column(self, name: str) -> str:
        if self.choice is None:
            return ""
        return self.choice.column(name, self.run.lang, self.run.form.default_language)

    def current(self) -> Any:
        return self.cur

    def position(self) -> int:
        return self.row_index + 1

    def choice_label(self, name: str, value: str) -> str:
        return self.run.choice_label(name, value)

    def now(self) -> dt.datetime:
        return self.run.now


class _Run:
    def __init__(
        self,
        form: Form,
        lang: str | None,
        now: dt.datetime,
        extra: Callable[[Field], Iterable[str]] | None,
    ):
        self.form = form
        self.plan: Plan = plan_for(form)
        self.lang = lang or form.default_language
        self.now = now
        self.extra = extra
        self.view: Row = {}  # the answers as expressions see them
        self.problems: list[Problem] = []
        self.irrelevant: set[str] = set()
        self.dropped: set[str] = set()  # paths of calculations found not relevant: empty now
        # Answers refused for their type or choice (paths), and the names whose value is
        # therefore unknown: those answers and the calculations that read them. A rule that
        # reads one would judge an empty value and only repeat the type problem in other words.
        self.refused: set[str] = set()
        self.unknown: frozenset[str] = frozenset()
        self.ctx = _Context(self)

    # -- expression support ----------------------------------------------------------------
    def resolve(self, name: str, rows: dict[str, Row]) -> Any:
        chain = self.plan.chains.get(name)
        if chain is None:
            return ""
        if not chain:
            return self.view.get(name, "")
        scopes, multi = reference_scopes(self.view, chain, rows)
        if multi:
            return NodeSet(s.get(name, "") for s in scopes)
        return scopes[0].get(name, "") if scopes else ""

    def choice_label(self, name: str, value: str) -> str:
        f = self.plan.fields.get(name)
        clist = self.form.choice_list(f) if f else None
        choice = clist.get(str(value)) if clist else None
        return pick(choice.labels, self.lang, self.form.default_language) if choice else ""

    def run_expr(self, expr: Expr, rows: dict[str, Row], index: int, current: Any = "") -> Any:
        ctx = self.ctx
        ctx.rows, ctx.row_index, ctx.cur = rows, index, current
        return expr.evaluate(ctx)

    def message(self, labels: dict[str, str], key: str, **kw: Any) -> str:
        return pick(labels, self.lang, self.form.default_language) or tr(key, self.lang, **kw)

    def add(self, rows: RowPath, name: str, rule: str, message: str) -> None:
        path = path_of(rows, name)
        self.problems.append(Problem(path, name, rule, message))
        if rule in ("type", "choice"):
            self.refused.add(path)

    def reads_unknown(self, expr: Expr | None) -> bool:
        """Whether *expr* reads an answer that was refused (or a calculation from one)."""
        return expr is not None and not self.unknown.isdisjoint(expr.references)

    def settle_unknown(self) -> None:
        """The refused answers' names, with every calculation that depends on one."""
        unknown = {p.name for p in self.problems if p.rule in ("type", "choice")}
        if unknown:
            for f in self.plan.calc_order:  # dependencies first
                if not unknown.isdisjoint(f.calculation.references):  # type: ignore[union-attr]
                    unknown.add(f.name)
        self.unknown = frozenset(unknown)

    # -- 1. types --------------------------------------------------------------------------
    def load(self, group: Group, raw: Row, rows: RowPath) -> tuple[Row, Row]:
        stored: Row = {}
        view: Row = {}
        known = {ROW_ID}
        for node in self.children(group):
            known.add(node.name)
            if isinstance(node, Repeat):
                stored[node.name], view[node.name] = self.load_repeat(
                    node, raw.get(node.name), rows
                )
            elif isinstance(node, Field) and node.has_answer:
                value, key, info = coerce(node, raw.get(node.name))
                if key:
                    self.add(rows, node.name, "type", tr(key, self.lang, **info))
                elif value is not None and node.is_select:
                    value = self.check_choices(node, value, rows)
                stored[node.name] = value
                view[node.name] = eval_value(node, value)
        for name in raw:
            if name not in known:
                self.add(rows, name, "unknown", tr("unknown_field", self.lang))
        return stored, view

    def children(self, group: Group) -> Iterable[Node]:
        for node in group.children:
            if isinstance(node, Group) and not isinstance(node, Repeat):
                yield node
                yield from self.children(node)
            else:
                yield node

    def load_repeat(self, rep: Repeat, raw: Any, rows: RowPath) -> tuple[list[Row], list[Row]]:
        if raw in (None, ""):
            return [], []
        if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
            self.add(rows, rep.name, "type", tr("not_rows", self.lang))
            return [], []
        stored_rows, view_rows = [], []
        for i, raw_row in enumerate(raw):
            stored, view = self.load(rep, raw_row, (*rows, (rep.name, i)))
            row_id = str(raw_row.get(ROW_ID) or uuid.uuid4())
            stored[ROW_ID] = view[ROW_ID] = row_id
            stored_rows.append(stored)
            view_rows.append(view)
        return stored_rows, view_rows

    def check_choices(self, f: Field, value: Any, rows: RowPath) -> Any:
        clist = self.form.choice_list(f)
        names = {c.name for c in clist.choices} if clist else set()
        if self.extra is not None:
            names |= set(self.extra(f))
        for v in value if isinstance(value, list) else [value]:
            if v not in names:
                self.add(rows, f.name, "choice", tr("bad_choice", self.lang, value=v))
                return None
        return value

    # -- 2. calculations -------------------------------------------------------------------
    def instances(
        self, chain: tuple[str, ...]
    ) -> Iterable[tuple[dict[str, Row], RowPath, Row, Row, int]]:
        """Every row (context rows, path, stored row, view row, index) for a repeat chain."""

        def walk(i: int, ctx: dict[str, Row], path: RowPath, stored: Row, view: Row, index: int):
            if i == len(chain):
                yield ctx, path, stored, view, index
                return
            rep = chain[i]
            for j, (s_row, v_row) in enumerate(zip(stored.get(rep) or (), view.get(rep) or ())):
                yield from walk(i + 1, {**ctx, rep: v_row}, (*path, (rep, j)), s_row, v_row, j)

        return walk(0, {}, (), self.stored, self.view, 0)

    def calculate(self) -> None:
        for f in self.plan.calc_order:
            for ctx, path, stored, view, index in self.instances(self.plan.chains[f.name]):
                result = stored_calc(self.run_expr(f.calculation, ctx, index))  # type: ignore[arg-type]
                stored[f.name] = result
                dropped = path_of(path, f.name) in self.dropped
                view[f.name] = "" if result is None or dropped else result

    # -- 3. relevance, required, constraints -----------------------------------------------
    def check(
        self,
        group: Group,
        ctx: dict[str, Row],
        rows: RowPath,
        stored: Row,
        view: Row,
        index: int,
        relevant: bool,
        complete: bool,
    ) -> bool:
        """Walk in document order; returns whether a non-relevant answer was blanked."""
        blanked = False
        for node in group.children:
            rel = relevant and (
                node.relevant is None or to_boolean(self.run_expr(node.relevant, ctx, index))
            )
            if not rel:
                self.irrelevant.add(path_of(rows, node.name))
            if isinstance(node, Repeat):
                blanked |= self.check_repeat(node, ctx, rows, stored, view, index, rel, complete)
            elif isinstance(node, Group):
                blanked |= self.check(node, ctx, rows, stored, view, index, rel, complete)
            elif isinstance(node, Field):
                if not rel:
                    if node.calculation is not None:
                        self.dropped.add(path_of(rows, node.name))
                    if view.get(node.name, "") != "":
                        view[node.name] = ""
                        blanked = True
                    continue
                self.check_field(node, ctx, rows, stored, index, complete)
        return blanked

    def check_repeat(
        self,
        rep: Repeat,
        ctx: dict[str, Row],
        rows: RowPath,
        stored: Row,
        view: Row,
        index: int,
        rel: bool,
        complete: bool,
    ) -> bool:
        s_rows, v_rows = stored.get(rep.name) or [], view.get(rep.name) or []
        if (
            rel
            and complete
            and rep.repeat_count is not None
            and not self.reads_unknown(rep.repeat_count)
            and not (self.refused and path_of(rows, rep.name) in self.refused)
        ):
            want = to_number(self.run_expr(rep.repeat_count, ctx, index))
            if math.isfinite(want) and int(want) != len(s_rows):
                self.add(
                    rows,
                    rep.name,
                    "repeat_count",
                    tr("repeat_count", self.lang, count=int(want), found=len(s_rows)),
                )
        blanked = False
        for j, (s_row, v_row) in enumerate(zip(s_rows, v_rows)):
            blanked |= self.check(
                rep,
                {**ctx, rep.name: v_row},
                (*rows, (rep.name, j)),
                s_row,
                v_row,
                j,
                rel,
                complete,
            )
        return blanked

    def check_field(
        self, f: Field, ctx: dict[str, Row], rows: RowPath, stored: Row, index: int, complete: bool
    ) -> None:
        value = stored.get(f.name)
        if self.unknown:
            if self.refused and path_of(rows, f.name) in self.refused:
                return  # its type problem says it all: no "required" besides
            unsure = self.reads_unknown
        else:
            unsure = _never
        if is_empty(value):
            if (
                complete
                and f.required is not None
                and not unsure(f.required)
                and to_boolean(self.run_expr(f.required, ctx, index))
            ):
                self.add(rows, f.name, "required", self.message(f.required_message, "required"))
            return
        hidden = None if unsure(f.choice_filter) else self.filtered_out(f, value, ctx, index)
        if hidden is not None:
            self.add(rows, f.name, "choice_filter", tr("filtered_choice", self.lang, value=hidden))
            return
        if f.constraint is not None and not unsure(f.constraint):
            current = eval_value(f, value)
            if not to_boolean(self.run_expr(f.constraint, ctx, index, current)):
                self.add(
                    rows, f.name, "constraint", self.message(f.constraint_message, "constraint")
                )

    def filtered_out(self, f: Field, value: Any, ctx: dict[str, Row], index: int) -> str | None:
        """A chosen code the field's choice_filter does not offer for the other answers (as
        the filler would have cleared it), or None. Codes beyond the list are checked apart."""
        clist = self.form.choice_list(f) if f.choice_filter is not None else None
        for code in (value if isinstance(value, list) else [value]) if clist else ():
            choice = clist.get(str(code))  # type: ignore[union-attr]
            if choice is None:
                continue
            self.ctx.choice = choice
            try:
                offered = to_boolean(self.run_expr(f.choice_filter, ctx, index))  # type: ignore[arg-type]
            finally:
                self.ctx.choice = None
            if not offered:
                return str(code)
        return None

    def evaluate(self, answers: Row, complete: bool) -> Evaluation:
        """Settle relevance: a non-relevant answer reads as empty everywhere, including in
        conditions and calculations met earlier in the form or through other calculations, so
        passes repeat until one blanks nothing new. Blanked answers stay blank and each pass
        that goes on blanks at least one more, so this ends."""
        self.stored, self.view = self.load(self.form.root, answers, ())
        self.settle_unknown()
        type_problems = list(self.problems)
        while True:
            self.calculate()
            if not self.check(self.form.root, {}, (), self.stored, self.view, 0, True, complete):
                return Evaluation(self.stored, self.problems, self.irrelevant)
            self.problems, self.irrelevant = list(type_problems), set()


def _never(expr: Expr | None) -> bool:
    return False


def evaluate(
    form: Form,
    answers: Row,
    *,
    lang: str | None = None,
    now: dt.datetime | None = None,
    complete: bool = False,
    extra_choices: Callable[[Field], Iterable[str]] | None = None,
) -> Evaluation:
    """Evaluate *answers* against *form*. ``complete=True`` also checks required answers and
    repeat counts, as finalising a record does; drafts are still type- and constraint-checked.
    *extra_choices* lets the caller accept codes beyond the form's lists (villages added in the
    field, for the registry list)."""
    run = _Run(form, lang, now or dt.datetime.now(), extra_choices)
    return run.evaluate(answers, complete)


def relevant_answers(form: Form, evaluation: Evaluation) -> Row:
    """The answers with non-relevant ones left out, as exports want them."""

    def prune(group: Group, row: Row, rows: RowPath) -> Row:
        out: Row = {}
        if ROW_ID in row:
            out[ROW_ID] = row[ROW_ID]
        for node in group.children:
            path = path_of(rows, node.name)
            if path in evaluation.irrelevant:
                continue
            if isinstance(node, Repeat):
                out[node.name] = [
                    prune(node, r, (*rows, (node.name, i)))
                    for i, r in enumerate(row.get(node.name) or [])
                ]
            elif isinstance(node, Group):
                out.update(prune(node, row, rows))
            elif isinstance(node, Field) and node.has_answer and row.get(node.name) is not None:
                out[node.name] = row[node.name]
        return out

    return prune(form.root, evaluation.answers, ())
