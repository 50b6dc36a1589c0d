"""A record's conflicts side by side: one row per field with the value before and each
laptop's value, and one click per field to keep a value. The choosing itself is the review
page's (on the worker); this panel only shows rows and says which button was pressed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.conflict_rows import Cell, ConflictRow, RecordConflicts
from fieldsurvey.app.i18n import tr
from fieldsurvey.app.icons import icon
from fieldsurvey.app.review_queue import QueueRecord
from fieldsurvey.app.views.review_parts import (
    CELL_STYLE,
    CHOSEN_STYLE,
    MUTED,
    bold,
    title_label,
    wrapped,
)

QUESTION, BEFORE, FIRST_VALUE = 0, 1, 2


class ConflictPanel(QWidget):
    chosen = Signal(str, str, str)  # record id, conflict path, revision whose value to keep

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record_id = ""
        self.buttons: dict[tuple[str, str], QPushButton] = {}
        self.title = title_label()
        self.subtitle = wrapped("", MUTED)
        self.explain = wrapped(
            tr(
                "Two laptops changed these answers differently. Choose the value to keep for "
                "each: once the last one is chosen, the record is saved with them as a new "
                "version that joins both laptops' edits."
            ),
            select=False,
        )
        self.host = QWidget()
        self.grid = QGridLayout(self.host)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(8)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.host)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.explain)
        layout.addWidget(self.scroll, 1)

    def show_conflicts(self, item: QueueRecord, conflicts: RecordConflicts) -> None:
        self.record_id = item.id
        self.title.setText(" · ".join(t for t in (item.village, item.form_title) if t))
        left = len(conflicts.rows) - conflicts.chosen
        self.subtitle.setText(
            tr(
                "Record {id} · {count} field(s) to choose, {left} still without a choice",
                id=item.id[:8],
                count=len(conflicts.rows),
                left=left,
            )
        )
        self._fill(conflicts)

    def set_busy(self, busy: bool) -> None:
        """While a choice is being saved no second click can race it."""
        self.host.setEnabled(not busy)

    # -- the grid ----------------------------------------------------------------------------
    def _clear(self) -> None:
        self.buttons.clear()
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 0)
        while self.grid.count():
            child = self.grid.takeAt(0).widget()
            if child is not None:
                child.deleteLater()

    def _fill(self, conflicts: RecordConflicts) -> None:
        self._clear()
        columns = max((len(r.cells) for r in conflicts.rows), default=2)
        heads = [tr("Question"), tr("Before")]
        heads += [tr("Changed to")] + [""] * (columns - 1)
        for column, text in enumerate(heads):
            if text:
                self.grid.addWidget(bold(wrapped(text, MUTED, select=False)), 0, column)
        self.grid.setColumnStretch(QUESTION, 3)
        self.grid.setColumnStretch(BEFORE, 2)
        for column in range(FIRST_VALUE, FIRST_VALUE + columns):
            self.grid.setColumnStretch(column, 3)
        row = 1
        for conflict in conflicts.rows:
            line = QFrame()
            line.setFrameShape(QFrame.Shape.HLine)
            line.setStyleSheet("color: #d0d7de;")
            self.grid.addWidget(line, row, 0, 1, FIRST_VALUE + columns)
            self._add_row(row + 1, conflict)
            row += 2
        self.grid.setRowStretch(row, 1)  # rows as tall as they need; the rest below them
        self.host.setEnabled(True)

    def _add_row(self, row: int, conflict: ConflictRow) -> None:
        question = QWidget()
        box = QVBoxLayout(question)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(bold(wrapped(conflict.label)))
        note = conflict.where
        if conflict.is_row:
            note = tr("A whole row: kept on one laptop, deleted on the other")
        if note:
            box.addWidget(wrapped(note, MUTED))
        box.addStretch(1)
        question.setToolTip(conflict.shown)
        self.grid.addWidget(question, row, QUESTION)
        self.grid.addWidget(wrapped(conflict.before, MUTED), row, BEFORE)
        for offset, cell in enumerate(conflict.cells):
            self.grid.addWidget(self._cell(conflict, cell), row, FIRST_VALUE + offset)

    def _cell(self, conflict: ConflictRow, cell: Cell) -> QFrame:
        frame = QFrame()
        frame.setObjectName("conflictCell")
        frame.setStyleSheet(CHOSEN_STYLE if cell.chosen else CELL_STYLE)
        box = QVBoxLayout(frame)
        box.setContentsMargins(8, 6, 8, 6)
        box.setSpacing(3)
        value = wrapped(cell.text)
        if cell.deleted:
            value.setStyleSheet("color: #8a1c14; font-style: italic;")
        box.addWidget(value)
        box.addWidget(wrapped(f"{cell.who}\n{cell.when}", MUTED))
        box.addStretch(1)
        button = QPushButton(icon("finalise" if cell.chosen else "approve"), "")
        if cell.chosen:
            button.setText(tr("Chosen"))
            button.setEnabled(False)
        else:
            button.setText(tr("Use this"))
            button.setToolTip(tr("Keep this value for “{question}”", question=conflict.label))
        button.clicked.connect(
            lambda _c=False, p=conflict.path, r=cell.revision: self.chosen.emit(
                self.record_id, p, r
            )
        )
        box.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        self.buttons[(conflict.path, cell.revision)] = button
        return frame
