"""Date and time functions: today(), now(), date(), format-date() and friends.

Dates travel through arithmetic as day numbers (``${d} + 7`` is a number, as in ODK) and come
back with ``date()``/``date-time()``.  Anything that cannot be read as a date gives "" (or NaN
for the numeric functions) instead of an error, so a half-filled form never breaks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fieldsurvey.core.forms.expr.spec import CONTEXT, Function
from fieldsurvey.core.forms.expr.temporal import (
    EPOCH_DATE,
    date_from_days,
    datetime_from_days,
    day_fraction,
    days_since_epoch,
    format_temporal,
    parse_temporal,
)
from fieldsurvey.core.forms.expr.values import NAN, first, to_number, to_string


def as_date(value: Any) -> dt.date | None:
    """A date from a date/datetime, an ISO string or a number of days since 1970-01-01."""
    value = first(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        parsed = parse_temporal(value)
        if parsed is not None:
            if isinstance(parsed, dt.datetime):
                return parsed.date()
            return parsed if isinstance(parsed, dt.date) else None
    elif isinstance(value, (bool, dt.time)) or value is None:
        return None
    return date_from_days(to_number(value))


def as_datetime(value: Any) -> dt.datetime | None:
    """A datetime from a datetime, date (midnight), time (on 1970-01-01), ISO string or days."""
    value = first(value)
    if isinstance(value, str):
        parsed = parse_temporal(value)
        value = parsed if parsed is not None else value
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, dt.time):
        return dt.datetime.combine(EPOCH_DATE, value)
    if isinstance(value, bool) or value is None:
        return None
    return datetime_from_days(to_number(value))


def _now(ctx: Any) -> dt.datetime:
    return ctx.now()


def _today(ctx: Any) -> dt.date:
    now = ctx.now()
    return now.date() if isinstance(now, dt.datetime) else now


def _date(value: Any) -> dt.date | str:
    result = as_date(value)
    return "" if result is None else result


def _date_time(value: Any) -> dt.datetime | str:
    result = as_datetime(value)
    return "" if result is None else result


def _format(value: Any, pattern: Any) -> str:
    moment = as_datetime(value)
    return "" if moment is None else format_temporal(moment, to_string(pattern))


def _decimal_date_time(value: Any) -> float:
    moment = as_datetime(value)
    return NAN if moment is None else float(days_since_epoch(moment))


def _decimal_time(value: Any) -> float:
    value = first(value)
    if isinstance(value, str):
        value = parse_temporal(value)
    if isinstance(value, dt.datetime):
        value = value.time()
    return day_fraction(value) if isinstance(value, dt.time) else NAN


FUNCTIONS: dict[str, Function] = {
    "today": Function(0, 0, _today, CONTEXT, pure=False),
    "now": Function(0, 0, _now, CONTEXT, pure=False),
    "date": Function(1, 1, _date),
    "date-time": Function(1, 1, _date_time),
    "format-date": Function(2, 2, _format),
    "format-date-time": Function(2, 2, _format),
    "decimal-date-time": Function(1, 1, _decimal_date_time),
    "decimal-time": Function(1, 1, _decimal_time),
}
