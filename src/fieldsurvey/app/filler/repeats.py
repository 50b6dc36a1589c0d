"""A repeat on screen: each row a framed sub-form with buttons to move or remove it.

Rows are keyed by their row id; reordering moves the existing frames instead of rebuilding
them, so nothing typed is lost and focus stays where it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.filler import dialogs
from fieldsurvey.app.filler.editors.base import SKIPPED_BY_ENTER
from fieldsurvey.app.filler.focus import in_layout
from fieldsurvey.app.filler.labels import MUTED, WrapLabel, tint
from fieldsurvey.app.filler.question import ProblemLine
from fieldsurvey.app.filler.texts import rich
from fieldsurvey.app.i18n import tr
from fieldsurvey.core.forms.model import ROW_ID, Repeat, pick

ROW_BACKGROUND = "#f7f9fb"

if TYPE_CHECKING:
    from fieldsurvey.app.filler.build import Builder
    from fieldsurvey.app.filler.state import FillState, RowKey, Slot


class RepeatHost(Protocol):
    state: FillState
    locked: bool

    def add_row(self, rows: RowKey, repeat: Repeat) -> None: ...
    def remove_row(self, rows: RowKey, repeat: Repeat, row_id: str) -> None: ...
    def move_row(self, rows: RowKey, repeat: Repeat, row_id: str, delta: int) -> None: ...
    def wanted_rows(self, rows: RowKey, repeat: Repeat) -> int | None: ...
    def unregister_rows(self, prefix: RowKey) -> None: ...


def _tool(icon: str, tip: str, parent: QWidget) -> QToolButton:
    """A row's move or remove button: Tab reaches it, Enter (on to the next answer) does not."""
    button = QToolButton(parent)
    button.setProperty(SKIPPED_BY_ENTER, True)
    button.setIcon(qta.icon(icon))
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    return button


