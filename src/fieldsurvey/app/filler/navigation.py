"""The list of sections on the left, each with a marker for how far along it is."""

from __future__ import annotations

import qtawesome as qta
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from fieldsurvey.app.filler.sections import (
    COMPLETE,
    NOT_APPLICABLE,
    PROBLEMS,
    PROGRESS,
    UNTOUCHED,
)
from fieldsurvey.app.i18n import tr

MARKERS = {
    COMPLETE: ("fa5s.check-circle", "#2e7d32"),
    PROBLEMS: ("fa5s.exclamation-circle", "#c62828"),
    PROGRESS: ("fa5s.adjust", "#b7791f"),
    UNTOUCHED: ("fa5.circle", "#9e9e9e"),
    NOT_APPLICABLE: ("fa5s.ban", "#bdbdbd"),
}


def marker_text(status: str) -> str:
    return {
        COMPLETE: tr("All required questions answered"),
        PROBLEMS: tr("Has problems to fix"),
        PROGRESS: tr("Some required answers are still missing"),
        UNTOUCHED: tr("Not started"),
        NOT_APPLICABLE: tr("Does not apply to the answers given"),
    }[status]


class SectionList(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(tr("Sections"))
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setSpacing(1)
        self.statuses: list[str] = []
        self._icons: dict[str, QIcon] = {}

    def icon(self, status: str) -> QIcon:
        if status not in self._icons:
            name, color = MARKERS[status]
            self._icons[status] = qta.icon(name, color=color)
        return self._icons[status]

    def set_titles(self, titles: list[str]) -> None:
        while self.count() < len(titles):
            self.addItem(QListWidgetItem(""))
            self.statuses.append("")
        for i, title in enumerate(titles):
            self.item(i).setText(title)

    def set_status(self, index: int, status: str) -> None:
        if self.statuses[index] == status:
            return
        self.statuses[index] = status
        item = self.item(index)
        item.setIcon(self.icon(status))
        item.setToolTip(marker_text(status))
        grey = status == NOT_APPLICABLE
        item.setForeground(QColor("#9e9e9e") if grey else self.palette().text().color())
