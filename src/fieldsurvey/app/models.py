"""The table models of the villages and records lists: column constants and cell text only.

Rows come from ``core.queries`` on the worker; nothing here touches the database on the UI
thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt

from fieldsurvey.app.i18n import language, tr
from fieldsurvey.app.icons import state_icon
from fieldsurvey.app.labels import profile_text, short_time, status_text
from fieldsurvey.app.table_model import Column, PagedTableModel
from fieldsurvey.core import queries
from fieldsurvey.core.queries import RecordFilter, RecordRow, VillageFilter, VillageRow
from fieldsurvey.core.store.records import CONFLICT


def township_name(code: str, name_zh: str) -> str:
    """A township as the UI language writes it: 四都乡, or Sidu."""
    if language() == "zh" and name_zh:
        return name_zh
    return code.replace("_", " ").title() if code else name_zh


class VillageTableModel(PagedTableModel):
    CODE, NAME_ZH, NAME_EN, TOWNSHIP, PROFILE, ASSESSMENTS = range(6)

    def __init__(self, ws: Any, *, page_size: int | None = None, parent: Any = None) -> None:
        kwargs = {"page_size": page_size} if page_size else {}
        super().__init__(sort="code", parent=parent, **kwargs)
        self.ws = ws
        self.filter = VillageFilter()
        self.columns = (
            Column(tr("Code"), "code"),
            Column(tr("Village"), "name_zh"),
            Column(tr("Pinyin"), "name_en"),
            Column(tr("Township"), "township"),
            Column(tr("Profile"), "profile"),
            Column(tr("Assessments"), "assessments"),
        )

    def set_filter(self, flt: VillageFilter) -> None:
        if flt != self.filter or not self._started:
            self.filter = flt
            self.reload()

    def page_query(self) -> Callable[[int, int, str, bool], list[VillageRow]]:
        store, flt = self.ws.store, self.filter

        def page(offset: int, limit: int, sort: str, descending: bool) -> list[VillageRow]:
            with store.session(write=False) as s:
                return queries.village_page(
                    session=s, flt=flt, sort=sort, descending=descending, offset=offset, limit=limit
                )

        return page

    def count_query(self) -> Callable[[], int]:
        store, flt = self.ws.store, self.filter

        def count() -> int:
            with store.session(write=False) as s:
                return queries.village_count(session=s, flt=flt)

        return count

    def display(self, row: VillageRow, column: int) -> Any:
        if column == self.CODE:
            return row.code
        if column == self.NAME_ZH:
            return row.name_zh
        if column == self.NAME_EN:
            return row.name_en
        if column == self.TOWNSHIP:
            return township_name(row.township, row.township_zh)
        if column == self.PROFILE:
            return profile_text(row.profile)
        if column == self.ASSESSMENTS:
            return row.assessments
        return None

    def decoration(self, row: VillageRow, column: int) -> Any:
        return state_icon(row.profile) if column == self.PROFILE else None

    def alignment(self, row: VillageRow, column: int) -> Any:
        if column == self.ASSESSMENTS:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def tooltip(self, row: VillageRow, column: int) -> Any:
        if column == self.CODE and row.provisional:
            return tr("Provisional code: this village is not in the registry yet.")
        return None


@dataclass(frozen=True)
class RecordItem:
    """A records-list row with its form's title in the UI language."""

    row: RecordRow
    form_title: str

    @property
    def conflicts(self) -> int:
        """Fields changed differently on two laptops, not resolved yet."""
        return self.row.conflicts

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def status(self) -> str:
        return self.row.status


def form_title(ws: Any, form_id: str, lang: str) -> str:
    try:
        return ws.form(form_id).title_in(lang)
    except Exception:  # a form that no longer parses still lists its records
        return form_id


class RecordTableModel(PagedTableModel):
    FORM, VILLAGE, STATUS, UPDATED, ENUMERATOR = range(5)

    def __init__(self, ws: Any, *, page_size: int | None = None, parent: Any = None) -> None:
        kwargs = {"page_size": page_size} if page_size else {}
        super().__init__(sort="updated", descending=True, parent=parent, **kwargs)
        self.ws = ws
        self.filter = RecordFilter()
        self.columns = (
            Column(tr("Form"), "form"),
            Column(tr("Village"), "village"),
            Column(tr("Status"), "status"),
            Column(tr("Updated"), "updated"),
            Column(tr("Enumerator"), "enumerator"),
        )

    def set_filter(self, flt: RecordFilter) -> None:
        if flt != self.filter or not self._started:
            self.filter = flt
            self.reload()

    def page_query(self) -> Callable[[int, int, str, bool], list[RecordItem]]:
        ws, flt, lang = self.ws, self.filter, language()

        def page(offset: int, limit: int, sort: str, descending: bool) -> list[RecordItem]:
            with ws.store.session(write=False) as s:
                rows = queries.record_page(
                    session=s,
                    flt=flt,
                    sort=sort,
                    descending=descending,
                    offset=offset,
                    limit=limit,
                )
            titles = {fid: form_title(ws, fid, lang) for fid in {r.form_id for r in rows}}
            return [RecordItem(r, titles[r.form_id]) for r in rows]

        return page

    def count_query(self) -> Callable[[], int]:
        ws, flt = self.ws, self.filter

        def count() -> int:
            with ws.store.session(write=False) as s:
                return queries.record_count(session=s, flt=flt)

        return count

    def display(self, item: RecordItem, column: int) -> Any:
        row = item.row
        if column == self.FORM:
            return item.form_title
        if column == self.VILLAGE:
            return village_label(row)
        if column == self.STATUS:
            return status_text(CONFLICT if item.conflicts else row.status)
        if column == self.UPDATED:
            return short_time(row.updated_at)
        if column == self.ENUMERATOR:
            return row.enumerator
        return None

    def decoration(self, item: RecordItem, column: int) -> Any:
        if column == self.STATUS:
            return state_icon(CONFLICT if item.conflicts else item.status)
        return None

    def tooltip(self, item: RecordItem, column: int) -> Any:
        if column == self.FORM:
            return f"{item.form_title}\n" + tr("Record {id}", id=item.id[:8])
        if column == self.STATUS and item.conflicts:
            return tr(
                "{status}, with {count} field(s) changed differently on two laptops: resolve "
                "them on the Review page",
                status=status_text(item.status),
                count=item.conflicts,
            )
        return None


def village_label(row: RecordRow) -> str:
    if not row.village_code:
        return ""
    if language() == "zh":
        return row.village_zh or row.village_en or row.village_code
    if row.village_zh and row.village_en:
        return f"{row.village_en} {row.village_zh}"
    return row.village_en or row.village_zh or row.village_code
