"""Date/time helpers: ISO parsing, day numbers and ODK's format-date codes.

Kept free of the value model so the coercions in ``values`` can use it without an import cycle.
Everything returns ``None`` instead of raising for out-of-range or malformed input, because a
form author's typo must end as an empty answer, not a crash.
"""

from __future__ import annotations

import datetime as dt
import math
import re

EPOCH_DATE = dt.date(1970, 1, 1)
EPOCH_DATETIME = dt.datetime(1970, 1, 1)
_ONE_DAY = dt.timedelta(days=1)

_DATE = r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
_TIME = r"([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?"
_ZONE = r"(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
_DATETIME_RE = re.compile(rf"{_DATE}(?:[T ]{_TIME}{_ZONE})?")
_TIME_RE = re.compile(rf"{_TIME}{_ZONE}")

Temporal = dt.date | dt.datetime | dt.time

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _zone(text: str | None) -> dt.tzinfo | None:
    if not text:
        return None
    if text == "Z":
        return dt.timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
    return dt.timezone(sign * dt.timedelta(minutes=minutes))


def _clock(
    hour: str, minute: str, second: str | None, fraction: str | None
) -> tuple[int, int, int, int]:
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    return int(hour), int(minute), int(second or 0), micro


def parse_temporal(text: str) -> Temporal | None:
    """An ISO-8601 date, datetime or time (as ODK writes them), or ``None``.

    Accepts ``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM]`` (a space may replace the
    ``T``) and ``HH:MM[:SS[.fff]][zone]``.  Written by hand rather than with ``fromisoformat`` so
    the accepted forms do not change with the Python version.
    """
    text = text.strip()
    try:
        match = _DATETIME_RE.fullmatch(text)
        if match:
            year, month, day, hour, minute, second, fraction, zone = match.groups()
            if hour is None:
                return dt.date(int(year), int(month), int(day))
            clock = _clock(hour, minute, second, fraction)
            return dt.datetime(int(year), int(month), int(day), *clock, tzinfo=_zone(zone))
        match = _TIME_RE.fullmatch(text)
        if match:
            hour, minute, second, fraction, zone = match.groups()
            return dt.time(*_clock(hour, minute, second, fraction), tzinfo=_zone(zone))
    except ValueError:  # month 13, hour 25, offset of 24h or more, ...
        return None
    return None


def days_since_epoch(value: dt.date) -> int | float:
    """Whole days for a date; fractional days for a datetime (aware ones measured in UTC)."""
    if isinstance(value, dt.datetime):
        offset = value.utcoffset() or dt.timedelta(0)
        # Timedelta arithmetic cannot overflow where astimezone() near year 1/9999 would.
        delta = (value.replace(tzinfo=None) - EPOCH_DATETIME) - offset
        return delta / _ONE_DAY
    return (value - EPOCH_DATE).days


def day_fraction(value: dt.time) -> float:
    """The fraction of the day a clock time has reached (time zone ignored)."""
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    return seconds / 86400


def date_from_days(days: float) -> dt.date | None:
    """The date *days* after 1970-01-01 (fractions floored), or ``None`` if out of range."""
    if not math.isfinite(days):
        return None
    try:
        return EPOCH_DATE + dt.timedelta(days=math.floor(days))
    except (OverflowError, ValueError):
        return None


def datetime_from_days(days: float) -> dt.datetime | None:
    """The naive datetime *days* (fractional) after the epoch, or ``None`` if out of range."""
    if not math.isfinite(days):
        return None
    try:
        return EPOCH_DATETIME + dt.timedelta(days=days)
    except (OverflowError, ValueError):
        return None


def format_temporal(value: dt.datetime, pattern: str) -> str:
    """ODK's ``format-date``: ``%Y %y %m %n %b %d %e %H %h %M %S %3 %a``.

    An unknown code (or a trailing ``%``) is copied through literally rather than failing, and
    ``%%`` gives ``%``.
    """
    codes = {
        "Y": f"{value.year:04d}",
        "y": f"{value.year % 100:02d}",
        "m": f"{value.month:02d}",
        "n": str(value.month),
        "b": _MONTHS[value.month - 1],
        "d": f"{value.day:02d}",
        "e": str(value.day),
        "H": f"{value.hour:02d}",
        "h": str(value.hour),
        "M": f"{value.minute:02d}",
        "S": f"{value.second:02d}",
        "3": f"{value.microsecond // 1000:03d}",
        "a": _WEEKDAYS[value.weekday()],
        "%": "%",
    }
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "%" and i + 1 < len(pattern) and pattern[i + 1] in codes:
            out.append(codes[pattern[i + 1]])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)
