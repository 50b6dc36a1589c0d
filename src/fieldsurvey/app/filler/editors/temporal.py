"""Dates, times and date-times, each of which may be left empty.

Dates use Qt's date editor, so an impossible date (30 February) cannot be entered; "empty" is
the editor's minimum shown as a dash, and the first key or step starts from today. Times are a
checked HH:MM entry, because a time editor has no spare minimum to stand for "empty".
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTime
from PySide6.QtGui import QKeyEvent, QValidator, QWheelEvent
from PySide6.QtWidgets import QDateTimeEdit, QWidget

from fieldsurvey.app.filler.editors.base import EditorEnv, FieldEditor, LineEdit, move_on
from fieldsurvey.app.filler.editors.choices import clear_button
from fieldsurvey.app.i18n import tr
from fieldsurvey.core.forms.model import Field

EMPTY = QDateTime(QDate(1900, 1, 1), QTime(0, 0))
EMPTY_TEXT = "—"
FORMATS = {"date": "yyyy-MM-dd", "dateTime": "yyyy-MM-dd HH:mm"}


_STEP_KEYS = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown})


class _DateTimeEdit(QDateTimeEdit):
    def is_empty(self) -> bool:
        return self.dateTime() == EMPTY

    def start_from_now(self) -> None:
        now = QDateTime.currentDateTime()
        if self.displayFormat() == FORMATS["date"]:
            now = QDateTime(now.date(), QTime(0, 0))
        else:
            now = QDateTime(now.date(), QTime(now.time().hour(), now.time().minute()))
        self.setDateTime(now)
        self.setCurrentSectionIndex(0)
        self.setSelectedSection(self.sectionAt(0))

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt override)
        if self.is_empty():
            self.start_from_now()
            return
        super().stepBy(steps)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if self.is_empty() and event.text().isdigit():
            self.start_from_now()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            move_on(self)  # to the next question, not to this date's next part
            return
        if event.key() in _STEP_KEYS:
            # a date changes only by typing or the calendar: Down pressed to move on, out of
            # habit, made 2026 into 2025 with nothing on the screen to say so
            event.accept()
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt override)
        event.ignore()  # the wheel scrolls the form; it never changes a date it passes over


class _OpenAtToday(QObject):
    """An empty date's calendar opens at this month, not at the empty marker's 1900."""

    def __init__(self, edit: _DateTimeEdit) -> None:
        super().__init__(edit)
        self.edit = edit

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Show and self.edit.is_empty():
            today = QDate.currentDate()
            obj.setCurrentPage(today.year(), today.month())  # type: ignore[attr-defined]
        return False


class DateEditor(FieldEditor):
    """``date`` and ``dateTime``."""

    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        self.edit = _DateTimeEdit(self)
        self.edit.setDisplayFormat(FORMATS.get(field.kind, FORMATS["date"]))
        self.edit.setMinimumDateTime(EMPTY)
        self.edit.setSpecialValueText(EMPTY_TEXT)
        self.edit.setCalendarPopup(True)
        self.edit.calendarWidget().installEventFilter(_OpenAtToday(self.edit))
        self.edit.setDateTime(EMPTY)
        self.edit.setMinimumWidth(170)
        self.clear = clear_button(self, tr("Clear the date"))
        self.clear.clicked.connect(self._clear)
        self.row.addWidget(self.edit)
        self.row.addWidget(self.clear)
        self.row.addStretch(1)
        self.setFocusProxy(self.edit)
        self.edit.dateTimeChanged.connect(self._changed)

    def _clear(self) -> None:
        self.edit.setDateTime(EMPTY)
        self.edit.setFocus()

    def _changed(self, value: QDateTime) -> None:
        self.clear.setVisible(not self.edit.is_empty() and not self.edit.isReadOnly())
        self.emit_value(self.stored(value))

    def stored(self, value: QDateTime) -> str | None:
        if value == EMPTY:
            return None
        if self.field.kind == "date":
            return value.date().toString(Qt.DateFormat.ISODate)
        return value.toString("yyyy-MM-ddTHH:mm:ss")

    def show_value(self, value: Any) -> None:
        shown = EMPTY
        if value:
            text = str(value)
            try:
                if self.field.kind == "date":
                    d = dt.date.fromisoformat(text[:10])
                    shown = QDateTime(QDate(d.year, d.month, d.day), QTime(0, 0))
                else:
                    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
                    shown = QDateTime(QDate(t.year, t.month, t.day), QTime(t.hour, t.minute))
            except ValueError:
                shown = EMPTY
        self.edit.setDateTime(shown)
        self.clear.setVisible(shown != EMPTY and not self.edit.isReadOnly())

    def set_locked(self, locked: bool) -> None:
        self.edit.setReadOnly(locked)
        self.edit.setCalendarPopup(not locked)
        self.clear.setVisible(not locked and not self.edit.is_empty())

    def focus_target(self) -> QWidget:
        return self.edit


_TIME_PARTIAL = re.compile(r"^([01]?\d|2[0-3])?(:([0-5]\d?)?)?$")
_TIME_FULL = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class TimeValidator(QValidator):
    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        text = text.replace("：", ":").strip()
        if len(text) == 3 and text.isdigit():  # "083" -> "08:3" as it is typed
            text, pos = f"{text[:2]}:{text[2]}", pos + 1
        if not text or _TIME_FULL.match(text):
            return QValidator.State.Acceptable, text, pos
        if _TIME_PARTIAL.match(text):
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Invalid, text, pos


class TimeEditor(FieldEditor):
    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        self.edit = LineEdit(self)
        self.edit.setValidator(TimeValidator(self.edit))
        self.edit.setPlaceholderText(tr("HH:MM"))
        self.edit.setMaximumWidth(120)
        self.clear = clear_button(self, tr("Clear the time"))
        self.clear.clicked.connect(self._clear)
        self.row.addWidget(self.edit)
        self.row.addWidget(self.clear)
        self.row.addStretch(1)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._edited)
        self.edit.inputRejected.connect(
            lambda: self.set_local_problem(("not_time", {}), urgent=True)
        )
        self.edit.editingFinished.connect(lambda: self._edited(self.edit.text()))

    def _clear(self) -> None:
        self.edit.clear()
        self._edited("")

    def _edited(self, text: str) -> None:
        m = _TIME_FULL.match(text.strip())
        self.clear.setVisible(bool(text) and not self.edit.isReadOnly())
        if not text.strip():
            self.set_local_problem(None)
            self.emit_value(None)
        elif m:
            self.set_local_problem(None)
            self.emit_value(f"{int(m.group(1)):02d}:{m.group(2)}")
        else:
            self.set_local_problem(("not_time", {}))
            self.emit_value(None)

    def show_value(self, value: Any) -> None:
        text = str(value)[:5] if value else ""
        if text != self.edit.text():
            self.edit.setText(text)
        self.clear.setVisible(bool(text) and not self.edit.isReadOnly())

    def set_locked(self, locked: bool) -> None:
        self.edit.setReadOnly(locked)
        self.clear.setVisible(not locked and bool(self.edit.text()))

    def focus_target(self) -> QWidget:
        return self.edit
