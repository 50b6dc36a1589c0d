"""The records page: every record, filtered by form, status or text, with open, copy and delete."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.i18n import language, tr
from fieldsurvey.app.icons import icon
from fieldsurvey.app.models import RecordItem, RecordTableModel, form_title
from fieldsurvey.app.navigation import OpenRequest
from fieldsurvey.app.ui import confirm, debounce, error_text, list_table, show_error
from fieldsurvey.app.worker import worker
from fieldsurvey.core import queries
from fieldsurvey.core.queries import RecordFilter
from fieldsurvey.core.store.records import CONFLICT

SEARCH_PAUSE_MS = 250


def duplicate_request(ws: Any, record_id: str) -> OpenRequest:
    """A new record that starts with a copy of another's answers (runs on the worker)."""
    record = ws.record(record_id)
    form = ws.form(record.form_id)
    answers, dropped = queries.copy_answers(form, record.answers_dict())
    return OpenRequest(
        record.form_id, None, record.village_code, answers, dropped=tuple(sorted(dropped))
    )


class RecordsView(QWidget):
    openRequested = Signal(object)  # OpenRequest
    newRequested = Signal()
    changed = Signal()  # a record was deleted
    status = Signal(str)

    def __init__(self, ws: Any, parent: QWidget | None = None, *, page_size: int | None = None):
        super().__init__(parent)
        self.ws = ws
        self.form = QComboBox()
        self.form.addItem(tr("All forms"), None)
        self.form.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.state = QComboBox()
        for text, value in (
            (tr("All statuses"), None),
            (tr("Drafts"), "draft"),
            (tr("Complete"), "complete"),
            (tr("Approved"), "approved"),
            (tr("Rejected"), "rejected"),
            (tr("With conflicts"), CONFLICT),
        ):
            self.state.addItem(text, value)
        self.state.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search villages, enumerators or answers"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self._search_timer = debounce(self, SEARCH_PAUSE_MS, self.apply_filter)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())

        self.open_action = QAction(icon("open"), tr("Open"), self)
        self.open_action.triggered.connect(self.open_current)
        self.duplicate_action = QAction(icon("duplicate"), tr("Duplicate as new"), self)
        self.duplicate_action.triggered.connect(self.duplicate_current)
        self.delete_action = QAction(icon("delete"), tr("Delete draft"), self)
        self.delete_action.triggered.connect(self.delete_current)
        self.new_action = QAction(icon("new_record"), tr("New record…"), self)
        self.new_action.triggered.connect(self.newRequested)
        self.buttons: dict[QAction, QPushButton] = {}
        actions = (self.new_action, self.open_action, self.duplicate_action, self.delete_action)
        for action in actions:
            button = QPushButton(action.icon(), action.text())
            button.clicked.connect(action.trigger)
            self.buttons[action] = button

        self.model = RecordTableModel(ws, page_size=page_size, parent=self)
        self.table = list_table(self.model, "recordsTable")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        metrics = self.fontMetrics()
        samples = {
            RecordTableModel.VILLAGE: "Shanxiayang 山下阳村",
            RecordTableModel.STATUS: max(
                (tr("Complete"), tr("With conflicts")), key=metrics.horizontalAdvance
            )
            + "MMM",
            RecordTableModel.UPDATED: "2026-11-28 22:59M",
            RecordTableModel.ENUMERATOR: "Enumerator Name",
        }
        for column, sample in samples.items():
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        header.setSectionResizeMode(RecordTableModel.FORM, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.activated.connect(lambda _i: self.open_current())  # Enter, double click
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_actions())
        self.model.modelReset.connect(self.update_actions)

        self.count = QLabel(tr("Loading…"))
        self.model.totalChanged.connect(
            lambda total: self.count.setText(
                tr("1 record") if total == 1 else tr("{count} records", count=total)
            )
        )
        self.model.failed.connect(self.count.setText)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(self.form, 1)
        bar.addWidget(self.state)
        actions_bar = QHBoxLayout()
        for action in actions:
            actions_bar.addWidget(self.buttons[action])
        actions_bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(actions_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

        self.model.set_filter(RecordFilter())
        self._load_forms()
        self.update_actions()

    # -- filters ----------------------------------------------------------------------------
    def current_filter(self) -> RecordFilter:
        return RecordFilter(
            form_id=self.form.currentData(),
            status=self.state.currentData(),
            search=self.search.text().strip(),
        )

    def apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())

    def set_status_filter(self, status: str | None) -> None:
        self.state.setCurrentIndex(max(self.state.findData(status), 0))

    def refresh(self) -> None:
        self.model.reload()
        self._load_forms()

    def _load_forms(self) -> None:
        ws, lang = self.ws, language()

        def fetch() -> list[tuple[str, str]]:
            with ws.store.session(write=False) as s:
                ids = queries.form_ids(session=s)
            return [(fid, form_title(ws, fid, lang)) for fid in ids]

        worker().run(fetch, owner=self, on_done=self._set_forms)

    def _set_forms(self, forms: list[tuple[str, str]]) -> None:
        current = self.form.currentData()
        self.form.blockSignals(True)
        self.form.clear()
        self.form.addItem(tr("All forms"), None)
        for form_id, title in forms:
            self.form.addItem(title, form_id)
        self.form.setCurrentIndex(max(self.form.findData(current), 0))
        self.form.blockSignals(False)

    # -- actions ----------------------------------------------------------------------------
    def current_item(self) -> RecordItem | None:
        index = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows()
        if not rows or not index.isValid():
            return None
        return self.model.row(index.row())

    def update_actions(self) -> None:
        item = self.current_item()
        self.open_action.setEnabled(item is not None)
        self.duplicate_action.setEnabled(item is not None)
        if item is None:
            why = tr("Select a record first.")
            can_delete = False
        elif item.status != "draft":
            why = tr(
                "Finalised records cannot be deleted: they are part of the programme's "
                "shared history. Open the record to correct it."
            )
            can_delete = False
        else:
            why = tr("Delete this draft. Its saved history is kept.")
            can_delete = True
        self.delete_action.setEnabled(can_delete)
        self.delete_action.setToolTip(why)
        for action, button in self.buttons.items():
            button.setEnabled(action.isEnabled())
            button.setToolTip(action.toolTip())

    def _context_menu(self, pos: QPoint) -> None:
        if not self.table.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        for action in (self.open_action, self.duplicate_action, self.delete_action):
            menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def open_current(self) -> None:
        item = self.current_item()
        if item is not None:
            self.openRequested.emit(OpenRequest(item.row.form_id, item.id, item.row.village_code))

    def duplicate_current(self) -> None:
        item = self.current_item()
        if item is None:
            return
        ws, record_id = self.ws, item.id
        worker().run(
            lambda: duplicate_request(ws, record_id),
            owner=self,
            on_done=self.openRequested.emit,
            on_error=lambda exc: show_error(self, tr("The record was not copied"), exc),
        )

    def delete_current(self) -> None:
        item = self.current_item()
        if item is None or item.status != "draft":
            return
        text = tr(
            "Delete this draft of “{form}” for {village}? It disappears from the lists; "
            "its saved history stays in the database.",
            form=item.form_title,
            village=item.row.village_zh or item.row.village_code or "—",
        )
        if not confirm(self, tr("Delete draft"), text, tr("Delete draft")):
            return
        try:
            self.ws.delete_draft(item.id)
            self.ws.discard_autosave(item.id)
        except Exception as exc:  # e.g. finalised meanwhile on another window
            show_error(self, tr("The draft was not deleted"), error_text(exc))
            return
        self.status.emit(tr("Draft deleted"))
        self.changed.emit()
        self.model.reload()
