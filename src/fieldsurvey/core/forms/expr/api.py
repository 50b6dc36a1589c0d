"""Public entry points: ``parse`` and the ``Expr`` it returns.

An ``Expr`` is parsed and compiled once (when the form loads) and then evaluated many times, so
all checking and analysis (references, use of ``.``, use of the clock) happens in ``parse``.
"""

from __future__ import annotations

from typing import Any

from fieldsurvey.core.forms.expr.compiler import Evaluator, compile_tree
from fieldsurvey.core.forms.expr.context import EvalContext, MappingContext
from fieldsurvey.core.forms.expr.errors import ExprSyntaxError
from fieldsurvey.core.forms.expr.nodes import Call, ChoiceName, Column, Current, Node, Ref, walk
from fieldsurvey.core.forms.expr.parser import parse_tree
from fieldsurvey.core.forms.expr.values import NodeSet, to_boolean, to_number, to_string

__all__ = [
    "EvalContext",
    "Expr",
    "ExprSyntaxError",
    "MappingContext",
    "NodeSet",
    "parse",
    "to_boolean",
    "to_number",
    "to_string",
]

_CLOCK_FUNCTIONS = frozenset({"today", "now"})


class Expr:
    """A parsed expression: its source, what it depends on, and ``evaluate``.

    Immutable after construction; equal (and hashing equal) when the source text is equal, so
    form models holding expressions compare naturally.
    """

    __slots__ = (
        "source",
        "references",
        "columns",
        "uses_current",
        "uses_now",
        "_tree",
        "_evaluator",
    )

    source: str
    references: frozenset[str]
    columns: frozenset[str]  # bare choice-column names (choice_filter only)
    uses_current: bool
    uses_now: bool
    _tree: Node
    _evaluator: Evaluator

    def __init__(self, source: str, tree: Node) -> None:
        nodes = walk(tree)
        references = {n.name for n in nodes if isinstance(n, Ref)}
        references.update(n.field for n in nodes if isinstance(n, ChoiceName))
        init = object.__setattr__
        init(self, "source", source)
        init(self, "references", frozenset(references))
        init(self, "columns", frozenset(n.name for n in nodes if isinstance(n, Column)))
        init(self, "uses_current", any(isinstance(n, Current) for n in nodes))
        init(
            self,
            "uses_now",
            any(isinstance(n, Call) and n.name in _CLOCK_FUNCTIONS for n in nodes),
        )
        init(self, "_tree", tree)
        init(self, "_evaluator", compile_tree(tree))

    def evaluate(self, ctx: EvalContext) -> Any:
        """The expression's value for *ctx*; never raises for any values the context holds."""
        return self._evaluator(ctx)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Expr is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Expr is immutable; cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Expr):
            return self.source == other.source
        return NotImplemented

    def __hash__(self) -> int:
        return hash((Expr, self.source))

    def __repr__(self) -> str:
        return f"Expr({self.source!r})"

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # Closures do not pickle; re-parse the (known valid) source instead.
        return (parse, (self.source,))


def parse(text: str) -> Expr:
    """Parse and compile *text*; raises ``ExprSyntaxError`` (only) when it is malformed."""
    return Expr(text, parse_tree(text))


def parse_choice_filter(text: str) -> Expr:
    """Like ``parse``, but bare names are columns of the choice being filtered; evaluation
    asks the context's ``column(name)`` for them."""
    return _FilterExpr(text, parse_tree(text, columns=True))


class _FilterExpr(Expr):
    __slots__ = ()

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (parse_choice_filter, (self.source,))
