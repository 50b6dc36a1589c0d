"""Start a new record: which form, and (usually) which village."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.i18n import language, tr
from fieldsurvey.app.models import form_title, township_name
from fieldsurvey.app.navigation import OpenRequest
from fieldsurvey.app.ui import debounce
from fieldsurvey.app.worker import worker
from fieldsurvey.core import queries
from fieldsurvey.core.queries import VillageFilter, VillageRow

MATCHES = 50


class NewRecordDialog(QDialog):
    def __init__(self, ws: Any, village: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle(tr("New record"))
        self.setMinimumSize(480, 420)
        self.form = QComboBox()
        for form_id in sorted({d.form_id for d in ws.form_defs()}):
            self.form.addItem(form_title(ws, form_id, language()), form_id)
        self.search = QLineEdit(village or "")
        self.search.setPlaceholderText(tr("Search by name, pinyin or code"))
        self.search.setClearButtonEnabled(True)
        self.villages = QListWidget()
        self.villages.itemDoubleClicked.connect(lambda _item: self.accept())
        self._timer = debounce(self, 200, self._find)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self._wanted = village
        form = QFormLayout()
        form.addRow(tr("Form"), self.form)
        form.addRow(tr("Village"), self.search)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Start"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.villages, 1)
        layout.addWidget(buttons)
        self._find()

    def _find(self) -> None:
        store, text = self.ws.store, self.search.text().strip()

        def fetch() -> list[VillageRow]:
            with store.session(write=False) as s:
                exact = queries.village(session=s, code=text) if text else None
                rows = queries.village_page(
                    session=s, flt=VillageFilter(search=text), limit=MATCHES
                )
            return [exact, *(r for r in rows if r.code != text)] if exact else rows

        worker().run(fetch, owner=self, on_done=self._show)

    def _show(self, rows: list[VillageRow]) -> None:
        self.villages.clear()
        none = QListWidgetItem(tr("(no village)"))
        none.setData(Qt.ItemDataRole.UserRole, None)
        self.villages.addItem(none)
        for row in rows:
            town = township_name(row.township, row.township_zh)
            item = QListWidgetItem(f"{row.name_zh} {row.name_en}  ·  {town}  ·  {row.code}")
            item.setData(Qt.ItemDataRole.UserRole, row.code)
            self.villages.addItem(item)
        self.villages.setCurrentRow(1 if rows else 0)

    def request(self) -> OpenRequest | None:
        form_id = self.form.currentData()
        if form_id is None:
            return None
        item = self.villages.currentItem()
        code = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return OpenRequest(form_id, village_code=code)
