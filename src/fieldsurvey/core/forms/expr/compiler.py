"""Turns the syntax tree into nested closures, once, at parse time.

Evaluating a closure tree avoids re-dispatching on node types for every evaluation, which
matters because relevance and constraints are re-evaluated on every keystroke of data entry.
Sub-trees without references, ``.`` or context-dependent calls are folded to constants.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import methodcaller
from typing import Any

from fieldsurvey.core.forms.expr.functions import FUNCTIONS
from fieldsurvey.core.forms.expr.nodes import (
    Call,
    Chain,
    ChoiceName,
    Column,
    Const,
    Current,
    Logical,
    Negate,
    Node,
    Position,
    Ref,
)
from fieldsurvey.core.forms.expr.operators import (
    ARITHMETIC,
    COMPARISON_OPERATORS,
    make_comparator,
    negate,
)
from fieldsurvey.core.forms.expr.spec import CONTEXT, LAZY, VALUES
from fieldsurvey.core.forms.expr.values import to_boolean, to_number, to_string

Evaluator = Callable[[Any], Any]
BinaryFn = Callable[[Any, Any], Any]


def _constant(value: Any) -> Evaluator:
    return lambda ctx: value


def compile_tree(node: Node) -> Evaluator:
    """A function of the evaluation context that computes *node*."""
    return _compile(node)[0]


def _compile(node: Node) -> tuple[Evaluator, bool]:
    """The evaluator for *node* and whether it is a constant (no context needed)."""
    if isinstance(node, Const):
        return _constant(node.value), True
    if isinstance(node, Ref):
        return methodcaller("value", node.name), False
    if isinstance(node, Column):
        return methodcaller("column", node.name), False
    if isinstance(node, Current):
        return methodcaller("current"), False
    if isinstance(node, Position):
        return methodcaller("position"), False
    if isinstance(node, ChoiceName):
        return _choice_name(_compile(node.value)[0], node.field), False
    if isinstance(node, Negate):
        operand, constant = _compile(node.operand)
        fn = negate if node.odd else to_number
        return _fold(lambda ctx: fn(operand(ctx)), constant)
    if isinstance(node, Logical):
        compiled = [_compile(child) for child in node.operands]
        evaluator = _logical(node.op, [fn for fn, _ in compiled])
        return _fold(evaluator, all(constant for _, constant in compiled))
    if isinstance(node, Chain):
        return _chain(node)
    if isinstance(node, Call):
        return _call(node)
    raise TypeError(f"not an expression node: {node!r}")  # unreachable for parser output


def _fold(evaluator: Evaluator, constant: bool) -> tuple[Evaluator, bool]:
    if constant:
        return _constant(evaluator(None)), True
    return evaluator, False


def _logical(op: str, operands: list[Evaluator]) -> Evaluator:
    if len(operands) == 2:
        a, b = operands
        if op == "and":
            return lambda ctx: to_boolean(a(ctx)) and to_boolean(b(ctx))
        return lambda ctx: to_boolean(a(ctx)) or to_boolean(b(ctx))
    if op == "and":
        return lambda ctx: all(to_boolean(fn(ctx)) for fn in operands)
    return lambda ctx: any(to_boolean(fn(ctx)) for fn in operands)


def _operator(op: str) -> BinaryFn:
    return make_comparator(op) if op in COMPARISON_OPERATORS else ARITHMETIC[op]


def _chain(node: Chain) -> tuple[Evaluator, bool]:
    first, constant = _compile(node.first)
    steps: list[tuple[BinaryFn, Evaluator]] = []
    for op, operand in node.rest:
        fn, operand_constant = _compile(operand)
        constant = constant and operand_constant
        steps.append((_operator(op), fn))
    if len(steps) == 1:
        ((combine, right),) = steps
        if constant:
            return _fold(lambda ctx: combine(first(ctx), right(ctx)), True)
        return _binary(combine, first, right, node), False

    def evaluate_chain(ctx: Any) -> Any:
        value = first(ctx)
        for combine, operand in steps:
            value = combine(value, operand(ctx))
        return value

    return _fold(evaluate_chain, constant)


def _binary(combine: BinaryFn, left: Evaluator, right: Evaluator, node: Chain) -> Evaluator:
    """Specialise ``x op literal`` (the usual shape of relevance conditions)."""
    operand = node.rest[0][1]
    if isinstance(operand, Const):
        literal = operand.value
        return lambda ctx: combine(left(ctx), literal)
    return lambda ctx: combine(left(ctx), right(ctx))


def _call(node: Call) -> tuple[Evaluator, bool]:
    function = FUNCTIONS[node.name]
    impl = function.impl
    assert impl is not None  # SPECIAL functions have their own node types
    compiled = [_compile(arg) for arg in node.args]
    args = [fn for fn, _ in compiled]
    if function.kind == LAZY:
        return (lambda ctx: impl(ctx, *args)), False
    if function.kind == CONTEXT:
        return (lambda ctx: impl(ctx, *[fn(ctx) for fn in args])), False
    assert function.kind == VALUES
    constant = function.pure and all(constant for _, constant in compiled)
    if len(args) == 0:
        evaluator: Evaluator = lambda ctx: impl()  # noqa: E731
    elif len(args) == 1:
        (a,) = args
        evaluator = lambda ctx: impl(a(ctx))  # noqa: E731
    elif len(args) == 2:
        a, b = args
        evaluator = lambda ctx: impl(a(ctx), b(ctx))  # noqa: E731
    else:
        evaluator = lambda ctx: impl(*[fn(ctx) for fn in args])  # noqa: E731
    return _fold(evaluator, constant)


def _choice_name(value: Evaluator, field: str) -> Evaluator:
    def choice_name(ctx: Any) -> str:
        code = to_string(value(ctx))
        return to_string(ctx.choice_label(field, code)) if code else ""

    return choice_name
