"""The filler's only modal question. Kept in one place so tests can answer it."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from fieldsurvey.app.i18n import tr


def confirm(parent: QWidget | None, title: str, text: str, yes_text: str) -> bool:
    """Ask before something that throws away answers; the safe choice is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is yes
