"""Words for the core's codes (record status, profile state), in the UI language."""

from __future__ import annotations

import datetime as dt

from fieldsurvey.app.i18n import tr


def status_text(status: str) -> str:
    known = {
        "draft": tr("Draft"),
        "complete": tr("Complete"),
        "approved": tr("Approved"),
        "rejected": tr("Rejected"),
    }
    return known.get(status, status)


def profile_text(state: str) -> str:
    known = {"none": tr("No profile"), "draft": tr("Draft"), "complete": tr("Complete")}
    return known.get(state, state)


def short_time(stamp: str) -> str:
    """A stored UTC stamp (``2026-10-12T01:30:05.123Z``) in local time: ``2026-10-12 09:30``."""
    if not stamp:
        return ""
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")
