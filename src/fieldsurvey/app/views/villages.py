"""The villages page: the registry, searchable and sortable, with one village's records beside."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.i18n import tr
from fieldsurvey.app.icons import icon
from fieldsurvey.app.models import VillageTableModel, township_name
from fieldsurvey.app.ui import debounce, error_text, list_table, show_error
from fieldsurvey.app.views.village_panel import VillagePanel
from fieldsurvey.app.worker import worker
from fieldsurvey.core import queries
from fieldsurvey.core.queries import VillageFilter, VillageRow

SEARCH_PAUSE_MS = 250


class VillagesView(QWidget):
    openRequested = Signal(object)  # OpenRequest
    changed = Signal()  # villages were added or imported
    status = Signal(str)  # a passing message for the status bar

    def __init__(self, ws: Any, parent: QWidget | None = None, *, page_size: int | None = None):
        super().__init__(parent)
        self.ws = ws
        self.townships: list[tuple[str, str]] = []
        self._added = ""
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search by name, pinyin or code"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self._search_timer = debounce(self, SEARCH_PAUSE_MS, self.apply_filter)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_filter)

        self.township = QComboBox()
        self.township.setMinimumContentsLength(12)
        self.township.addItem(tr("All townships"), None)
        self.township.currentIndexChanged.connect(lambda _i: self.apply_filter())

        self.add_button = QPushButton(icon("add"), tr("Add village…"))
        self.add_button.clicked.connect(self.add_village)
        self.import_button = QPushButton(icon("import"), tr("Import registry CSV…"))
        self.import_button.clicked.connect(self.import_registry)

        self.model = VillageTableModel(ws, page_size=page_size, parent=self)
        self.table = list_table(self.model, "villagesTable")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        metrics = self.fontMetrics()
        samples = {
            VillageTableModel.CODE: "SY-DDB-0000",
            VillageTableModel.NAME_ZH: "板桥畲族村",
            VillageTableModel.NAME_EN: "Shanxiayang",
            VillageTableModel.TOWNSHIP: "板桥畲族乡",
            VillageTableModel.PROFILE: max(tr("No profile"), tr("Profile"), key=len) + "MM",
        }
        for column, sample in samples.items():
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        header.setStretchLastSection(True)
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(self._activated)  # Enter or a double click

        self.count = QLabel()
        self.model.totalChanged.connect(self._show_total)
        self.model.failed.connect(lambda message: self.count.setText(message))

        self.panel = VillagePanel(ws)
        self.panel.openRequested.connect(self.openRequested)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(self.township, 1)
        bar.addStretch(0)
        bar.addWidget(self.add_button)
        bar.addWidget(self.import_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([660, 460])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self.count.setText(tr("Loading…"))
        self.model.set_filter(VillageFilter())
        self._load_townships()

    # -- loading ----------------------------------------------------------------------------
    def current_filter(self) -> VillageFilter:
        return VillageFilter(
            search=self.search.text().strip(), township=self.township.currentData()
        )

    def apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())

    def refresh(self) -> None:
        self.model.reload()
        self._load_townships()
        self._reselect()

    def _show_total(self, total: int) -> None:
        self.count.setText(tr("1 village") if total == 1 else tr("{count} villages", count=total))

    def _load_townships(self) -> None:
        store = self.ws.store

        def fetch() -> list[tuple[str, str]]:
            with store.session(write=False) as s:
                return queries.townships(session=s)

        worker().run(fetch, owner=self, on_done=self._set_townships)

    def _set_townships(self, items: list[tuple[str, str]]) -> None:
        current = self.township.currentData()
        self.township.blockSignals(True)
        self.township.clear()
        self.township.addItem(tr("All townships"), None)
        for code, name_zh in items:
            label = township_name(code, name_zh)
            if name_zh and label != name_zh:
                label = f"{label} {name_zh}"
            self.township.addItem(label, code)
        found = self.township.findData(current)
        self.township.setCurrentIndex(max(found, 0))
        self.township.blockSignals(False)
        self.townships = items

    def select_township(self, code: str | None) -> None:
        index = self.township.findData(code)
        if index >= 0:
            self.township.setCurrentIndex(index)

    # -- selection --------------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """A new search empties the list but keeps the village on the right until another is
        chosen."""
        if current.isValid():
            self.panel.show_village(self.model.row(current.row()))

    def _activated(self, index: QModelIndex) -> None:
        """Enter on a village: on to what is done with it (Enter again starts or opens its
        profile; Tab reaches the other buttons)."""
        if index.isValid():
            self.panel.focus_main_action()

    def _reselect(self) -> None:
        """After a reload, keep showing the village that was open (its counts may differ)."""
        village = self.panel.village
        if village is None:
            return
        store, code = self.ws.store, village.code

        def fetch() -> VillageRow | None:
            with store.session(write=False) as s:
                return queries.village(session=s, code=code)

        worker().run(fetch, owner=self, on_done=self.panel.show_village)

    def select_code(self, code: str) -> bool:
        """Select the village with *code* if it is among the rows loaded so far."""
        for i, row in enumerate(self.model.rows()):
            if row.code == code:
                self.table.selectRow(i)
                self.table.scrollTo(self.model.index(i, 0))
                return True
        return False

    # -- actions ----------------------------------------------------------------------------
    def add_village(self) -> None:
        from fieldsurvey.app.dialogs.add_village import AddVillageDialog

        dialog = AddVillageDialog(self.ws, self.townships, self)
        if dialog.exec():
            village = dialog.village
            self.changed.emit()
            self.status.emit(tr("Village {code} added", code=village.code))
            # show it whatever the filters were: a township chosen before would hide it
            self.township.blockSignals(True)
            self.township.setCurrentIndex(0)
            self.township.blockSignals(False)
            self.search.setText(village.code)
            self.apply_filter()
            self._added = village.code
            self.model.loaded.connect(self._select_added, Qt.ConnectionType.SingleShotConnection)

    def _select_added(self) -> None:
        if self.select_code(self._added):
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def import_registry(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Import registry CSV"), "", tr("CSV files (*.csv);;All files (*)")
        )
        if not path:
            return
        self.import_button.setEnabled(False)
        ws = self.ws
        worker().run(
            lambda: ws.import_villages(path),
            owner=self,
            on_done=self._imported,
            on_error=self._import_failed,
        )

    def _imported(self, count: int) -> None:
        self.import_button.setEnabled(True)
        self.changed.emit()
        self.refresh()
        self.status.emit(tr("{count} villages imported or updated", count=count))

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        show_error(self, tr("The registry was not imported"), error_text(exc))
