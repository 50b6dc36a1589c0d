"""The settings page: who is entering data, on which device, and in which language."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.i18n import LANGUAGES, language, tr
from fieldsurvey.app.icons import icon
from fieldsurvey.app.ui import error_text, page_heading, show_error

FORM_LANGUAGE_KEY = "ui.form_language"  # "" follows the UI language


def form_language(ws: Any) -> str | None:
    """The language forms open in: the saved choice, else the UI language."""
    saved = ws.store.get_setting(FORM_LANGUAGE_KEY) or ""
    return saved if saved in LANGUAGES else language()


class SettingsView(QWidget):
    languageChanged = Signal(str)
    saved = Signal()
    openDatabaseRequested = Signal()

    def __init__(self, ws: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        heading = page_heading(tr("Settings"))
        self.enumerator = QLineEdit(ws.enumerator)
        self.enumerator.setPlaceholderText(tr("Your name, as it should appear on records"))
        self.device = QLineEdit(ws.device_name)
        self.device.setPlaceholderText(tr("e.g. Laptop 3"))
        self.ui_language = QComboBox()
        for code, name in LANGUAGES.items():
            self.ui_language.addItem(name, code)
        self.ui_language.setCurrentIndex(max(self.ui_language.findData(language()), 0))
        self.form_language = QComboBox()
        self.form_language.addItem(tr("Same as the interface"), "")
        for code, name in LANGUAGES.items():
            self.form_language.addItem(name, code)
        saved_form_lang = ws.store.get_setting(FORM_LANGUAGE_KEY) or ""
        self.form_language.setCurrentIndex(max(self.form_language.findData(saved_form_lang), 0))
        self.database = QLabel(str(ws.store.path or ws.store.url))
        self.database.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.database.setWordWrap(True)
        open_button = QPushButton(icon("database"), tr("Open another database file…"))
        open_button.clicked.connect(self.openDatabaseRequested)
        open_row = QHBoxLayout()
        open_row.addWidget(open_button)
        open_row.addStretch(1)
        self.save_button = QPushButton(icon("save"), tr("Save settings"))
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()

        form = QFormLayout()
        form.addRow(tr("Enumerator"), self.enumerator)
        form.addRow(tr("Device name"), self.device)
        form.addRow(tr("Interface language"), self.ui_language)
        form.addRow(tr("Form language"), self.form_language)
        note = QLabel(tr("A new interface language applies as soon as you save."))
        note.setWordWrap(True)
        form.addRow("", note)
        form.addRow(tr("Database file"), self.database)
        form.addRow("", open_row)
        row = QHBoxLayout()
        row.addSpacing(0)
        row.addWidget(self.save_button)
        row.addWidget(self.message, 1)
        body = QWidget()
        body.setMaximumWidth(760)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(form)
        body_layout.addLayout(row)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(body)
        layout.addStretch(1)

    def is_changed(self) -> bool:
        """Whether anything on the page differs from what is saved."""
        saved_form_lang = self.ws.store.get_setting(FORM_LANGUAGE_KEY) or ""
        return (
            self.enumerator.text().strip() != self.ws.enumerator
            or self.device.text().strip() != self.ws.device_name
            or self.ui_language.currentData() != language()
            or self.form_language.currentData() != saved_form_lang
        )

    def save(self, *, apply_language: bool = True) -> bool:
        """Store the page; False (and a message) if it could not be written. With
        *apply_language* a new interface language is applied at once."""
        lang = self.ui_language.currentData()
        try:
            self.ws.configure(
                enumerator=self.enumerator.text().strip(),
                device=self.device.text().strip(),
                language=lang,
            )
            self.ws.store.set_setting(FORM_LANGUAGE_KEY, self.form_language.currentData())
        except Exception as exc:  # e.g. the disk is full
            show_error(self, tr("The settings were not saved"), error_text(exc))
            return False
        self.message.setText(tr("Saved."))
        self.saved.emit()
        if apply_language and lang != language():
            self.languageChanged.emit(lang)
        return True
