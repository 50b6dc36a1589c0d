"""After a crash or power cut: answers that were autosaved but never saved as a revision."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.i18n import language, tr
from fieldsurvey.app.icons import icon
from fieldsurvey.app.labels import short_time
from fieldsurvey.app.models import form_title
from fieldsurvey.app.navigation import OpenRequest
from fieldsurvey.app.record_page import village_title
from fieldsurvey.app.ui import confirm


def recovery_request(ws: Any, pending: dict[str, Any]) -> OpenRequest:
    """Reopen autosaved work under its own record id (the filler creates the record if it was
    never saved). Work on a draft deleted since becomes a new record, and its old autosave is
    dropped once that is saved."""
    record_id = pending.get("record_id")
    try:
        deleted = bool(record_id) and ws.record(record_id).deleted
    except Exception:  # never saved: the filler makes it under the same id
        deleted = False
    return OpenRequest(
        pending["form_id"],
        None if deleted else record_id,
        pending.get("village"),
        dict(pending.get("answers") or {}),
        recovered_from=record_id,
    )


class RecoveryDialog(QDialog):
    """Lists the pending autosaves; Recover opens one, Discard drops one, Later keeps all."""

    def __init__(self, ws: Any, pending: list[dict[str, Any]], parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.chosen: OpenRequest | None = None
        self.setWindowTitle(tr("Recover unsaved work"))
        self.setMinimumSize(560, 320)
        intro = QLabel(
            tr(
                "FieldSurvey closed before these answers were saved (for example in a power "
                "cut). Recover them to continue, or discard them."
            )
        )
        intro.setWordWrap(True)
        self.items = QListWidget()
        for entry in pending:
            village = village_title(ws, entry.get("village")) or tr("(no village)")
            title = form_title(ws, entry.get("form_id", ""), language())
            text = tr(
                "{form} — {village} — autosaved {time}",
                form=title,
                village=village,
                time=short_time(entry.get("saved_at", "")),
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, entry)
            self.items.addItem(item)
        self.items.setCurrentRow(0)
        self.items.itemDoubleClicked.connect(lambda _i: self.recover())
        self.recover_button = QPushButton(icon("open"), tr("Recover"))
        self.recover_button.setDefault(True)
        self.recover_button.clicked.connect(self.recover)
        self.discard_button = QPushButton(icon("delete"), tr("Discard"))
        self.discard_button.clicked.connect(self.discard)
        later = QPushButton(tr("Later"))
        later.setToolTip(tr("Keep them; File ▸ Recover unsaved work shows this list again."))
        later.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.recover_button)
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        buttons.addWidget(later)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.items, 1)
        layout.addLayout(buttons)

    def _current(self) -> dict[str, Any] | None:
        item = self.items.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def recover(self) -> None:
        entry = self._current()
        if entry is not None:
            self.chosen = recovery_request(self.ws, entry)
            self.accept()

    def discard(self) -> None:
        entry = self._current()
        if entry is None:
            return
        if not confirm(
            self,
            tr("Discard unsaved work"),
            tr("Discard these answers? They cannot be recovered afterwards."),
            tr("Discard"),
        ):
            return
        self.ws.discard_autosave(entry["record_id"])
        self.items.takeItem(self.items.currentRow())
        if self.items.count() == 0:
            self.reject()
