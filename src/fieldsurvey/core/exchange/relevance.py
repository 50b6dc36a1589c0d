"""Which stored answers are relevant, fast enough to ask for every record of a large export.

Exports leave non-relevant answers empty, which needs the form's relevance conditions for
each record. ``evaluate`` answers that but also re-types, recalculates and validates every
answer (0.2-0.4 ms a record on the programme's forms: over a minute for 100,000 records).

Here the form is compiled once into a flat program of the nodes whose relevance can vary (a
node with a condition, and everything beneath one), in document order; a record then runs
only those conditions and the calculations they read. The order and short-circuiting mirror
the relevance pass of ``evaluation._Run.check``, including blanking a non-relevant answer
before later conditions read it, and its further passes (calculations and conditions once
more over the blanked answers) while a pass blanks an answer something reads. Where
calculations inside repeats feed a condition, this falls back to ``evaluate`` itself. A
property test holds the two equal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fieldsurvey.core.forms.evaluation import eval_value, evaluate, stored_calc
from fieldsurvey.core.forms.expr import Expr, NodeSet, to_boolean
from fieldsurvey.core.forms.model import Field, Form, Group, Node, Repeat, pick
from fieldsurvey.core.forms.plan import plan_for, reference_scopes

Row = dict[str, Any]
EMPTY: frozenset[str] = frozenset()


@dataclass
class _Step:
    """A node with its own condition, or a repeat something inside of which can vary."""

    node: Node
    parent: int  # the nearest conditional ancestor's step; -1: the program's base
    expr: Expr | None
    answer: Field | None  # a field that holds an answer (blanked when not relevant)
    plain: list[tuple[str, Field | None]] = field(default_factory=list)  # relevant iff this is
    rows: _Program | None = None  # a repeat's program, run once per row
    slot: int = -1  # the condition's place in the per-record memo (top-level program only)


@dataclass
class _Program:
    steps: list[_Step] = field(default_factory=list)
    plain: list[tuple[str, Field | None]] = field(default_factory=list)  # relevant iff the base


def _answer(node: Node) -> Field | None:
    return node if isinstance(node, Field) and node.has_answer else None


def _compile(group: Group, prog: _Program, parent: int, conditional: bool) -> None:
    """Nodes that can turn non-relevant: steps for those with a condition (and repeats), the
    rest listed under the step (or program base) whose relevance they share."""
    for node in group.children:
        own = node.relevant is not None
        if isinstance(node, Repeat):
            sub = _Program()
            _compile(node, sub, -1, conditional or own)
            if conditional or own or sub.steps:
                prog.steps.append(_Step(node, parent, node.relevant, None, rows=sub))
        elif own:
            prog.steps.append(_Step(node, parent, node.relevant, _answer(node)))
            if isinstance(node, Group):
                _compile(node, prog, len(prog.steps) - 1, True)
        else:
            if conditional:
                plain = prog.steps[parent].plain if parent >= 0 else prog.plain
                plain.append((node.name, _answer(node)))
            if isinstance(node, Group):
                _compile(node, prog, parent, conditional)


class _Context:
    """The EvalContext for one record: resolves names the way ``_Run.resolve`` does."""

    __slots__ = ("chains", "clock", "form", "row_index", "rows", "view")

    def __init__(self, form: Form, chains: dict[str, tuple[str, ...]], view: Row, clock: Any):
        self.form, self.chains, self.view, self.clock = form, chains, view, clock
        self.rows: dict[str, Row] = {}
        self.row_index = 0

    def value(self, name: str) -> Any:
        chain = self.chains.get(name)
        if chain is None:
            return ""
        if not chain:
            return self.view.get(name, "")
        scopes, multi = reference_scopes(self.view, chain, self.rows)
        if multi:
            return NodeSet(s.get(name, "") for s in scopes)
        return scopes[0].get(name, "") if scopes else ""

    def current(self) -> Any:
        return ""

    def position(self) -> int:
        return self.row_index + 1

    def choice_label(self, name: str, value: str) -> str:
        f = self.form.nodes.get(name)
        clist = self.form.choice_list(f) if isinstance(f, Field) else None
        choice = clist.get(str(value)) if clist else None
        return pick(choice.labels, self.form.default_language) if choice else ""

    def now(self) -> Any:
        return self.clock


class RelevanceFilter:
    """``irrelevant(answers, now)``: the paths ``evaluate`` would report as not relevant."""

    def __init__(self, form: Form) -> None:
        self.form = form
        plan = plan_for(form)
        self.chains = plan.chains
        self.program = _Program()
        _compile(form.root, self.program, -1, False)
        slots: dict[str, int] = {}  # one memo slot per distinct condition text
        for step in self.program.steps:
            if step.expr is not None:
                step.slot = slots.setdefault(step.expr.source, len(slots))
        self.slots = len(slots)
        exprs = [n.relevant for n in form.walk() if n.relevant is not None]
        needed: set[str] = set()
        stack = [name for e in exprs for name in e.references]
        while stack:
            name = stack.pop()
            if name not in needed:
                needed.add(name)
                f = plan.fields.get(name)
                if f is not None and f.calculation is not None:
                    stack.extend(f.calculation.references)
        self.calcs = [f for f in plan.calc_order if f.name in needed]
        self.fast = all(not plan.chains[f.name] for f in self.calcs)
        self.top = [plan.fields[n] for n in sorted(needed) if n in plan.fields]
        self.top = [f for f in self.top if not plan.chains[f.name] and f.has_answer]
        self.repeats = [r for r in plan.repeats.values() if not plan.chains[r.name]]
        self.row_fields = {
            r.name: [f for f in plan.fields.values() if f.name in needed and f.repeat is r]
            for r in plan.repeats.values()
        }
        self.fallbacks = 0  # how often evaluate was needed; the bench reports it

    def irrelevant(self, answers: Row, now: dt.datetime) -> frozenset[str] | set[str]:
        if not self.program.steps:
            return EMPTY
        if self.fast:
            try:
                found = self._run(answers, now)
            except (TypeError, ValueError, AttributeError):
                found = None  # a value evaluate would refuse to read: let it say so
            if found is not None:
                return found
        self.fallbacks += 1
        return evaluate(self.form, answers, now=now).irrelevant

    # -- one record ------------------------------------------------------------------------
    def _row_view(self, rep: Repeat, raw: Row) -> Row:
        view: Row = {f.name: eval_value(f, raw.get(f.name)) for f in self.row_fields[rep.name]}
        for child in rep.walk():
            if isinstance(child, Repeat) and child.repeat is rep:
                view[child.name] = [self._row_view(child, r) for r in _rows(raw, child.name)]
        return view

    def _run(self, answers: Row, now: dt.datetime) -> set[str] | None:
        view: Row = {f.name: eval_value(f, answers.get(f.name)) for f in self.top}
        for rep in self.repeats:
            view[rep.name] = [self._row_view(rep, r) for r in _rows(answers, rep.name)]
        ctx = _Context(self.form, self.chains, view, now)
        dropped: set[str] = set()  # calculations found not relevant, empty from then on
        while True:
            # evaluate's passes, which change the outcome only when an answer a condition
            # reads was blanked: calculations, then every condition, until nothing new is
            self._calculate(ctx, view, dropped)
            out: set[str] = set()
            if not self._exec(self.program, ctx, {}, "", view, 0, True, out):
                return out
            dropped |= {f.name for f in self.calcs if f.name in out}

    def _calculate(self, ctx: _Context, view: Row, dropped: set[str]) -> None:
        for f in self.calcs:
            value = stored_calc(f.calculation.evaluate(ctx))  # type: ignore[union-attr]
            view[f.name] = "" if value is None or f.name in dropped else value

    def _exec(
        self,
        prog: _Program,
        ctx: _Context,
        rows: dict[str, Row],
        prefix: str,
        view: Row,
        index: int,
        base: bool,
        out: set[str],
    ) -> bool:
        """Run a program in document order; *base* is the enclosing repeat's relevance (True
        at the top). Returns whether an answer some condition reads was blanked."""
        blanked = False
        if not base:
            blanked = _drop(prog.plain, prefix, view, out)
        steps = prog.steps
        rel = [False] * len(steps)
        # the same condition gives the same answer until an answer it reads is blanked
        memo: list[bool | None] | None = [None] * self.slots if not prefix else None
        for i, step in enumerate(steps):
            ok = base if step.parent < 0 else rel[step.parent]
            if ok and step.expr is not None:
                known = memo[step.slot] if memo is not None else None
                if known is None:
                    ctx.rows, ctx.row_index = rows, index
                    known = to_boolean(step.expr.evaluate(ctx))
                    if memo is not None:
                        memo[step.slot] = known
                ok = known
            rel[i] = ok
            name = step.node.name
            if not ok:
                out.add(prefix + name)
                dropped = step.answer is not None and _blank(step.answer.name, view)
                if _drop(step.plain, prefix, view, out) or dropped:
                    blanked = True
                    if memo is not None:
                        memo = [None] * self.slots  # a later condition may read it
            if step.rows is not None:
                for j, v_row in enumerate(view.get(name) or ()):
                    blanked |= self._exec(
                        step.rows,
                        ctx,
                        {**rows, name: v_row},
                        f"{prefix}{name}[{j + 1}]/",
                        v_row,
                        j,
                        ok,
                        out,
                    )
        return blanked


def _drop(plain: list[tuple[str, Field | None]], prefix: str, view: Row, out: set[str]) -> bool:
    """Mark nodes non-relevant and blank their answers; whether a read answer was blanked."""
    blanked = False
    for name, answer in plain:
        out.add(prefix + name)
        if answer is not None and _blank(name, view):
            blanked = True
    return blanked


def _blank(name: str, view: Row) -> bool:
    """Blank a non-relevant answer as evaluate does. Only answers some condition (or a
    calculation it reads) uses are in the view; blanking any other changes no outcome."""
    if view.get(name, "") != "":
        view[name] = ""
        return True
    return False


def _rows(raw: Row, name: str) -> list[Row]:
    rows = raw.get(name)
    if isinstance(rows, list) and all(isinstance(r, dict) for r in rows):
        return rows
    return []
