"""Packages to import: chosen in a file dialog, or dragged from a file manager (a USB
stick's folder) onto the app."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QStandardPaths
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QWidget

from fieldsurvey.app.i18n import tr


def dropped_packages(mime: QMimeData | None) -> list[Path]:
    """The local .zip files among what is dragged, in the order given."""
    if mime is None or not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [p for p in paths if p.suffix.lower() == ".zip"]


def accept_packages(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """Accept a drag or a drop that carries packages; the packages (empty: ignored)."""
    paths = dropped_packages(event.mimeData())
    if paths:
        event.acceptProposedAction()
    else:
        event.ignore()
    return paths


def choose_packages(parent: QWidget | None) -> list[Path]:
    """Packages chosen in a file dialog (several at once); empty when the person cancels."""
    files, _ = QFileDialog.getOpenFileNames(
        parent, tr("Import packages"), start_folder(), tr("Packages (*.zip)")
    )
    return [Path(f) for f in files]


def start_folder() -> str:
    """Where the file dialog opens: the documents folder (a USB stick is one click away)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return folder if folder and Path(folder).is_dir() else str(Path.home())
