"""The right-hand side of the villages page: one village, its records, and what to do next."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.i18n import tr
from fieldsurvey.app.icons import icon
from fieldsurvey.app.labels import profile_text
from fieldsurvey.app.models import RecordTableModel, township_name
from fieldsurvey.app.navigation import OpenRequest
from fieldsurvey.app.ui import list_table
from fieldsurvey.core.queries import ASSESSMENT_FORM, PROFILE_FORM, RecordFilter, VillageRow


class VillagePanel(QWidget):
    openRequested = Signal(object)  # OpenRequest

    def __init__(self, ws: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.village: VillageRow | None = None
        self.title = QLabel(tr("Choose a village to see its records."))
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = RecordTableModel(ws, parent=self)
        self.table = list_table(self.model, stripes=False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(RecordTableModel.FORM, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        for column, sample in (
            (RecordTableModel.STATUS, max(tr("Complete"), tr("Status"), key=len) + "MMM"),
            (RecordTableModel.UPDATED, "2026-11-28 23:10MM"),
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        for column in (RecordTableModel.VILLAGE, RecordTableModel.ENUMERATOR):
            self.table.setColumnHidden(column, True)
        self.table.activated.connect(self._open_index)  # Enter or a double click
        self.model.loaded.connect(self._update_buttons)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.profile_button = QPushButton(icon("new_record"), tr("Start village profile"))
        self.profile_button.clicked.connect(self._profile)
        self.assess_button = QPushButton(icon("add"), tr("New practice assessment"))
        self.assess_button.clicked.connect(
            lambda: self._request(OpenRequest(ASSESSMENT_FORM, village_code=self._code()))
        )
        self.open_button = QPushButton(icon("open"), tr("Open record"))
        self.open_button.clicked.connect(lambda: self._open_index(self.table.currentIndex()))

        buttons = QHBoxLayout()
        for button in (self.profile_button, self.assess_button, self.open_button):
            button.setAutoDefault(True)  # Enter presses the focused button, as Space does
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.show_village(None)

    def _code(self) -> str | None:
        return self.village.code if self.village else None

    def show_village(self, village: VillageRow | None) -> None:
        self.village = village
        visible = village is not None
        for widget in (self.table, self.profile_button, self.assess_button, self.open_button):
            widget.setVisible(visible)
        if village is None:
            self.title.setText(tr("Choose a village to see its records."))
            self.subtitle.setText("")
            return
        names = " ".join(n for n in (village.name_zh, village.name_en) if n)
        self.title.setText(names or village.code)
        parts = [village.code, township_name(village.township, village.township_zh)]
        lines = [" · ".join(p for p in parts if p)]
        lines.append(tr("Profile: {state}", state=profile_text(village.profile)))
        if village.provisional:
            lines.append(tr("Provisional code: this village is not in the registry yet."))
        self.subtitle.setText("\n".join(lines))
        self.model.filter = RecordFilter(village_code=village.code)
        self.model.reload()
        self._update_buttons()

    def focus_main_action(self) -> None:
        """The cursor on "Start (or Open) village profile", the usual next step (once the
        village's records are in: until then the button is off)."""
        if self.model.loading:
            self.model.loaded.connect(
                self.focus_main_action, Qt.ConnectionType.SingleShotConnection
            )
        elif self.profile_button.isVisible() and self.profile_button.isEnabled():
            self.profile_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh(self) -> None:
        if self.village is not None:
            self.model.reload()

    def _profile_id(self) -> str | None:
        found = [i for i in self.model.rows() if i.row.form_id == PROFILE_FORM]
        return found[0].id if found else None

    def _update_buttons(self, *_: object) -> None:
        has_profile = self._profile_id() is not None or (
            self.village is not None and self.village.profile != "none"
        )
        self.profile_button.setText(
            tr("Open village profile") if has_profile else tr("Start village profile")
        )
        self.profile_button.setEnabled(self.village is not None and not self.model.loading)
        self.open_button.setEnabled(self.table.currentIndex().isValid())

    def _profile(self) -> None:
        record_id = self._profile_id()
        self._request(OpenRequest(PROFILE_FORM, record_id=record_id, village_code=self._code()))

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            item = self.model.row(index.row())
            self._request(OpenRequest(item.row.form_id, item.id, item.row.village_code))

    def _request(self, request: OpenRequest) -> None:
        if self.village is not None:
            self.openRequested.emit(request)
