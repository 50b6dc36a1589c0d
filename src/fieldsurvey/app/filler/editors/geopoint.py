"""A location typed from a GPS reading: latitude, longitude, altitude and accuracy."""

from __future__ import annotations

from typing import Any

import qtawesome as qta
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from fieldsurvey.app.filler.editors.base import EditorEnv, FieldEditor, LineEdit
from fieldsurvey.app.filler.editors.numbers import NumberValidator, format_number, parse_number
from fieldsurvey.app.filler.labels import WARNING, WrapLabel, tint
from fieldsurvey.app.i18n import tr
from fieldsurvey.core.forms.model import Field

# Beyond this a reading may place the point in the wrong hamlet. It is still accepted, with a
# visible warning, because a reading taken inside a village hall may never get better.
POOR_ACCURACY_M = 50.0


class GeopointEditor(FieldEditor):
    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        column.addLayout(grid)
        parts = (
            (tr("Latitude"), -90.0, 90.0),
            (tr("Longitude"), -180.0, 180.0),
            (tr("Altitude (m)"), -1000.0, 9000.0),
            (tr("Accuracy (m)"), 0.0, 100000.0),
        )
        self.edits: list[LineEdit] = []
        for i, (title, low, high) in enumerate(parts):
            label = QLabel(title, box)
            edit = LineEdit(box)
            edit.setValidator(NumberValidator(False, edit, bottom=low, top=high))
            edit.setAccessibleName(title)
            edit.setMaximumWidth(160)
            label.setBuddy(edit)
            grid.addWidget(label, 0, i)
            grid.addWidget(edit, 1, i)
            edit.textEdited.connect(self._edited)
            edit.inputRejected.connect(
                lambda: self.set_local_problem(("bad_geopoint", {}), urgent=True)
            )
            edit.editingFinished.connect(self._edited)  # leaving judges what is there
            self.edits.append(edit)
        grid.setColumnStretch(4, 1)
        self.warning = QWidget(box)
        warn_row = QHBoxLayout(self.warning)
        warn_row.setContentsMargins(0, 2, 0, 0)
        icon = QLabel(self.warning)
        icon.setPixmap(qta.icon("fa5s.exclamation-triangle", color="#b7791f").pixmap(14, 14))
        self.warning_text = tint(WrapLabel("", self.warning), WARNING)
        warn_row.addWidget(icon)
        warn_row.addWidget(self.warning_text, 1)
        self.warning.hide()
        column.addWidget(self.warning)
        self.row.addWidget(box, 1)
        self.setFocusProxy(self.edits[0])

    def numbers(self) -> list[float | None]:
        return [parse_number(e.text(), integer=False) for e in self.edits]

    def _edited(self) -> None:
        lat, lon, alt, acc = self.numbers()
        texts = [e.text().strip() for e in self.edits]
        self._warn(acc)
        if not any(texts):
            self.set_local_problem(None)
            self.emit_value(None)
            return
        bad = any(t and n is None for t, n in zip(texts, (lat, lon, alt, acc)))
        if lat is None or lon is None or bad:
            self.set_local_problem(("bad_geopoint", {}))
            self.emit_value(None)
            return
        self.set_local_problem(None)
        parts = [lat, lon]
        if alt is not None or acc is not None:
            parts += [alt or 0.0, *([acc] if acc is not None else [])]
        self.emit_value(" ".join(format_number(p) for p in parts))

    def _warn(self, accuracy: float | None) -> None:
        poor = accuracy is not None and accuracy > POOR_ACCURACY_M
        if poor:
            self.warning_text.setText(
                tr(
                    "Accuracy {accuracy} m is worse than {limit} m: wait for a better fix if you can.",
                    accuracy=format_number(accuracy),
                    limit=format_number(POOR_ACCURACY_M),
                )
            )
        self.warning.setVisible(poor)

    def show_value(self, value: Any) -> None:
        parts = str(value).split() if value else []
        for i, edit in enumerate(self.edits):
            text = parts[i] if i < len(parts) else ""
            if parse_number(edit.text(), integer=False) != parse_number(text, integer=False):
                edit.setText(text)
        self._warn(parse_number(parts[3], integer=False) if len(parts) > 3 else None)

    def set_locked(self, locked: bool) -> None:
        for edit in self.edits:
            edit.setReadOnly(locked)

    def focus_target(self) -> QWidget:
        return self.edits[0]
