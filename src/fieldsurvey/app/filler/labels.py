"""A word-wrapping label that remembers its height for a width.

Qt asks every wrapped label on a page for its height whenever anything on the page shows or
hides, and a QLabel lays its text out afresh each time. On a 300-question page that made one
relevance change cost several milliseconds; remembering the answer until the text or font
changes makes it a lookup.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QWidget


class WrapLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._heights: dict[int, int] = {}
        self.setWordWrap(True)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        self._heights.clear()
        super().setText(text)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) > 8:
                self._heights.clear()
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._heights.clear()
        super().changeEvent(event)


MUTED = "#555555"
ERROR = "#b00020"
WARNING = "#8a5a00"


def tint(label: QLabel, color: str) -> QLabel:
    """Colour a label's text through its palette: a style sheet per label costs far more on
    a page of hundreds of questions."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
    label.setPalette(palette)
    return label
