"""Small pieces the review page's panels share: wrapped labels, titles and cell frames."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

MUTED = "color: #555555;"
CELL_STYLE = "QFrame#conflictCell { border: 1px solid #d0d7de; border-radius: 4px; }"
CHOSEN_STYLE = (
    "QFrame#conflictCell { border: 2px solid #2e7d32; border-radius: 4px; background: #eef7f0; }"
)


def wrapped(text: str, style: str = "", *, select: bool = True) -> QLabel:
    """A label that wraps its text to the width it is given (never widening the panel) and
    can be selected and copied."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    if select:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if style:
        label.setStyleSheet(style)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def bold(label: QLabel) -> QLabel:
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def title_label() -> QLabel:
    """A panel's title: bold, a little larger, wrapped."""
    label = bold(wrapped(""))
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.2)
    label.setFont(font)
    return label
