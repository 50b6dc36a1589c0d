"""Photos attached to answers, copied into a media folder beside the database.

The answer stores only the file name, ``<sha256 prefix>-<original name>``, inside
``<db dir>/media/<record id>/``; the hash prefix keeps two photos called IMG_0001.jpg apart and
makes attaching the same photo twice harmless. Files are written to a temporary name, flushed
and renamed, so a power cut leaves the old state or the new one, never half a photo.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageReader, QPixmap

from fieldsurvey.core.workspace import Workspace

HASH_PREFIX = 16
_UNSAFE = re.compile(r"[^\w.-]+")


def media_root(ws: Workspace) -> Path:
    return ws.media_root


def safe_name(name: str) -> str:
    stem = _UNSAFE.sub("_", Path(name).name).strip("._") or "photo"
    return stem[-80:]


def _shrunk(data: bytes, suffix: str, max_pixels: int | None) -> bytes:
    """The image scaled down so its longer side is *max_pixels*, as ODK's ``max-pixels`` asks."""
    if not max_pixels:
        return data
    image = QImage.fromData(QByteArray(data))
    if image.isNull() or max(image.width(), image.height()) <= max_pixels:
        return data
    image = image.scaled(
        max_pixels,
        max_pixels,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    out = QByteArray()
    buffer = QBuffer(out)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    fmt = "PNG" if suffix.lower() == ".png" else "JPG"
    image.save(buffer, fmt, 90)
    return bytes(out.data())


def store_image(source: Path, folder: Path, max_pixels: int | None = None) -> str:
    """Copy *source* into *folder*; returns the stored file name. Raises OSError/ValueError."""
    data = Path(source).read_bytes()
    if QImage.fromData(QByteArray(data)).isNull():
        raise ValueError("not an image")
    data = _shrunk(data, Path(source).suffix, max_pixels)
    name = f"{hashlib.sha256(data).hexdigest()[:HASH_PREFIX]}-{safe_name(Path(source).name)}"
    target = folder / name
    if target.exists():
        return name
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".part-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return name


def thumbnail(path: Path, size: QSize) -> QPixmap:
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid():
        reader.setScaledSize(original.scaled(size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return QPixmap.fromImage(image) if not image.isNull() else QPixmap()
