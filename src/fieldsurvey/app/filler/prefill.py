"""What a new record starts with: the form's defaults and the village it was opened for."""

from __future__ import annotations

from fieldsurvey.app.filler.state import FillState
from fieldsurvey.core.workspace import fill_defaults, fill_metadata, fill_village


def prefill(
    state: FillState,
    village: str | None,
    *,
    enumerator: str = "",
    device: str = "",
) -> None:
    """Fill metadata, defaults and *village* into the answers left empty by the caller (the
    copy a duplicate starts with, or recovered work).

    Metadata (username, deviceid, start, today) comes first, as ODK fills it when a form is
    opened, so a default such as ``${username}`` gives the enumerator's name without typing.

    A village field filtered by a parent question (``township=${township}``) also gets the
    parent filled from the village's own column of that name, the usual cascading-select
    pattern, so the chosen village is on offer."""
    answers = state.answers
    fill_metadata(state.form, answers, enumerator=enumerator, device=device)
    fill_defaults(state.form, answers)
    if village:
        fill_village(state.form, answers, village)
    state.evaluate()
    if state.sync_repeat_counts():
        state.evaluate()
