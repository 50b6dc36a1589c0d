"""Run-time values and the XPath 1.0 coercions between them.

Every coercion here is total: any Python object maps to a defined result (``NaN``, ``""``,
``False``), because expressions are written by form authors and evaluated against whatever a
record holds, and a form must never crash the data-entry screen.

Numbers are ``int`` or ``float``.  Integers are kept as ``int`` while they are exactly
representable as a double (|n| <= 2**53), so ``${a} + 1`` shows ``4`` and not ``4.0``; beyond
that they become floats, as XPath numbers are doubles.  This also keeps arithmetic from growing
unbounded Python integers.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from decimal import Decimal
from typing import Any

from fieldsurvey.core.forms.expr.temporal import day_fraction, days_since_epoch

NAN = float("nan")
INF = float("inf")
INT_LIMIT = 2**53
_NUM_TYPES = (int, float)
# XPath's Number production; no exponent, no sign other than a leading '-', no "Infinity".
_NUMBER_RE = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# Characters XPath treats as whitespace around a number.
_XPATH_SPACE = " \t\r\n"


class NodeSet(list):
    """The values of several nodes, e.g. a repeated field seen from outside its repeat.

    In a scalar context (string, number, comparison operand) a NodeSet stands for its first value
    ("" if empty), as XPath's string-value of a node-set does; ``boolean()`` of a NodeSet is
    whether it has any node at all (XPath 1.0).
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"NodeSet({list.__repr__(self)})"


def first(value: Any) -> Any:
    """The scalar a value stands for: a NodeSet's first item ("" when empty), else itself."""
    if type(value) is NodeSet:
        return value[0] if value else ""
    return value


def number_from_int(value: int) -> int | float:
    """Keep an int while a double could hold it exactly; otherwise a float (maybe infinite)."""
    if -INT_LIMIT <= value <= INT_LIMIT:
        return value
    try:
        return float(value)
    except OverflowError:
        return INF if value > 0 else -INF


def number_from_float(value: float) -> int | float:
    """An exact, modest integer-valued result as ``int`` (for display), else the float."""
    if value.is_integer() and -INT_LIMIT <= value <= INT_LIMIT:
        return int(value)
    return value


def parse_number(text: str) -> int | float:
    """XPath ``number(string)``: the Number production after trimming whitespace, else NaN."""
    text = text.strip(_XPATH_SPACE)
    if not _NUMBER_RE.fullmatch(text):
        return NAN
    if "." in text or len(text) > 16:
        # float() copes with any length (huge -> inf); int() refuses >4300 digits.
        return float(text)
    return int(text)


def to_number(value: Any) -> int | float:
    """XPath 1.0 ``number()``, extended to the typed values a record holds.

    "" and non-numeric text give NaN; booleans give 1/0; a date gives whole days since
    1970-01-01 and a datetime fractional days (naive datetimes are taken as UTC, aware ones are
    converted to UTC); a time gives the fraction of its day.  Anything else is NaN.
    """
    kind = type(value)
    if kind is int:
        return number_from_int(value)
    if kind is float:
        return value
    if kind is str:
        return parse_number(value)
    if kind is bool:
        return 1 if value else 0
    if kind is NodeSet:
        return to_number(value[0]) if value else NAN
    if isinstance(value, (dt.date, dt.datetime)):
        return days_since_epoch(value)
    if isinstance(value, dt.time):
        return day_fraction(value)
    # Subclasses and foreign numeric types (numpy scalars register with the numbers ABCs).
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, numbers.Integral):
        return number_from_int(int(value))
    if isinstance(value, numbers.Real):
        try:
            return float(value)
        except (OverflowError, ValueError, TypeError):
            return NAN
    if isinstance(value, str):
        return parse_number(str(value))
    return NAN


def format_number(value: int | float) -> str:
    """XPath's string form of a number: no exponent, integers without ".0", NaN/Infinity."""
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # more digits than Python will print; it is not a double anyway
            return "Infinity" if value > 0 else "-Infinity"
    if value != value:
        return "NaN"
    if value in (INF, -INF):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer():
        return str(int(value))  # also turns -0.0 into "0"
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def to_string(value: Any) -> str:
    """XPath 1.0 ``string()``: numbers without exponent, ``true``/``false``, ISO dates."""
    kind = type(value)
    if kind is str:
        return value
    if kind is int or kind is float:
        return format_number(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is NodeSet:
        return to_string(value[0]) if value else ""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (bool, numbers.Real)):
        return to_string(to_number(value))
    if isinstance(value, str):
        return str(value)
    return ""


def to_boolean(value: Any) -> bool:
    """XPath 1.0 ``boolean()``: non-zero non-NaN numbers, non-empty strings, non-empty NodeSets.

    Dates and times are values, hence true.  ``None`` (not a value the context should hand out)
    is false.
    """
    kind = type(value)
    if kind is bool:
        return value
    if kind is str:
        return value != ""
    if kind is int:
        return value != 0
    if kind is float:
        return value != 0 and value == value
    if kind is NodeSet:
        return len(value) > 0
    if value is None:
        return False
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return True
    if isinstance(value, (bool, numbers.Real)):
        return to_boolean(to_number(value))
    if isinstance(value, str):
        return str(value) != ""
    return False


def is_number(value: Any) -> bool:
    """Whether *value* is an XPath number (a real int/float, not a bool)."""
    return isinstance(value, _NUM_TYPES) and not isinstance(value, bool)


def is_temporal(value: Any) -> bool:
    """Whether *value* is a date, datetime or time."""
    return isinstance(value, (dt.date, dt.time))


def is_nan(value: int | float) -> bool:
    """NaN test that accepts ints (which are never NaN)."""
    return isinstance(value, float) and math.isnan(value)
