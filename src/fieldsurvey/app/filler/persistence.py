"""How the filler keeps answers: an autosave slot while typing, revisions when saved.

Autosaves are one cheap transaction without a revision; an explicit save (or closing the
filler) makes a draft revision, and finalising a complete one. Each is a single small
transaction (a few ms), so they run on the UI thread.
"""

from __future__ import annotations

from typing import Any

from fieldsurvey.core.errors import UsageError
from fieldsurvey.core.forms.model import Form
from fieldsurvey.core.store.models import Record
from fieldsurvey.core.workspace import Saved, Workspace, village_question


def find_record(ws: Workspace, record_id: str | None) -> Record | None:
    """The stored record, or None for one that was never saved (a new or recovered one)."""
    if not record_id:
        return None
    try:
        return ws.record(record_id)
    except UsageError:
        return None


class RecordSaver:
    def __init__(
        self, ws: Workspace, form: Form, record_id: str, *, exists: bool, village: str | None
    ) -> None:
        self.ws = ws
        self.form = form
        self.record_id = record_id
        self.exists = exists
        self.village = village

    def village_answer(self, answers: dict[str, Any]) -> str | None:
        """The village chosen in the form itself, which wins over the one it was opened for."""
        question = village_question(self.form)
        chosen = answers.get(question.name) if question is not None else None
        return str(chosen) if chosen else None

    def autosave(self, answers: dict[str, Any]) -> None:
        village = self.village_answer(answers) or self.village
        self.ws.autosave(self.record_id, self.form.form_id, answers, village=village)

    def save(self, answers: dict[str, Any], *, complete: bool) -> Saved:
        """A revision (the record itself the first time). Raises FieldSurveyError."""
        # lenient: a draft is refused only for values of the wrong type; a broken constraint
        # is kept and waits for finalising, which checks everything
        if self.exists:
            saved = self.ws.save_answers(
                self.record_id, answers, complete=complete, lenient=not complete
            )
        else:
            saved = self.ws.add_record(
                self.form.form_id,
                answers,
                village=None if self.village_answer(answers) else self.village,
                complete=complete,
                record_id=self.record_id,
                lenient=not complete,
            )
            self.exists = True
        self.village = saved.record.village_code or self.village
        return saved
