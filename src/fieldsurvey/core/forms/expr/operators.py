"""Comparison and arithmetic with XPath 1.0 semantics, total over all values.

Comparisons follow XPath 1.0 section 3.4, plus one ODK-style extension: a date/datetime/time
compared with a string that parses as an ISO date/datetime/time is compared as a number of days,
so ``${d} > today()`` and ``${d} <= '2020-01-01'`` mean what authors expect.

Arithmetic is on XPath numbers (doubles) but keeps ``int`` results for int operands when the
result is exact, so outputs read ``4`` rather than ``4.0``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

from fieldsurvey.core.forms.expr.temporal import parse_temporal
from fieldsurvey.core.forms.expr.values import (
    INF,
    NAN,
    NodeSet,
    is_number,
    is_temporal,
    number_from_int,
    to_boolean,
    to_number,
    to_string,
)

Comparator = Callable[[Any, Any], bool]
Arithmetic = Callable[[Any, Any], Any]

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _temporal_numbers(a: Any, b: Any) -> tuple[Any, Any]:
    """Both sides as day numbers when a temporal meets a temporal or an ISO-looking string."""
    a_temporal = is_temporal(a)
    b_temporal = is_temporal(b)
    if not (a_temporal or b_temporal):
        return a, b
    if a_temporal and b_temporal:
        return to_number(a), to_number(b)
    other = b if a_temporal else a
    if isinstance(other, str):
        parsed = parse_temporal(other)
        if parsed is not None:
            if a_temporal:
                return to_number(a), to_number(parsed)
            return to_number(parsed), to_number(b)
    return a, b


def _compare_scalars(fn: Callable[[Any, Any], bool], equality: bool, a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        if equality:
            return fn(to_boolean(a), to_boolean(b))
        return fn(to_number(a), to_number(b))
    a, b = _temporal_numbers(a, b)
    if not equality or is_number(a) or is_number(b):
        return fn(to_number(a), to_number(b))
    return fn(to_string(a), to_string(b))


def _compare_sets(fn: Callable[[Any, Any], bool], equality: bool, a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        # XPath: a node-set meets a boolean as boolean(node-set), i.e. "has any node".
        return fn(to_boolean(a), to_boolean(b))
    left = a if type(a) is NodeSet else (a,)
    right = b if type(b) is NodeSet else (b,)
    return any(_compare_scalars(fn, equality, x, y) for x in left for y in right)


def make_comparator(op: str) -> Comparator:
    """A function comparing two values with *op* (one of ``= != < <= > >=``)."""
    fn = _COMPARISONS[op]
    equality = op in ("=", "!=")

    def compare(a: Any, b: Any) -> bool:
        ta = type(a)
        tb = type(b)
        if (ta is int or ta is float) and (tb is int or tb is float):
            return fn(a, b)  # the common case, without any coercion
        if ta is NodeSet or tb is NodeSet:
            return _compare_sets(fn, equality, a, b)
        return _compare_scalars(fn, equality, a, b)

    return compare


def _numbers(a: Any, b: Any) -> tuple[int | float, int | float]:
    # to_number() also brings ints beyond 2**53 into float range, so nothing below can meet an
    # integer too large for math.* or float().
    return to_number(a), to_number(b)


def add(a: Any, b: Any) -> int | float:
    """``a + b``."""
    x, y = _numbers(a, b)
    if type(x) is int and type(y) is int:
        return number_from_int(x + y)
    return x + y


def subtract(a: Any, b: Any) -> int | float:
    """``a - b``."""
    x, y = _numbers(a, b)
    if type(x) is int and type(y) is int:
        return number_from_int(x - y)
    return x - y


def multiply(a: Any, b: Any) -> int | float:
    """``a * b``."""
    x, y = _numbers(a, b)
    if type(x) is int and type(y) is int:
        return number_from_int(x * y)
    return x * y


def divide(a: Any, b: Any) -> int | float:
    """``a div b``: IEEE results for a zero divisor (``±Infinity``, ``0 div 0`` is NaN)."""
    x, y = _numbers(a, b)
    if y == 0:
        if x != x or x == 0:
            return NAN
        sign = math.copysign(1.0, y) * (1.0 if x > 0 else -1.0)
        return INF * sign
    if type(x) is int and type(y) is int and x % y == 0:
        return number_from_int(x // y)
    return x / y


def modulo(a: Any, b: Any) -> int | float:
    """``a mod b``: truncating remainder (sign of the dividend), NaN for a zero divisor."""
    x, y = _numbers(a, b)
    if y == 0 or x != x or y != y or math.isinf(x):
        return NAN
    if math.isinf(y):
        return x
    if type(x) is int and type(y) is int:
        remainder = abs(x) % abs(y)
        return remainder if x >= 0 else -remainder
    return math.fmod(x, y)


def negate(a: Any) -> int | float:
    """Unary ``-a``."""
    return -to_number(a)


ARITHMETIC: dict[str, Arithmetic] = {
    "+": add,
    "-": subtract,
    "*": multiply,
    "div": divide,
    "mod": modulo,
}
COMPARISON_OPERATORS = frozenset(_COMPARISONS)
