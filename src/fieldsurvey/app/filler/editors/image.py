"""A photo: choose a file, see a thumbnail; the file is copied beside the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import qtawesome as qta
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fieldsurvey.app.filler.editors.base import EditorEnv, FieldEditor
from fieldsurvey.app.filler.labels import ERROR, tint
from fieldsurvey.app.filler.media import store_image, thumbnail
from fieldsurvey.app.i18n import tr
from fieldsurvey.core.forms.model import Field

THUMBNAIL = QSize(220, 165)
IMAGE_FILTER = "*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff"


class ImageEditor(FieldEditor):
    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        self.value: str | None = None
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        self.choose = QPushButton(qta.icon("fa5s.folder-open"), tr("Choose photo…"), box)
        self.remove = QPushButton(qta.icon("fa5s.trash-alt"), tr("Remove photo"), box)
        self.choose.clicked.connect(self.browse)
        self.remove.clicked.connect(self.detach)
        buttons.addWidget(self.choose)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.preview = QLabel(box)
        self.preview.setFixedSize(THUMBNAIL)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("border: 1px solid #c8c8c8; background: #fafafa;")
        self.name = QLabel(box)
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel(box)
        tint(self.error, ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        column.addWidget(self.preview)
        column.addWidget(self.name)
        column.addWidget(self.error)
        self.row.addWidget(box, 1)
        self.setFocusProxy(self.choose)
        self.show_value(None)

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Choose a photo"), "", f"{tr('Images')} ({IMAGE_FILTER})"
        )
        if path:
            self.attach(Path(path))

    def attach(self, source: Path) -> bool:
        """Copy *source* into the record's media folder and answer with its file name."""
        max_pixels = self.field.parameters.get("max-pixels", "")
        try:
            name = store_image(
                source, self.env.media_dir, int(max_pixels) if max_pixels.isdigit() else None
            )
        except (OSError, ValueError) as exc:
            self.error.setText(tr("Could not use {file}: {reason}", file=source.name, reason=exc))
            self.error.show()
            return False
        self.error.hide()
        self.show_value(name)
        self.emit_value(name)
        return True

    def detach(self) -> None:
        self.show_value(None)
        self.emit_value(None)

    def show_value(self, value: Any) -> None:
        self.value = str(value) if value else None
        self.remove.setVisible(self.value is not None and self.choose.isEnabled())
        if self.value is None:
            self.preview.setPixmap(qta.icon("fa5s.image", color="#bbb").pixmap(64, 64))
            self.name.setText(tr("No photo"))
            return
        path = self.env.media_dir / self.value
        pixmap = thumbnail(path, THUMBNAIL) if path.is_file() else None
        if pixmap is not None and not pixmap.isNull():
            self.preview.setPixmap(pixmap)
            self.name.setText(self.value)
        else:
            self.preview.setPixmap(
                qta.icon("fa5s.exclamation-triangle", color="#b7791f").pixmap(48, 48)
            )
            self.name.setText(tr("{file} is not in the media folder", file=self.value))

    def set_locked(self, locked: bool) -> None:
        self.choose.setEnabled(not locked)
        self.remove.setVisible(not locked and self.value is not None)

    def focus_target(self) -> QWidget:
        return self.choose
