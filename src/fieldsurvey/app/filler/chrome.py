"""The filler's frame around the form: the bar on top, the message banner and the section
buttons at the bottom. UI text here is in the UI language; the form's own text is not."""

from __future__ import annotations

import qtawesome as qta
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from fieldsurvey.app.filler.editors.base import Combo, is_enter
from fieldsurvey.app.i18n import tr

SAVE_KEYS = "Ctrl+S"
FINALISE_KEYS = "Ctrl+Shift+F"
NEXT_KEYS = "Ctrl+PgDown"
PREVIOUS_KEYS = "Ctrl+PgUp"

BANNER_STYLES = {
    "error": "background: #fdecea; color: #8a1c14; border: 1px solid #f5c2bd;",
    "info": "background: #eaf2fb; color: #1d4f7a; border: 1px solid #bcd5ee;",
    "ok": "background: #e9f5ec; color: #1e5e2f; border: 1px solid #b9dfc3;",
}


def is_save_key(event: QEvent) -> bool:
    if not isinstance(event, QKeyEvent):
        return False
    combo = QKeySequence(event.keyCombination())
    return combo.matches(QKeySequence(SAVE_KEYS)) == QKeySequence.SequenceMatch.ExactMatch


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" rather than being cut off; the tooltip has it all."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(80)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        super().setText(text)
        self.setToolTip(text)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        metrics = self.fontMetrics()
        text = metrics.elidedText(self.text(), Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(self.rect(), int(self.alignment()), text)


class TopBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fillerTopBar")
        self.setStyleSheet("QFrame#fillerTopBar { border-bottom: 1px solid #d0d0d0; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        self.title = ElidedLabel(self)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self.status = QLabel(self)
        self.status.setStyleSheet("color: #555;")
        self.lang_label = QLabel(tr("Form language:"), self)
        self.lang = Combo(self)
        self.lang.setAccessibleName(tr("Form language"))
        self.lang_label.setBuddy(self.lang)
        self.problems = QToolButton(self)
        self.problems.setCheckable(True)
        self.problems.setIcon(qta.icon("fa5s.list-ul"))
        self.problems.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.problems.setToolTip(tr("Show or hide the list of problems"))
        self.edit = QPushButton(qta.icon("fa5s.edit"), tr("Edit"), self)
        self.edit.setToolTip(tr("Change this complete record; saving makes a new revision"))
        self.save = QPushButton(qta.icon("fa5s.save"), tr("Save draft"), self)
        self.finalise = QPushButton(qta.icon("fa5s.flag-checkered"), tr("Finalise"), self)
        self.finalise.setToolTip(
            tr("Finalise ({keys}): only when there are no problems", keys=FINALISE_KEYS)
        )
        self.show_saving(final=False)
        row.addWidget(self.title, 1)
        row.addWidget(self.status)
        row.addSpacing(12)
        for w in (self.lang_label, self.lang, self.problems, self.edit, self.save, self.finalise):
            row.addWidget(w)

    def show_saving(self, *, final: bool) -> None:
        """A final record being edited is saved as final while it has no problems: the
        button must not say "draft"."""
        if final:
            self.save.setText(tr("Save"))
            self.save.setToolTip(
                tr("Save ({keys}): the record stays complete if it has no problems", keys=SAVE_KEYS)
            )
        else:
            self.save.setText(tr("Save draft"))
            self.save.setToolTip(tr("Save draft ({keys})", keys=SAVE_KEYS))


class Banner(QLabel):
    """A message above the form: why a save failed, what finalising needs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def say(self, text: str, kind: str = "info") -> None:
        """Show *text*; saying the same again changes nothing (a new style sheet would make
        the whole window lay itself out again, on every keystroke while the count is kept)."""
        style = f"QLabel {{ {BANNER_STYLES[kind]} padding: 6px 10px; }}"
        if style != self.styleSheet():
            self.setStyleSheet(style)
        if text != self.text():
            self.setText(text)
        self.show()


class BottomBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 10, 6)
        self.previous = QPushButton(qta.icon("fa5s.chevron-left"), tr("Previous section"), self)
        self.previous.setToolTip(tr("Previous section ({keys})", keys=PREVIOUS_KEYS))
        self.next = QPushButton(tr("Next section"), self)
        self.next.setIcon(qta.icon("fa5s.chevron-right"))
        self.next.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.next.setToolTip(tr("Next section ({keys})", keys=NEXT_KEYS))
        self.position = QLabel(self)
        self.position.setStyleSheet("color: #555;")
        row.addWidget(self.previous)
        row.addStretch(1)
        row.addWidget(self.position)
        row.addStretch(1)
        row.addWidget(self.next)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        """Enter presses the section button it is on, as Space does: filling by Enter alone,
        the last answer's Enter stops at Next section and the next one goes on."""
        focus = self.focusWidget()
        if is_enter(event) and focus in (self.previous, self.next) and focus.hasFocus():
            event.accept()
            focus.click()  # type: ignore[union-attr]
            return
        super().keyPressEvent(event)
