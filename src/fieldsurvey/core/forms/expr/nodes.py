"""The syntax tree the parser builds and the compiler turns into closures.

Runs of operators of one precedence level are kept flat (``Chain``/``Logical``) instead of as
left-deep binary trees, so a long ``a + b + c + ...`` cannot make compiling or evaluating
recurse once per operator; the tree depth is bounded by parenthesis/function nesting, which the
parser limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Const:
    """A number or string literal (or a constant-folded result)."""

    value: Any


@dataclass(frozen=True, slots=True)
class Ref:
    """``${name}``."""

    name: str


@dataclass(frozen=True, slots=True)
class Column:
    """A bare name in a ``choice_filter``: a column of the choice being filtered (``name``,
    ``township``), as XLSForm authors write ``township = ${township}``."""

    name: str


@dataclass(frozen=True, slots=True)
class Current:
    """``.``, the value of the field the expression belongs to."""


@dataclass(frozen=True, slots=True)
class Negate:
    """One or more unary minus signs; an even count still coerces to a number."""

    operand: Node
    odd: bool


@dataclass(frozen=True, slots=True)
class Logical:
    """``a and b and ...`` or ``a or b or ...`` (short-circuit)."""

    op: str
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Chain:
    """A left-associative run of comparison or arithmetic operators of one precedence."""

    first: Node
    rest: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Call:
    """A function call; ``name`` is known to exist and ``args`` to fit its arity."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Position:
    """``position(..)``: the 1-based row number of the current repeat instance."""


@dataclass(frozen=True, slots=True)
class ChoiceName:
    """``jr:choice-name(value, '${field}')``: the label of *value* in *field*'s choices."""

    value: Node
    field: str


Node = Const | Ref | Column | Current | Negate | Logical | Chain | Call | Position | ChoiceName


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of *node*."""
    if isinstance(node, Negate):
        return (node.operand,)
    if isinstance(node, Logical):
        return node.operands
    if isinstance(node, Chain):
        return (node.first, *(operand for _, operand in node.rest))
    if isinstance(node, Call):
        return node.args
    if isinstance(node, ChoiceName):
        return (node.value,)
    return ()


def walk(node: Node) -> list[Node]:
    """All nodes of the tree, iteratively (no recursion limit concerns)."""
    out: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(children(current))
    return out
