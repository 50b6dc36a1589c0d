"""First run: who is entering data, on which device, and in which language."""

from __future__ import annotations

import platform
from dataclasses import dataclass

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

from fieldsurvey.app.i18n import LANGUAGES, language, set_language, tr


@dataclass(frozen=True)
class Welcome:
    enumerator: str
    device: str
    language: str


class WelcomeDialog(QDialog):
    def __init__(self, db_path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.heading.setFont(font)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(language()), 0))
        self.language.currentIndexChanged.connect(self._language_changed)
        self.enumerator = QLineEdit()
        self.enumerator.textChanged.connect(self._update_ok)
        self.device = QLineEdit(platform.node())
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.labels = [QLabel(), QLabel(), QLabel()]
        self.form = QFormLayout()
        for label, field in zip(self.labels, (self.language, self.enumerator, self.device)):
            self.form.addRow(label, field)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.where)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.retranslate()
        self._update_ok()
        self.enumerator.setFocus()

    def _language_changed(self) -> None:
        set_language(self.language.currentData())
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Welcome to FieldSurvey"))
        self.heading.setText(tr("Welcome to FieldSurvey"))
        self.intro.setText(
            tr(
                "FieldSurvey keeps your survey records on this computer, and works without a "
                "network. Tell it who is entering data; you can change this later in Settings."
            )
        )
        texts = (tr("Language"), tr("Your name"), tr("This device"))
        for label, text in zip(self.labels, texts):
            label.setText(text)
        self.enumerator.setPlaceholderText(tr("e.g. Wang Li"))
        self.device.setPlaceholderText(tr("e.g. Laptop 3"))
        self.where.setText(tr("Your records will be kept in {path}", path=self.db_path))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Start"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Quit"))

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.enumerator.text().strip()))

    def answers(self) -> Welcome:
        return Welcome(
            enumerator=self.enumerator.text().strip(),
            device=self.device.text().strip(),
            language=self.language.currentData(),
        )


def ask_welcome(db_path: str, parent: QWidget | None = None) -> Welcome | None:
    dialog = WelcomeDialog(db_path, parent)
    return dialog.answers() if dialog.exec() else None
