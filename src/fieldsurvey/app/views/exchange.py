"""The exchange page: export what has not been exported yet, import packages from other
laptops (chosen, or dropped on the page), and see past imports and the devices this
database knows with their key fingerprints."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.exchange_lists import (
    devices_model,
    history_model,
    load_devices,
    load_history,
)
from fieldsurvey.app.exchange_support import export_module, not_exported_count
from fieldsurvey.app.i18n import tr
from fieldsurvey.app.icons import icon
from fieldsurvey.app.package_files import accept_packages, choose_packages
from fieldsurvey.app.ui import list_table, page_heading
from fieldsurvey.app.worker import worker

HISTORY_TAB, DEVICES_TAB = range(2)


class ExchangeView(QWidget):
    exported = Signal()
    imported = Signal()  # packages came in: every list may have changed
    reviewRequested = Signal()

    def __init__(self, ws: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.import_dialog: Any = None
        self.setAcceptDrops(True)
        heading = page_heading(tr("Exchange"))
        self.pending = QLabel(tr("Counting records…"))
        explain = QLabel(
            tr(
                "An export package is one .zip file with your records, their history and "
                "CSV tables. Copy it to a USB stick and give it to the county office; "
                "importing it twice does no harm."
            )
        )
        explain.setWordWrap(True)
        self.export_button = QPushButton(icon("export"), tr("Export package…"))
        self.export_button.clicked.connect(self.export)
        if export_module() is None:
            self.export_button.setEnabled(False)
            self.export_button.setToolTip(
                tr("Export is not available in this version of FieldSurvey yet.")
            )
        self.import_button = QPushButton(icon("import"), tr("Import packages…"))
        self.import_button.setToolTip(
            tr("Packages from other laptops; you can also drop .zip files on this page")
        )
        self.import_button.clicked.connect(lambda: self.import_packages())
        row = QHBoxLayout()
        row.addWidget(self.export_button)
        row.addWidget(self.import_button)
        row.addStretch(1)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._history_tab(), icon("history"), tr("Imported packages"))
        self.tabs.addTab(self._devices_tab(), icon("device"), tr("Devices"))

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.pending)
        layout.addWidget(explain)
        layout.addLayout(row)
        layout.addSpacing(6)
        layout.addWidget(self.tabs, 1)
        self.refresh()

    def _history_tab(self) -> QWidget:
        self.history = history_model(self)
        self.history_table = list_table(self.history, "importHistory")
        header = self.history_table.horizontalHeader()
        header.setStretchLastSection(True)
        metrics = self.fontMetrics()
        for column, sample in (
            (0, "2026-11-28 22:59MM"),
            (1, "fieldsurvey-laptop-3-MM"),
            (2, "Laptop 3MMM"),
        ):
            self.history_table.setColumnWidth(column, metrics.horizontalAdvance(sample))
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.history_empty = QLabel(tr("No packages have been imported into this database yet."))
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(self.history_empty)
        layout.addWidget(self.history_table, 1)
        return box

    def _devices_tab(self) -> QWidget:
        self.devices = devices_model(self)
        self.devices_table: QTableView = list_table(self.devices, "knownDevices")
        self.devices_table.setWordWrap(True)
        self.devices.fonts[1] = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        header = self.devices_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        explain = QLabel(
            tr(
                "Before trusting a laptop's packages, compare its key fingerprint by phone with "
                "what the laptop shows under “fieldsurvey device”. A package from a known "
                "device signed with another key is refused."
            )
        )
        explain.setWordWrap(True)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(explain)
        layout.addWidget(self.devices_table, 1)
        return box

    # -- lists -------------------------------------------------------------------------------
    def refresh(self) -> None:
        ws = self.ws
        run = worker().run
        run(lambda: not_exported_count(ws), owner=self, on_done=self._show_count)
        run(lambda: load_history(ws), owner=self, on_done=self._show_history)
        run(lambda: load_devices(ws), owner=self, on_done=self._show_devices)

    def _show_count(self, count: int) -> None:
        self.pending.setText(tr("Records not yet exported: {count}", count=count))

    def _show_history(self, reports: list[dict[str, Any]]) -> None:
        self.history.set_rows(reports)
        self.history_empty.setVisible(not reports)
        self.history_table.setVisible(bool(reports))
        self.tabs.setTabText(HISTORY_TAB, tr("Imported packages ({count})", count=len(reports)))

    def _show_devices(self, devices: list[Any]) -> None:
        self.devices.set_rows(devices)
        self.devices_table.resizeRowsToContents()
        self.tabs.setTabText(DEVICES_TAB, tr("Devices ({count})", count=len(devices)))

    # -- export and import -------------------------------------------------------------------
    def export(self) -> None:
        module = export_module()
        if module is None:
            return
        from fieldsurvey.app.dialogs.export import ExportDialog

        dialog = ExportDialog(self.ws, module, self)
        dialog.exec()
        if dialog.result_value is not None:
            self.exported.emit()
        self.refresh()

    def import_packages(self, paths: Sequence[Path] | None = None) -> None:
        """Import *paths*, or packages chosen in a file dialog; the dialog shows the work and
        then the report, and stays open for more."""
        chosen = list(paths) if paths is not None else choose_packages(self)
        if not chosen:
            return
        dialog = self.import_dialog
        if dialog is None:
            from fieldsurvey.app.dialogs.import_dialog import ImportDialog

            dialog = self.import_dialog = ImportDialog(self.ws, self)
            dialog.imported.connect(self._imported)
            dialog.reviewRequested.connect(self.reviewRequested)
            dialog.finished.connect(self._dialog_closed)
        dialog.start(chosen)
        dialog.open()

    def _dialog_closed(self) -> None:
        dialog, self.import_dialog = self.import_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def _imported(self) -> None:
        self.imported.emit()
        self.refresh()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        accept_packages(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = accept_packages(event)
        if paths:
            self.import_packages(paths)
