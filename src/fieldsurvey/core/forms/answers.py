"""Typed answers: turning what a person or a JSON file gave into the stored value of a field.

Stored values are JSON: numbers as numbers, select_multiple as a list of codes, dates and times
as ISO text, geopoints as ODK's ``"lat lon alt acc"``. A value that cannot be read keeps the
raw input out of the record and yields a message key for ``i18n.tr``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from fieldsurvey.core.forms.expr import parse
from fieldsurvey.core.forms.expr.context import MappingContext
from fieldsurvey.core.forms.model import Field

EMPTY = ("", None)


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        try:
            value = float(raw)  # an int too large for a float (JSON allows any) overflows
        except OverflowError:
            return None
        return value if math.isfinite(value) else None
    if isinstance(raw, str):
        return number_from_text(raw)
    return None


# Commas only as thousands separators ("1,234.5"): "1,5" is someone's decimal comma, and
# reading it as 15 would store a wrong number without a word.
GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def number_from_text(text: str) -> float | None:
    """The number typed in *text*, or None when it is not one."""
    text = text.strip()
    if "," in text:
        if not GROUPED.match(text):
            return None
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# Whole numbers are kept as signed 64-bit integers, as SQLite, Stata's long long readers and
# every analysis package read them; a larger one (1e30 typed as a count) is a mistake.
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1


def exact_integer(raw: Any) -> int | None:
    """The whole number *raw* holds exactly (a JSON integer, or digits as text), or None;
    going through a float would turn 9007199254740993 into 9007199254740992."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if GROUPED.match(text):
            text = text.replace(",", "")
        digits = text[1:] if text.startswith(("+", "-")) else text
        if digits.isascii() and digits.isdigit():
            try:
                return int(text)
            except ValueError:  # more digits than Python reads: not a count anyone meant
                return None
    return None


def _integer(raw: Any) -> tuple[Any, str | None]:
    exact = exact_integer(raw)
    if exact is None:
        value = _number(raw)
        if value is None or not value.is_integer():
            return None, "not_integer"
        exact = int(value)
    if not INT_MIN <= exact <= INT_MAX:
        return None, "integer_range"
    return exact, None


def _decimal(raw: Any) -> tuple[Any, str | None]:
    value = _number(raw)
    if value is None:
        return None, "not_number"
    exact = exact_integer(raw) if isinstance(raw, int) else None
    if exact is not None and INT_MIN <= exact <= INT_MAX:
        return exact, None  # a whole number given as one stays exact
    return value, None


def _text(raw: Any) -> tuple[Any, str | None]:
    if isinstance(raw, (dict, list, bool)):  # a JSON true is no one's text
        return None, "not_text"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw)), None
    return str(raw), None


def _date(raw: Any) -> tuple[Any, str | None]:
    try:
        return dt.date.fromisoformat(str(raw).strip()[:10]).isoformat(), None
    except ValueError:
        return None, "not_date"


def _time(raw: Any) -> tuple[Any, str | None]:
    try:
        value = dt.time.fromisoformat(str(raw).strip())
    except ValueError:
        return None, "not_time"
    return value.isoformat(timespec="seconds" if value.second else "minutes"), None


def _datetime(raw: Any) -> tuple[Any, str | None]:
    text = str(raw).strip().replace(" ", "T")
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None, "not_datetime"
    return value.isoformat(timespec="seconds"), None


def _geopoint(raw: Any) -> tuple[Any, str | None]:
    if isinstance(raw, dict):
        parts: list[Any] = [raw.get(k) for k in ("latitude", "longitude", "altitude", "accuracy")]
        parts = [p for p in parts if p is not None]
    elif isinstance(raw, (list, tuple)):
        parts = list(raw)
    else:
        parts = str(raw).replace(",", " ").split()
    nums = [_number(p) for p in parts]
    if not 2 <= len(nums) <= 4 or any(n is None for n in nums):
        return None, "bad_geopoint"
    lat, lon = nums[0], nums[1]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (len(nums) == 4 and nums[3] < 0):
        return None, "bad_geopoint"
    return " ".join(_fmt(n) for n in nums), None


def _fmt(n: float) -> str:
    return str(int(n)) if n.is_integer() else repr(n)


def _ack(raw: Any) -> tuple[Any, str | None]:
    if raw is True or str(raw).strip().lower() in ("ok", "yes", "true", "1"):
        return "OK", None
    return None, "not_ack"


def _range(f: Field, raw: Any) -> tuple[Any, str | None, dict]:
    start = float(f.parameters.get("start", "1"))
    end = float(f.parameters.get("end", "10"))
    step = float(f.parameters.get("step", "1"))
    info = {"start": _fmt(start), "end": _fmt(end), "step": _fmt(step)}
    value = _number(raw)
    lo, hi = min(start, end), max(start, end)
    if value is None or not lo <= value <= hi:
        return None, "out_of_range", info
    steps = (value - start) / step
    if abs(steps - round(steps)) > 1e-9:
        return None, "out_of_range", info
    return (int(value) if value.is_integer() else value), None, info


def _select_one(raw: Any) -> tuple[Any, str | None]:
    if isinstance(raw, (dict, list, bool)):
        return None, "not_text"
    return _text(raw)


def _select_multiple(raw: Any) -> tuple[Any, str | None]:
    if isinstance(raw, str):
        return raw.split(), None
    if isinstance(raw, (list, tuple)) and all(isinstance(v, (str, int)) for v in raw):
        seen: list[str] = []
        for v in raw:
            if str(v) not in seen:
                seen.append(str(v))
        return seen, None
    return None, "not_list"


_SIMPLE = {
    "text": _text,
    "integer": _integer,
    "decimal": _decimal,
    "date": _date,
    "today": _date,
    "time": _time,
    "dateTime": _datetime,
    "start": _datetime,
    "end": _datetime,
    "geopoint": _geopoint,
    "acknowledge": _ack,
    "select_one": _select_one,
    "select_one_from_file": _select_one,
    "select_multiple": _select_multiple,
    "image": _text,
    "calculate": _text,
    "deviceid": _text,
    "username": _text,
}


def coerce(f: Field, raw: Any) -> tuple[Any, str | None, dict]:
    """(stored value, message key or None, message fields). Empty input is stored as None."""
    if is_empty(raw) or (isinstance(raw, str) and not raw.strip() and f.kind != "text"):
        return None, None, {}
    if f.kind == "range":
        return _range(f, raw)
    convert = _SIMPLE.get(f.kind)
    if convert is None:
        return None, "read_only", {}
    value, key = convert(raw)
    return value, key, {}


def default_value(
    f: Field, now: dt.datetime | None = None, values: dict[str, Any] | None = None
) -> Any:
    """The stored value of *f*'s ``default``, or None: a literal, or an expression such as
    ``today()`` or ``${username}`` evaluated now, reading *values* (the answers so far)."""
    text = f.default.strip()
    if not text or f.calculation is not None:
        return None
    raw: Any = text
    if "(" in text or "${" in text:
        try:
            context = MappingContext(values=values or {}, clock=now or dt.datetime.now())
            raw = parse(text).evaluate(context)
        except Exception:  # a default is a convenience; a broken one must not stop the form
            return None
        if isinstance(raw, (dt.date, dt.datetime, dt.time)):
            raw = raw.isoformat()
    value, problem, _ = coerce(f, raw)
    return None if problem else value
