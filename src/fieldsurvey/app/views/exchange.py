"""The exchange page: what has not been exported yet, and the way to export it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fieldsurvey.app.exchange_support import export_module, not_exported_count
from fieldsurvey.app.i18n import tr
from fieldsurvey.app.icons import icon
from fieldsurvey.app.ui import page_heading
from fieldsurvey.app.worker import worker


class ExchangeView(QWidget):
    exported = Signal()

    def __init__(self, ws: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
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
        row = QHBoxLayout()
        row.addWidget(self.export_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.pending)
        layout.addWidget(explain)
        layout.addLayout(row)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.refresh()

    def refresh(self) -> None:
        ws = self.ws
        worker().run(lambda: not_exported_count(ws), owner=self, on_done=self._show_count)

    def _show_count(self, count: int) -> None:
        self.pending.setText(tr("Records not yet exported: {count}", count=count))

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