class RowFrame(QFrame):
    def __init__(self, repeat_widget: RepeatWidget, row_id: str) -> None:
        super().__init__(repeat_widget)
        self.row_id = row_id
        self.rows: RowKey = (*repeat_widget.rows, (repeat_widget.repeat.name, row_id))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)  # a palette, not a style sheet: 50 rows stay cheap
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(ROW_BACKGROUND))
        self.setPalette(palette)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 6, 12, 6)
        header = QHBoxLayout()
        self.title = QLabel(self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        header.addWidget(self.title)
        header.addStretch(1)
        self.up = _tool("fa5s.arrow-up", tr("Move row up"), self)
        self.down = _tool("fa5s.arrow-down", tr("Move row down"), self)
        self.remove = _tool("fa5s.trash-alt", tr("Remove row"), self)
        for button in (self.up, self.down, self.remove):
            header.addWidget(button)
        column.addLayout(header)
        self.body = QVBoxLayout()
        self.body.setSpacing(0)
        column.addLayout(self.body)
        owner = repeat_widget
        self.buttons = (self.up, self.down, self.remove)
        self.up.clicked.connect(lambda: owner.move(self.row_id, -1))
        self.down.clicked.connect(lambda: owner.move(self.row_id, 1))
        self.remove.clicked.connect(lambda: owner.remove(self.row_id))

    def tab_stops(self) -> Iterator[QWidget]:
        """The row's answers first, then its buttons: typing through rows is the common case."""
        yield from in_layout(self.body)
        yield from self.buttons


class RepeatWidget(QWidget):
    def __init__(
        self, repeat: Repeat, rows: RowKey, builder: Builder, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.repeat = repeat
        self.rows = rows
        self.slot: Slot = (rows, repeat.name)
        self.builder = builder
        self.host: RepeatHost = builder.host  # type: ignore[assignment]
        self.frames: dict[str, RowFrame] = {}
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 8)
        self.title = QLabel(self)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title.setFont(font)
        self.hint = tint(WrapLabel("", self), MUTED)
        self.problem = ProblemLine(self)
        self.empty = QLabel(tr("No rows yet."), self)
        self.empty.setStyleSheet("color: #777; font-style: italic;")
        self.rows_box = QVBoxLayout()
        self.rows_box.setSpacing(10)
        self.add_button = QPushButton(qta.icon("fa5s.plus"), tr("Add row"), self)
        self.add_button.clicked.connect(lambda: self.host.add_row(self.rows, self.repeat))
        for w in (self.title, self.hint, self.problem, self.empty):
            column.addWidget(w)
        column.addLayout(self.rows_box)
        column.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.retranslate()

    @property
    def counted(self) -> bool:
        return self.repeat.repeat_count is not None

    def label(self) -> str:
        form, lang = self.builder.host.env.form, self.builder.host.env.lang
        return pick(self.repeat.labels, lang, form.default_language) or self.repeat.name

    def retranslate(self) -> None:
        form, lang = self.builder.host.env.form, self.builder.host.env.lang
        self.title.setText(self.label())
        hint = pick(self.repeat.hints, lang, form.default_language)
        self.hint.setText(rich(hint))
        self.hint.setVisible(bool(hint))
        self.refresh_frames()

    def set_relevant(self, relevant: bool) -> None:
        if self.isHidden() == relevant:
            self.setVisible(relevant)

    def show_problem(self, message: str | None) -> None:
        self.problem.set_message(message)

    # -- rows ------------------------------------------------------------------------------
    def row_ids(self) -> list[str]:
        items = self.host.state.container(self.rows).get(self.repeat.name) or []
        return [r[ROW_ID] for r in items if isinstance(r, dict)]

    def sync_rows(self) -> None:
        ids = self.row_ids()
        for row_id in [r for r in self.frames if r not in ids]:
            frame = self.frames.pop(row_id)
            self.host.unregister_rows(frame.rows)
            self.rows_box.removeWidget(frame)
            frame.deleteLater()
        for row_id in ids:
            if row_id not in self.frames:
                frame = RowFrame(self, row_id)
                self.frames[row_id] = frame
                self.builder.fill(frame.body, self.repeat.children, frame.rows, frame)
        current = [self.rows_box.itemAt(i).widget() for i in range(self.rows_box.count())]
        wanted = [self.frames[r] for r in ids]
        if current != wanted:
            for frame in wanted:
                self.rows_box.removeWidget(frame)
            for i, frame in enumerate(wanted):
                self.rows_box.insertWidget(i, frame)
        self.refresh_frames()

    def refresh_frames(self) -> None:
        ids = self.row_ids()
        want = self.host.wanted_rows(self.rows, self.repeat) if self.counted else None
        locked = self.host.locked
        label = self.label()
        for i, row_id in enumerate(ids):
            frame = self.frames.get(row_id)
            if frame is None:
                continue
            frame.title.setText(f"{label} {i + 1}")
            frame.up.setVisible(not locked)
            frame.down.setVisible(not locked)
            frame.up.setEnabled(i > 0)
            frame.down.setEnabled(i < len(ids) - 1)
            frame.remove.setVisible(not locked and (want is None or i >= want))
        self.empty.setVisible(not ids)
        self.add_button.setVisible(not locked and not self.counted)

    def move(self, row_id: str, delta: int) -> None:
        self.host.move_row(self.rows, self.repeat, row_id, delta)
        frame = self.frames.get(row_id)
        if frame is not None:
            (frame.up if delta < 0 and frame.up.isEnabled() else frame.down).setFocus()

    def remove(self, row_id: str) -> None:
        items = self.host.state.container(self.rows).get(self.repeat.name) or []
        index = next((i for i, r in enumerate(items) if r.get(ROW_ID) == row_id), None)
        if index is None:
            return
        if self.host.state.row_has_data(items[index]) and not dialogs.confirm(
            self,
            tr("Remove row?"),
            tr(
                "{row} has answers. Remove the row and its answers?",
                row=f"{self.label()} {index + 1}",
            ),
            tr("Remove row"),
        ):
            return
        self.host.remove_row(self.rows, self.repeat, row_id)
