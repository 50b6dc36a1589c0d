"""Free text: one line, or several with the ``multiline`` appearance."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QPlainTextEdit, QWidget

from fieldsurvey.app.filler.editors.base import EditorEnv, FieldEditor, LineEdit
from fieldsurvey.core.forms.model import Field

MULTILINE_ROWS = 4
LINE_MAX_WIDTH = 640  # a name or a phone number does not need the page's full width


class TextEditor(FieldEditor):
    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        self.edit = LineEdit(self)
        self.edit.setMaximumWidth(LINE_MAX_WIDTH)
        self.row.addWidget(self.edit, 1)  # grows to its maximum, then the spacer takes the rest
        self.row.addStretch(0)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(lambda text: self.emit_value(text or None))

    def show_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if text != self.edit.text():
            self.edit.setText(text)

    def set_locked(self, locked: bool) -> None:
        self.edit.setReadOnly(locked)

    def focus_target(self) -> QWidget:
        return self.edit


class MultilineEditor(FieldEditor):
    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setTabChangesFocus(True)  # Tab moves on; keyboard users are not trapped
        line = self.edit.fontMetrics().lineSpacing()
        self.edit.setFixedHeight(line * MULTILINE_ROWS + 14)
        self.row.addWidget(self.edit)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(lambda: self.emit_value(self.edit.toPlainText() or None))

    def show_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if text != self.edit.toPlainText():
            self.edit.setPlainText(text)

    def set_locked(self, locked: bool) -> None:
        self.edit.setReadOnly(locked)

    def focus_target(self) -> QWidget:
        return self.edit
