"""A table model that loads its rows a page at a time on the worker (Vorta's thin adapter).

Rows are plain frozen objects fetched by a query function in ``core.queries``; ``data()`` only
reads them. The first page arrives with a model reset; later pages are appended when the view
scrolls near the end (``canFetchMore``/``fetchMore``), so a list of 100,000 villages opens as
fast as one of 100. Sorting and filtering happen in SQL: ``sort()`` and ``set_filter()``
start again from the first page. A generation counter drops answers to superseded requests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from fieldsurvey.app.ui import error_text
from fieldsurvey.app.worker import Worker, worker

PAGE_SIZE = 200
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    sort_key: str | None  # the query's sort key; None: not sortable


class PagedTableModel(QAbstractTableModel):
    loaded = Signal()  # a page (or the total) arrived
    failed = Signal(str)
    totalChanged = Signal(int)

    columns: Sequence[Column] = ()

    def __init__(
        self,
        *,
        sort: str,
        descending: bool = False,
        page_size: int = PAGE_SIZE,
        runner: Worker | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._sort = sort
        self._descending = descending
        self._page_size = page_size
        self._runner = runner
        self._generation = 0
        self._more = False
        self._loading = False
        self._started = False
        self.total: int | None = None

    # -- subclasses -------------------------------------------------------------------------
    def page_query(self) -> Callable[[int, int, str, bool], list[Any]]:
        """A function of (offset, limit, sort, descending) to run on the worker; it must not
        read the model (capture the current filter in the closure)."""
        raise NotImplementedError

    def count_query(self) -> Callable[[], int] | None:
        return None

    def display(self, row: Any, column: int) -> Any:
        raise NotImplementedError

    def sort_value(self, row: Any, column: int) -> Any:
        return self.display(row, column)

    def decoration(self, row: Any, column: int) -> Any:
        return None

    def tooltip(self, row: Any, column: int) -> Any:
        return None

    def alignment(self, row: Any, column: int) -> Any:
        return None

    # -- loading ----------------------------------------------------------------------------
    @property
    def runner(self) -> Worker:
        return self._runner or worker()

    @property
    def loading(self) -> bool:
        return self._loading

    def reload(self) -> None:
        """Forget the rows and fetch the first page (and the total) again."""
        self._generation += 1
        self._started = True
        self.beginResetModel()
        self._rows = []
        self._more = True
        self._loading = False
        self.endResetModel()
        self._request(0, with_total=True)

    def _request(self, offset: int, *, with_total: bool = False) -> None:
        self._loading = True
        generation = self._generation
        page = self.page_query()
        count = self.count_query() if with_total else None
        limit, sort, descending = self._page_size, self._sort, self._descending

        def fetch() -> tuple[list[Any], int | None]:
            rows = page(offset, limit, sort, descending)
            total = count() if count is not None else None
            return rows, total

        self.runner.run(
            fetch,
            owner=self,
            on_done=lambda result: self._arrived(generation, offset, *result),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def _arrived(self, generation: int, offset: int, rows: list[Any], total: int | None) -> None:
        if generation != self._generation or offset != len(self._rows):
            return
        self._loading = False
        self._more = len(rows) >= self._page_size
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        if total is not None:
            self.total = total
            self.totalChanged.emit(total)
        self.loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._more = False
        self.failed.emit(error_text(exc))

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._request(len(self._rows))

    # -- sorting ----------------------------------------------------------------------------
    def sort_state(self) -> tuple[str, bool]:
        return self._sort, self._descending

    def sort_column(self) -> int:
        return next((i for i, c in enumerate(self.columns) if c.sort_key == self._sort), 0)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort_key is None:
            return
        key = self.columns[column].sort_key
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._sort, self._descending) and self._started:
            return
        self._sort, self._descending = key, descending
        if self._started:
            self.reload()

    # -- the Qt model -----------------------------------------------------------------------
    def row(self, index: int) -> Any:
        return self._rows[index]

    def rows(self) -> list[Any]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.decoration(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(row, column)
        if role == SORT_ROLE:
            return self.sort_value(row, column)
        if role == ROW_ROLE:
            return row
        return None
