"""The XLSForm function library (strings, selects, logic, numbers, aggregates).

Each entry declares its arity so unknown names and wrong argument counts are syntax errors at
parse time, when the form is loaded, rather than surprises during data entry.  Implementations
are total: any argument values give a defined result.

Aggregates (``sum``, ``max``, ``min``) skip empty strings in a NodeSet: a repeat row whose number
is not answered yet should not turn a running total into NaN.  ``count`` counts every node.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from fieldsurvey.core.forms.expr import datefuncs
from fieldsurvey.core.forms.expr.operators import add
from fieldsurvey.core.forms.expr.spec import LAZY, SPECIAL, Function
from fieldsurvey.core.forms.expr.values import (
    INF,
    INT_LIMIT,
    NAN,
    NodeSet,
    number_from_float,
    to_boolean,
    to_number,
    to_string,
)


def _flatten(args: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for arg in args:
        if type(arg) is NodeSet:
            out.extend(arg)
        else:
            out.append(arg)
    return out


def _index(value: Any) -> int:
    """An integer position as JavaRosa casts it: truncated, NaN as 0, infinities clamped."""
    number = to_number(value)
    if number != number:
        return 0
    if math.isinf(number):
        return INT_LIMIT if number > 0 else -INT_LIMIT
    return int(number)


# --- logic -------------------------------------------------------------------------------------


def _if(ctx: Any, cond: Callable, then: Callable, otherwise: Callable) -> Any:
    return then(ctx) if to_boolean(cond(ctx)) else otherwise(ctx)


def _coalesce(ctx: Any, a: Callable, b: Callable) -> Any:
    value = a(ctx)
    return value if to_string(value) != "" else b(ctx)


# --- select_multiple ---------------------------------------------------------------------------


def _selected(multi: Any, code: Any) -> bool:
    wanted = to_string(code).strip()
    return wanted != "" and wanted in to_string(multi).split()


def _count_selected(multi: Any) -> int:
    return len(to_string(multi).split())


def _selected_at(multi: Any, index: Any) -> str:
    codes = to_string(multi).split()
    i = _index(index)
    return codes[i] if 0 <= i < len(codes) else ""


# --- strings -----------------------------------------------------------------------------------


def _concat(*args: Any) -> str:
    return "".join(to_string(v) for v in _flatten(args))


def _substr(text: Any, start: Any, end: Any = None) -> str:
    # ODK: 0-based start, exclusive end, negative values count from the end (as slicing does).
    s = to_string(text)
    return s[_index(start) : (len(s) if end is None else _index(end))]


@lru_cache(maxsize=256)
def _compile_regex(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except Exception:  # re.error, OverflowError, RecursionError...: any bad pattern is "no"
        return None


def _regex(text: Any, pattern: Any) -> bool:
    compiled = _compile_regex(to_string(pattern))
    return compiled is not None and compiled.search(to_string(text)) is not None


def _normalize_space(text: Any) -> str:
    return " ".join(re.split(r"[ \t\r\n]+", to_string(text).strip(" \t\r\n")))


def _translate(text: Any, source: Any, target: Any) -> str:
    src, dst = to_string(source), to_string(target)
    table: dict[int, int | None] = {}
    for i, char in enumerate(src):
        table.setdefault(ord(char), ord(dst[i]) if i < len(dst) else None)
    return to_string(text).translate(table)


def _join(separator: Any, *args: Any) -> str:
    return to_string(separator).join(to_string(v) for v in _flatten(args))


# --- numbers -----------------------------------------------------------------------------------


def _int(value: Any) -> int | float:
    number = to_number(value)
    if isinstance(number, int) or not math.isfinite(number):
        return number
    return number_from_float(float(math.trunc(number)))


def _round(value: Any, places: Any = 0) -> int | float:
    """Half away from zero on the shortest decimal form of the number, as JavaRosa does."""
    number = to_number(value)
    digits = _index(places)
    if isinstance(number, int) and digits >= 0:
        return number
    if not math.isfinite(number) or (digits > 0 and abs(number) >= INT_LIMIT):
        return number
    if digits > 20:
        return number  # beyond what a double can hold
    if digits < -400:
        return 0
    try:
        rounded = Decimal(repr(float(number))).quantize(
            Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
        )
    except InvalidOperation:  # more digits than the decimal context allows: already whole
        return number_from_float(float(number))
    result = float(rounded)
    return number_from_float(result) if digits <= 0 else result


def _floor(value: Any) -> int | float:
    number = to_number(value)
    return number if not math.isfinite(number) else number_from_float(float(math.floor(number)))


def _ceiling(value: Any) -> int | float:
    number = to_number(value)
    return number if not math.isfinite(number) else number_from_float(float(math.ceil(number)))


def _abs(value: Any) -> int | float:
    return abs(to_number(value))


def _pow(base: Any, exponent: Any) -> int | float:
    x, y = to_number(base), to_number(exponent)
    try:
        result = math.pow(x, y)
    except OverflowError:
        odd = float(y).is_integer() and int(y) % 2 == 1
        return -INF if x < 0 and odd else INF
    except ValueError:  # 0 to a negative power (Java gives Infinity), or a negative root
        return INF if x == 0 else NAN
    if isinstance(x, int) and isinstance(y, int) and y >= 0:
        return number_from_float(result)
    return result


# --- aggregates --------------------------------------------------------------------------------


def _present_numbers(args: Iterable[Any]) -> list[int | float]:
    return [to_number(v) for v in _flatten(args) if to_string(v) != ""]


def _sum(values: Any) -> int | float:
    total: int | float = 0
    for number in _present_numbers((values,)):
        total = add(total, number)
    return total


def _count(values: Any) -> int:
    return len(values) if type(values) is NodeSet else 1


def _count_non_empty(values: Any) -> int:
    items = values if type(values) is NodeSet else (values,)
    return sum(1 for v in items if to_string(v) != "")


def _extreme(pick: Callable[[list[int | float]], int | float], args: tuple) -> int | float:
    numbers = _present_numbers(args)
    if not numbers or any(n != n for n in numbers):
        return NAN
    return pick(numbers)


def _max(*args: Any) -> int | float:
    return _extreme(max, args)


def _min(*args: Any) -> int | float:
    return _extreme(min, args)


FUNCTIONS: dict[str, Function] = {
    "if": Function(3, 3, _if, LAZY),
    "coalesce": Function(2, 2, _coalesce, LAZY),
    "not": Function(1, 1, lambda v: not to_boolean(v)),
    "true": Function(0, 0, lambda: True),
    "false": Function(0, 0, lambda: False),
    "boolean": Function(1, 1, to_boolean),
    "number": Function(1, 1, to_number),
    "string": Function(1, 1, to_string),
    "once": Function(1, 1, lambda v: v),
    "selected": Function(2, 2, _selected),
    "count-selected": Function(1, 1, _count_selected),
    "selected-at": Function(2, 2, _selected_at),
    "string-length": Function(1, 1, lambda v: len(to_string(v))),
    "concat": Function(1, None, _concat),
    "substr": Function(2, 3, _substr),
    "contains": Function(2, 2, lambda s, t: to_string(t) in to_string(s)),
    "starts-with": Function(2, 2, lambda s, t: to_string(s).startswith(to_string(t))),
    "ends-with": Function(2, 2, lambda s, t: to_string(s).endswith(to_string(t))),
    "regex": Function(2, 2, _regex),
    "normalize-space": Function(1, 1, _normalize_space),
    "translate": Function(3, 3, _translate),
    "join": Function(2, None, _join),
    "int": Function(1, 1, _int),
    "round": Function(1, 2, _round),
    "floor": Function(1, 1, _floor),
    "ceiling": Function(1, 1, _ceiling),
    "abs": Function(1, 1, _abs),
    "pow": Function(2, 2, _pow),
    "sum": Function(1, 1, _sum),
    "count": Function(1, 1, _count),
    "count-non-empty": Function(1, 1, _count_non_empty),
    "max": Function(1, None, _max),
    "min": Function(1, None, _min),
    "position": Function(1, 1, None, SPECIAL, pure=False),
    "jr:choice-name": Function(2, 2, None, SPECIAL, pure=False),
    **datefuncs.FUNCTIONS,
}
