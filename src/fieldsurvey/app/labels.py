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
        "conflict": tr("With conflicts"),
    }
    return known.get(status, status)


def flag_text(flag: str | None) -> str:
    """Why a reviewed record needs review again (the core's flag), in the UI language."""
    known = {
        "changed after review": tr("Changed in the field after it was reviewed"),
        "reviewers disagree": tr("Two reviewers decided differently"),
    }
    return known.get(flag or "", flag or "")


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
