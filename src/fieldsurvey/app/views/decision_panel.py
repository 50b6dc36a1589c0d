"""A record without conflicts, for a decision: approve, reject or reopen it, with a comment
that travels with the decision to the laptop that made the record."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.i18n import tr
from fieldsurvey.app.icons import icon
from fieldsurvey.app.labels import flag_text, short_time, status_text
from fieldsurvey.app.navigation import OpenRequest
from fieldsurvey.app.review_queue import QueueRecord
from fieldsurvey.app.views.review_parts import MUTED, title_label, wrapped

APPROVE, REJECT, REOPEN = "approve", "reject", "reopen"


class DecisionPanel(QWidget):
    decided = Signal(str, str, str)  # record id, decision, comment
    openRequested = Signal(object)  # OpenRequest

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item: QueueRecord | None = None
        self.title = title_label()
        self.details = wrapped("", MUTED)
        self.flag = wrapped("", "color: #8a5a00;")
        self.open_button = QPushButton(icon("open"), tr("Open the record"))
        self.open_button.setToolTip(tr("Read the answers before deciding (read-only)"))
        self.open_button.clicked.connect(self._open)
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText(
            tr("A comment for the enumerator, e.g. what to correct (optional)")
        )
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        comment_label = QLabel(tr("Comment"))
        comment_label.setBuddy(self.comment)
        self.approve_button = QPushButton(icon("approve", "#1565c0"), tr("Approve"))
        self.reject_button = QPushButton(icon("reject", "#c62828"), tr("Reject"))
        self.reopen_button = QPushButton(icon("reopen"), tr("Reopen as a draft"))
        self.reopen_button.setToolTip(
            tr("Send it back to the enumerator to correct; it can then be finalised again")
        )
        for button, decision in (
            (self.approve_button, APPROVE),
            (self.reject_button, REJECT),
            (self.reopen_button, REOPEN),
        ):
            button.clicked.connect(lambda _c=False, d=decision: self._decide(d))
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addStretch(1)
        buttons = QHBoxLayout()
        for button in (self.approve_button, self.reject_button, self.reopen_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        explain = wrapped(
            tr(
                "A decision is saved as a new version of the record, with your name and the "
                "comment, and travels in the next export package."
            ),
            MUTED,
            select=False,
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.flag)
        layout.addLayout(top)
        layout.addSpacing(8)
        layout.addWidget(comment_label)
        layout.addWidget(self.comment)
        layout.addLayout(buttons)
        layout.addWidget(explain)
        layout.addStretch(1)

    def show_record(self, item: QueueRecord) -> None:
        changed = self.item is None or self.item.id != item.id
        self.item = item
        self.title.setText(" · ".join(t for t in (item.village, item.form_title) if t))
        self.details.setText(
            tr(
                "{status} · by {enumerator} · saved {when} · record {id}",
                status=status_text(item.status),
                enumerator=item.enumerator or "—",
                when=short_time(item.updated_at),
                id=item.id[:8],
            )
        )
        self.flag.setText(flag_text(item.flag))
        self.flag.setVisible(bool(item.flag))
        if changed:
            self.comment.clear()
        final = item.status != "draft"
        for button in (self.approve_button, self.reject_button, self.reopen_button):
            button.setEnabled(final)
        self.approve_button.setToolTip(
            "" if final else tr("A draft is finalised by its enumerator before it is reviewed.")
        )
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        for widget in (self.approve_button, self.reject_button, self.reopen_button, self.comment):
            widget.setEnabled(not busy and (self.item is not None and self.item.status != "draft"))

    def _decide(self, decision: str) -> None:
        if self.item is not None:
            self.decided.emit(self.item.id, decision, self.comment.toPlainText().strip())

    def _open(self) -> None:
        item = self.item
        if item is not None:
            self.openRequested.emit(OpenRequest(item.form_id, item.id, item.village_code))
