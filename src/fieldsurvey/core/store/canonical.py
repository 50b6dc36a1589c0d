"""Canonical JSON and timestamps: one spelling per value, so hashes and exports mean something."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any


def canonical_json(value: Any) -> str:
    """The one JSON text for *value*: sorted keys, no spaces, UTF-8 left as is, no NaN."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def utc_now() -> str:
    """Now as ISO-8601 UTC with milliseconds and ``Z``; fixed width, so text order is time order."""
    return format_utc(datetime.now(timezone.utc))


def format_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("a timestamp needs a time zone")
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
