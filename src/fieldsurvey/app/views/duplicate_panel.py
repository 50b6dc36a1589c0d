"""A pair of possible duplicates, side by side: a person says whether they are the same
(link) or different (keep apart); either way the pair is not offered again."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from fieldsurvey.app.i18n import tr
from fieldsurvey.app.icons import icon
from fieldsurvey.app.labels import short_time
from fieldsurvey.app.review_queue import QueuePair
from fieldsurvey.app.views.review_parts import CELL_STYLE, MUTED, title_label, wrapped


class DuplicatePanel(QWidget):
    settled = Signal(str, str, bool)  # first, second, link

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pair: QueuePair | None = None
        self.title = title_label()
        self.explain = wrapped("", select=False)
        self.reason = wrapped("", MUTED)
        self.sides = (wrapped(""), wrapped(""))
        row = QHBoxLayout()
        for side in self.sides:
            frame = QFrame()
            frame.setObjectName("conflictCell")
            frame.setStyleSheet(CELL_STYLE)
            box = QVBoxLayout(frame)
            box.addWidget(side)
            row.addWidget(frame, 1)
        self.link_button = QPushButton(icon("link"), tr("Same (link)"))
        self.apart_button = QPushButton(icon("apart"), tr("Different (keep apart)"))
        self.link_button.clicked.connect(lambda: self._settle(True))
        self.apart_button.clicked.connect(lambda: self._settle(False))
        buttons = QHBoxLayout()
        buttons.addWidget(self.link_button)
        buttons.addWidget(self.apart_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.reason)
        layout.addLayout(row)
        layout.addWidget(self.explain)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def show_pair(self, pair: QueuePair) -> None:
        self.pair = pair
        if pair.kind == "village":
            self.title.setText(tr("Two villages with the same name: {names}", names=pair.place))
            self.explain.setText(
                tr(
                    "Same: the village added in the field is the registry's village, and its "
                    "records are filed there from now on. Different: both stay, and the pair "
                    "is not offered again."
                )
            )
        else:
            self.title.setText(
                tr("Two “{form}” records for {village}", form=pair.form_title, village=pair.place)
            )
            self.explain.setText(
                tr(
                    "Same: both describe the same village and are marked as duplicates to "
                    "reconcile; neither is changed. Different: the pair is not offered again."
                )
            )
        found = short_time(pair.found_at)
        if pair.kind == "village":  # how close they are, as the core measured it
            self.reason.setText(tr("Found {when}: {reason}", when=found, reason=pair.reason))
        else:  # the title says it all
            self.reason.setText(tr("Found {when}", when=found))
        for label, text in zip(self.sides, pair.sides, strict=True):
            label.setText(text)
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        self.link_button.setEnabled(not busy)
        self.apart_button.setEnabled(not busy)

    def _settle(self, link: bool) -> None:
        if self.pair is not None:
            self.settled.emit(self.pair.first, self.pair.second, link)
