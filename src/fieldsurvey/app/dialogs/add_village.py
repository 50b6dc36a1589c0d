"""Add a village met in the field; without a code it gets a provisional one."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.i18n import tr
from fieldsurvey.app.models import township_name
from fieldsurvey.app.ui import error_text
from fieldsurvey.core.errors import FieldSurveyError
from fieldsurvey.core.store.models import Village


class AddVillageDialog(QDialog):
    def __init__(
        self, ws: Any, townships: list[tuple[str, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.village: Village | None = None
        self.setWindowTitle(tr("Add village"))
        self.code = QLineEdit()
        self.code.setPlaceholderText(tr("Leave empty if the village has no registry code"))
        self.name_zh = QLineEdit()
        self.name_en = QLineEdit()
        self.township = QComboBox()
        self.township.addItem(tr("(none)"), ("", ""))
        for code, name_zh in townships:
            self.township.addItem(township_name(code, name_zh), (code, name_zh))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b71c1c")
        for edit in (self.code, self.name_zh, self.name_en):  # a fixed mistake stops being red
            edit.textEdited.connect(lambda _text: self.error.clear())
        form = QFormLayout()
        form.addRow(tr("Code"), self.code)
        form.addRow(tr("Name (Chinese)"), self.name_zh)
        form.addRow(tr("Name (pinyin)"), self.name_en)
        form.addRow(tr("Township"), self.township)
        note = QLabel(
            tr(
                "A village without a code gets a provisional one such as NEW-1A2B3C4D; "
                "the programme office replaces it with the registry code later."
            )
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Add village"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if not (self.name_zh.text().strip() or self.name_en.text().strip()):
            self.error.setText(tr("Enter the village's name in Chinese or in pinyin."))
            return
        township, township_zh = self.township.currentData() or ("", "")
        try:
            self.village = self.ws.add_village(
                code=self.code.text(),
                name_zh=self.name_zh.text(),
                name_en=self.name_en.text(),
                township=township,
                township_zh=township_zh,
            )
        except FieldSurveyError as exc:  # shown in the dialog, which stays open
            self.error.setText(error_text(exc))
            return
        super().accept()
