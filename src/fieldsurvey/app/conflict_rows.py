"""One record's open conflicts as the review page shows them, side by side: gathered on the
worker from ``core.review.conflicts`` with the question's label in the form's language, the
value before (in the common ancestor) and each candidate's value with who set it and when."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fieldsurvey.app.answer_text import answer_text, question_label
from fieldsurvey.app.i18n import tr
from fieldsurvey.app.labels import short_time
from fieldsurvey.core import review
from fieldsurvey.core.keys import known_devices

_STEP = re.compile(r"^(?P<name>[^\[\]/]+)\[(?P<row>[^\]]+)\]$")


@dataclass(frozen=True)
class Cell:
    """One laptop's value of a conflicted field."""

    revision: str
    text: str
    who: str  # author, and the device by name
    when: str
    deleted: bool
    chosen: bool  # the coordinator chose it already (the record has other conflicts left)


@dataclass(frozen=True)
class ConflictRow:
    path: str  # as the core stores it: what ``choose`` takes
    shown: str  # cooperative[2]/coop_members
    label: str  # the question's label in the form's language
    where: str  # the repeat rows it is in: "Cooperatives, row 2" ("" at the top level)
    before: str
    cells: tuple[Cell, ...]
    is_row: bool


@dataclass(frozen=True)
class RecordConflicts:
    record_id: str
    rows: tuple[ConflictRow, ...]

    @property
    def chosen(self) -> int:
        return sum(any(c.chosen for c in row.cells) for row in self.rows)


def load_conflicts(ws: Any, record_id: str, lang: str) -> RecordConflicts:
    views = review.conflicts(ws, record_id)
    record = ws.record(record_id)
    try:
        form = ws.form(record.form_id, record.form_version)
    except Exception:  # a form that no longer opens: names and codes instead of labels
        form = None
    devices = {d.id: d.name for d in known_devices(ws.store)}
    rows = []
    for view in views:
        taken = (view.choice or {}).get("revision")
        cells = tuple(_cell(form, view, c, taken, devices, lang) for c in view.candidates)
        label = question_label(form, view.question, lang)
        where = _where(form, view.shown, view.is_row, lang)
        if view.is_row:  # the row is the question: "Cooperatives, row 1"
            label, where = where or label, ""
        rows.append(
            ConflictRow(
                path=view.path,
                shown=view.shown,
                label=label,
                where=where,
                before=_value(form, view, view.base, lang),
                cells=cells,
                is_row=view.is_row,
            )
        )
    return RecordConflicts(record.id, tuple(rows))


def _cell(
    form: Any, view: Any, candidate: Any, taken: str | None, devices: dict[str, str], lang: str
) -> Cell:
    if candidate.deleted:
        text = tr("Row deleted") if view.is_row else tr("(deleted)")
    else:
        text = _value(form, view, candidate.value, lang)
    author = candidate.author or tr("an automatic merge")
    device = devices.get(candidate.device_id or "", "")
    who = tr("{author} on {device}", author=author, device=device) if device else author
    return Cell(
        revision=candidate.revision,
        text=text,
        who=who,
        when=short_time(candidate.created_at),
        deleted=candidate.deleted,
        chosen=bool(taken) and taken == candidate.revision,
    )


def _value(form: Any, view: Any, value: Any, lang: str) -> str:
    if view.is_row and value is None:
        return tr("(no such row)")
    return answer_text(form, view.question, value, lang)


def _where(form: Any, shown: str, is_row: bool, lang: str) -> str:
    """The repeat rows a field is in, by the repeat's label and the row's number."""
    steps = shown.split("/")
    if not is_row:
        steps = steps[:-1]
    places = []
    for step in steps:
        match = _STEP.match(step)
        if match:
            name = question_label(form, match["name"], lang)
            places.append(tr("{repeat}, row {row}", repeat=name, row=match["row"]))
    return " › ".join(places)
