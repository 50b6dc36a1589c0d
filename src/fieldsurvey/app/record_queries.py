"""The records with conflicts from merging, as rows of the records list.

``core.queries.record_page`` filters by a stored status, and "with conflicts" is not one: it
is ``Record.conflicts > 0`` whatever the status. Until the core's page query knows it, the
few conflicted records (``ws.records(status="conflict")``) are filtered, sorted and paged
here, on the worker, with the same rules as the core's query.
"""

from __future__ import annotations

from typing import Any

from fieldsurvey.core import queries
from fieldsurvey.core.queries import RecordFilter, RecordRow

CONFLICT = "conflict"

_SORT_KEYS = {
    "form": lambda r: r.form_id,
    "village": lambda r: r.village_zh,
    "status": lambda r: r.status,
    "updated": lambda r: r.updated_at,
    "enumerator": lambda r: r.enumerator,
    "created": lambda r: r.created_at,
}


def conflict_counts(ws: Any) -> dict[str, int]:
    """Open conflicts per record, for the records that have any."""
    return {r.id: int(r.conflicts or 0) for r in ws.records(status=CONFLICT)}


def conflict_rows(ws: Any, flt: RecordFilter) -> list[tuple[RecordRow, int]]:
    """The records with conflicts that *flt* lets through (its status aside), each with its
    number of open conflicts."""
    records = ws.records(status=CONFLICT, form_id=flt.form_id or None, village=flt.village_code)
    names: dict[str, tuple[str, str]] = {}
    with ws.store.session(write=False) as s:
        for code in {r.village_code for r in records if r.village_code}:
            row = queries.village(session=s, code=code)
            names[code] = (row.name_zh, row.name_en) if row else ("", "")
    out = []
    text = flt.search.strip().lower()
    for r in records:
        zh, en = names.get(r.village_code or "", ("", ""))
        row = RecordRow(
            id=r.id,
            form_id=r.form_id,
            form_version=r.form_version,
            village_code=r.village_code,
            village_zh=zh,
            village_en=en,
            status=r.status,
            enumerator=r.enumerator or "",
            created_at=r.created_at,
            updated_at=r.updated_at,
        )
        if not text or _matches(row, r.answers or "", text):
            out.append((row, int(r.conflicts or 0)))
    return out


def _matches(row: RecordRow, answers: str, text: str) -> bool:
    fields = (row.village_zh, row.village_en, row.village_code or "", row.enumerator, answers)
    return row.id.startswith(text) or any(text in f.lower() for f in fields)


def conflict_page(
    rows: list[tuple[RecordRow, int]], sort: str, descending: bool, offset: int, limit: int
) -> list[tuple[RecordRow, int]]:
    key = _SORT_KEYS.get(sort, _SORT_KEYS["updated"])
    ordered = sorted(rows, key=lambda pair: (key(pair[0]), pair[0].id), reverse=descending)
    return ordered[offset : offset + limit]
