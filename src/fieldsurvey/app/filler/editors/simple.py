"""Small editors: acknowledge, range, and the read-only display of calculated values."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QLabel, QWidget

from fieldsurvey.app.filler.editors.base import EditorEnv, FieldEditor, ReadOnlyLineEdit, move_on
from fieldsurvey.app.filler.editors.numbers import format_number
from fieldsurvey.app.filler.labels import MUTED, tint
from fieldsurvey.app.i18n import tr
from fieldsurvey.core.forms.model import Field

EMPTY_TEXT = "—"


class AcknowledgeEditor(FieldEditor):
    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        self.box = QCheckBox(tr("OK"), self)
        self.row.addWidget(self.box)
        self.row.addStretch(1)
        self.setFocusProxy(self.box)
        self.box.toggled.connect(lambda on: self.emit_value("OK" if on else None))

    def show_value(self, value: Any) -> None:
        self.box.setChecked(value == "OK")

    def focus_target(self) -> QWidget:
        return self.box


class _RangeSpin(QDoubleSpinBox):
    """Its minimum, one step below the range, stands for "no answer"."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if self.value() == self.minimum() and event.text()[:1].isdigit():
            self.lineEdit().selectAll()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            move_on(self)
            return
        super().keyPressEvent(event)


class RangeEditor(FieldEditor):
    """``range`` with start, end and step; the arrow keys step through the allowed values."""

    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        p = field.parameters
        start, end = float(p.get("start", "1")), float(p.get("end", "10"))
        self.step = abs(float(p.get("step", "1"))) or 1.0
        self.low, self.high = min(start, end), max(start, end)
        decimals = 0 if self.step.is_integer() and self.low.is_integer() else 2
        self.spin = _RangeSpin(self)
        self.spin.setDecimals(decimals)
        self.spin.setRange(self.low - self.step, self.high)
        self.spin.setSingleStep(self.step)
        self.spin.setSpecialValueText(EMPTY_TEXT)
        self.spin.setMinimumWidth(90)
        self.spin.setAccelerated(False)
        self.spin.setValue(self.spin.minimum())
        scale = QLabel(
            tr(
                "from {start} to {end}, in steps of {step}",
                start=format_number(start),
                end=format_number(end),
                step=format_number(self.step),
            ),
            self,
        )
        tint(scale, MUTED)
        self.row.addWidget(self.spin)
        self.row.addWidget(scale)
        self.row.addStretch(1)
        self.setFocusProxy(self.spin)
        self.spin.valueChanged.connect(self._changed)

    def _changed(self, value: float) -> None:
        if value < self.low:
            self.emit_value(None)
            return
        self.emit_value(int(value) if float(value).is_integer() else round(value, 6))

    def show_value(self, value: Any) -> None:
        try:
            number = float(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            number = None
        self.spin.setValue(self.spin.minimum() if number is None else number)

    def set_locked(self, locked: bool) -> None:
        self.spin.setReadOnly(locked)

    def focus_target(self) -> QWidget:
        return self.spin


class DisplayEditor(FieldEditor):
    """A value the form works out (``calculate`` with a label): shown, never typed."""

    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        self.edit = ReadOnlyLineEdit(self)
        self.edit.setMaximumWidth(320)
        self.edit.setStyleSheet("background: #f1f1f1;")
        self.row.addWidget(self.edit)
        self.row.addStretch(1)

    def show_value(self, value: Any) -> None:
        self.edit.setText(format_number(value) if value is not None else "")

    def set_locked(self, locked: bool) -> None:
        pass

    def focus_target(self) -> QWidget:
        return self.edit
