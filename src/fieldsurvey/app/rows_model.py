"""A table model for a short list fetched whole (past imports, known devices): the rows are
set at once with a model reset, and ``data()`` only reads the cells made for them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 2


class RowsModel(QAbstractTableModel):
    def __init__(
        self,
        titles: Sequence[str],
        cells: Callable[[Any], Sequence[Any]],
        *,
        tips: Callable[[Any], Sequence[Any]] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.titles = list(titles)
        self._cells = cells
        self._tips = tips
        self._rows: list[Any] = []
        self._shown: list[Sequence[Any]] = []
        self._tooltips: list[Sequence[Any]] = []
        self.fonts: dict[int, Any] = {}  # column -> QFont, e.g. fixed width for fingerprints

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._shown = [self._cells(r) for r in self._rows]
        self._tooltips = [self._tips(r) for r in self._rows] if self._tips else []
        self.endResetModel()

    def row(self, index: int) -> Any:
        return self._rows[index]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.titles)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.titles)
        ):
            return self.titles[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._shown[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and self._tooltips:
            return self._tooltips[index.row()][index.column()]
        if role == Qt.ItemDataRole.FontRole:
            return self.fonts.get(index.column())
        if role == ROW_ROLE:
            return self._rows[index.row()]
        return None
