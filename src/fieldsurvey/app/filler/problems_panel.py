"""The problems list beside the form: every shown problem; a click goes to its question."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.filler.sync import Issue
from fieldsurvey.app.i18n import tr

PATH_ROLE = Qt.ItemDataRole.UserRole


class _IssueList(QListWidget):
    """Each problem as two lines (where, then what), re-wrapped when the panel is resized."""

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        width = self.viewport().width() - 8
        for i in range(self.count()):
            item = self.item(i)
            label = self.itemWidget(item)
            if isinstance(label, QLabel):
                item.setSizeHint(QSize(width, label.heightForWidth(width) + 8))


class ProblemsPanel(QFrame):
    activated = Signal(str)  # the problem's path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 8, 8, 8)
        self.title = QLabel(self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.empty = QLabel(tr("No problems."), self)
        self.empty.setStyleSheet("color: #2e7d32;")
        self.list = _IssueList(self)
        self.list.setAccessibleName(tr("Problems"))
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setStyleSheet("QListWidget::item { border-bottom: 1px solid #e4e4e4; }")
        column.addWidget(self.title)
        column.addWidget(self.empty)
        column.addWidget(self.list, 1)
        self.list.itemActivated.connect(self._go)
        self.list.itemClicked.connect(self._go)
        self.issues: list[Issue] | None = None
        self.set_issues([])

    def set_issues(self, issues: list[Issue]) -> None:
        if issues == self.issues:
            return
        self.issues = list(issues)
        self.title.setText(tr("Problems ({count})", count=len(issues)))
        self.list.clear()
        for issue in issues:
            item = QListWidgetItem()
            item.setData(PATH_ROLE, issue.path)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{issue.where}: {issue.message}")
            item.setToolTip(f"{issue.where}: {issue.message}")
            label = QLabel(
                f"<b>{html.escape(issue.where)}</b><br>"
                f'<span style="color:#b00020;">{html.escape(issue.message)}</span>'
            )
            label.setWordWrap(True)
            label.setContentsMargins(4, 4, 4, 4)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            self.list.addItem(item)
            self.list.setItemWidget(item, label)
        self.list.fit()
        self.empty.setVisible(not issues)
        self.list.setVisible(bool(issues))

    def _go(self, item: QListWidgetItem) -> None:
        self.activated.emit(item.data(PATH_ROLE))
