"""What every field editor offers the question around it.

An editor shows one stored value and reports edits as stored values (``None`` when empty).
Setting a value from the model never echoes back as an edit. A value the editor cannot accept
(letters in a number) stays out of the answers and is reported as a *local problem*: a core
message key, rendered in the form's language by the question.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox, QHBoxLayout, QLineEdit, QWidget

from fieldsurvey.app.filler.focus import tab_stops, takes_tab
from fieldsurvey.core.forms.model import Choice, Field, Form, pick

LocalProblem = tuple[str, dict[str, Any]]  # (core message key, fields)
SKIPPED_BY_ENTER = "fieldsurveySkippedByEnter"  # a widget property: Tab stops here, Enter not


def is_enter(event: QKeyEvent) -> bool:
    """Return or Enter, alone (the keypad's Enter counts)."""
    return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
        event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    )


def move_on(widget: QWidget) -> None:
    """Enter: on to the next answer in the page's Tab order, as on paper.

    Qt's own chain is used (not *widget*'s override: a date editor's steps through its day,
    month and year), and a question's small helper buttons (a date's "clear") are stepped
    over, so the next key typed never lands on a button that would throw the answer away."""
    QWidget.focusNextPrevChild(widget, True)
    for _ in range(8):
        current = QApplication.focusWidget()
        if current is None or not current.property(SKIPPED_BY_ENTER):
            return
        QWidget.focusNextPrevChild(current, True)


def move_past(widget: QWidget) -> None:
    """Enter in an answer of several stops, a box per choice: on to the next question, past
    the rest of *widget*'s boxes (from its last box, one step on)."""
    boxes = [w for w in tab_stops(widget) if takes_tab(w)]
    if boxes and QApplication.focusWidget() is not boxes[-1]:
        boxes[-1].setFocus(Qt.FocusReason.OtherFocusReason)
    move_on(QApplication.focusWidget() or widget)


@dataclass
class EditorEnv:
    """What editors need beyond their field: the form, its language, where media goes."""

    form: Form
    lang: str
    media_dir: Path  # <db dir>/media/<record id>
    record_id: str

    def choice_text(self, choice: Choice) -> str:
        return pick(choice.labels, self.lang, self.form.default_language) or choice.name


class FieldEditor(QWidget):
    changed = Signal(object)  # the stored value after a person's edit
    localProblemChanged = Signal()

    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.env = env
        self.local_problem: LocalProblem | None = None
        self.local_urgent = False  # a refused keystroke: say so at once, not on leaving
        self._quiet_depth = 0
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(6)

    # -- the interface the question uses ---------------------------------------------------
    def set_value(self, value: Any) -> None:
        with self.quiet():
            self.show_value(value)
        self.set_local_problem(None)

    def show_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_language(self, lang: str) -> None:
        """Redraw choice labels and the like in the form's language *lang*."""

    def set_locked(self, locked: bool) -> None:
        self.setEnabled(not locked)

    def focus_target(self) -> QWidget:
        return self

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        """Enter that the widget with the focus left alone (a drop-down, a check box or radio
        button, a button) moves on to the next question, as it does from a text box."""
        if is_enter(event):
            event.accept()
            move_past(self)
            return
        super().keyPressEvent(event)

    # -- helpers for subclasses ------------------------------------------------------------
    @contextmanager
    def quiet(self) -> Iterator[None]:
        self._quiet_depth += 1
        try:
            yield
        finally:
            self._quiet_depth -= 1

    def emit_value(self, value: Any) -> None:
        if not self._quiet_depth:
            self.changed.emit(value)

    def set_local_problem(self, problem: LocalProblem | None, *, urgent: bool = False) -> None:
        if problem != self.local_problem or urgent != self.local_urgent:
            self.local_problem = problem
            self.local_urgent = urgent and problem is not None
            self.localProblemChanged.emit()


class LineEdit(QLineEdit):
    """A single-line entry where Enter moves on to the next field, as on paper."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if is_enter(event):
            event.accept()
            move_on(self)
            return
        super().keyPressEvent(event)


class ReadOnlyLineEdit(LineEdit):
    """Read-only rather than disabled, so the text stays legible and can be copied."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)


class Combo(QComboBox):
    """A drop-down that lets Ctrl+S (and any other control key) through to the form.

    QComboBox takes every key that carries text for its type-to-search, Ctrl+letter included,
    so Ctrl+S pressed in a drop-down never reached the filler and nothing was saved.
    """

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and event.text() and not self.isEditable():
            event.ignore()  # on up to the form; a drop-down does nothing with Ctrl+letter
            return
        super().keyPressEvent(event)
