"""What waits for a coordinator, gathered on the worker as plain rows for the review page:
records with conflicting edits, reviewed records changed again in the field, complete records
awaiting a decision, and open pairs of possible duplicates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fieldsurvey.app.labels import short_time, status_text
from fieldsurvey.app.models import form_title
from fieldsurvey.core import queries, review
from fieldsurvey.core.queries import RecordFilter
from fieldsurvey.core.store import records as rec

WAITING_SHOWN = 500  # complete records listed at once; the count says how many there are
CONFLICTS, FLAGGED, WAITING, DUPLICATES = "conflicts", "flagged", "waiting", "duplicates"


@dataclass(frozen=True)
class QueueRecord:
    id: str
    form_id: str
    form_title: str
    village_code: str | None
    village: str  # the village's names as the UI language writes them
    status: str
    enumerator: str
    updated_at: str
    conflicts: int = 0
    flag: str | None = None  # why a reviewed record needs review again


@dataclass(frozen=True)
class QueuePair:
    kind: str  # "village" or "record"
    first: str
    second: str
    reason: str
    found_at: str
    sides: tuple[str, str]  # each side described in a line or two
    place: str  # the village (a record pair) or both villages' names (a village pair)
    form_title: str = ""  # a record pair's form


@dataclass(frozen=True)
class ReviewQueue:
    conflicts: list[QueueRecord] = field(default_factory=list)
    flagged: list[QueueRecord] = field(default_factory=list)
    waiting: list[QueueRecord] = field(default_factory=list)
    waiting_total: int = 0
    duplicates: list[QueuePair] = field(default_factory=list)


def village_name(zh: str, en: str, code: str | None, lang: str) -> str:
    if lang == "zh":
        return zh or en or code or ""
    return " ".join(n for n in (en, zh) if n) or code or ""


class _Villages:
    """Village names by code, each looked up once."""

    def __init__(self, session: Any, lang: str) -> None:
        self.s, self.lang = session, lang
        self.known: dict[str, str] = {}

    def __call__(self, code: str | None) -> str:
        if not code:
            return ""
        if code not in self.known:
            row = queries.village(session=self.s, code=code)
            zh, en = (row.name_zh, row.name_en) if row else ("", "")
            self.known[code] = village_name(zh, en, code, self.lang)
        return self.known[code]


def load_queue(ws: Any, lang: str) -> ReviewQueue:
    titles: dict[str, str] = {}

    def title(form_id: str) -> str:
        if form_id not in titles:
            titles[form_id] = form_title(ws, form_id, lang)
        return titles[form_id]

    def item(r: Any, names: _Villages) -> QueueRecord:
        return QueueRecord(
            id=r.id,
            form_id=r.form_id,
            form_title=title(r.form_id),
            village_code=r.village_code,
            village=names(r.village_code),
            status=r.status,
            enumerator=r.enumerator or "",
            updated_at=r.updated_at,
            conflicts=int(r.conflicts or 0),
            flag=r.review_flag,
        )

    waiting_filter = RecordFilter(status="complete")
    with ws.store.session(write=False) as s:
        names = _Villages(s, lang)
        conflicted = queries.record_page(
            session=s, flt=RecordFilter(status=rec.CONFLICT), descending=False, limit=WAITING_SHOWN
        )
        flagged = [
            r
            for r in queries.record_page(
                session=s,
                flt=RecordFilter(status=rec.FLAGGED),
                descending=False,
                limit=WAITING_SHOWN,
            )
            if not r.conflicts
        ]
        held = {r.id for r in conflicted} | {r.id for r in flagged}
        rows = queries.record_page(
            session=s, flt=waiting_filter, sort="updated", descending=False, limit=WAITING_SHOWN
        )
        total = queries.record_count(session=s, flt=waiting_filter)
        waiting = [
            QueueRecord(
                id=r.id,
                form_id=r.form_id,
                form_title=title(r.form_id),
                village_code=r.village_code,
                village=village_name(r.village_zh, r.village_en, r.village_code, lang),
                status=r.status,
                enumerator=r.enumerator,
                updated_at=r.updated_at,
            )
            for r in rows
            if r.id not in held
        ]
        return ReviewQueue(
            conflicts=[item(r, names) for r in conflicted],
            flagged=[item(r, names) for r in flagged],
            waiting=waiting,
            waiting_total=total - sum(r.status == "complete" for r in (*conflicted, *flagged)),
            duplicates=[_pair(ws, p, names, title) for p in review.duplicates(ws)],
        )


def _pair(ws: Any, pair: Any, names: _Villages, title: Any) -> QueuePair:
    if pair.kind == "village":
        sides = tuple(f"{names(code)} ({code})" for code in (pair.first, pair.second))
        place, form = " / ".join(names(code) for code in (pair.first, pair.second)), ""
    else:
        sides = tuple(_record_side(ws, rid, names, title) for rid in (pair.first, pair.second))
        try:
            first = ws.record(pair.first)
            place, form = names(first.village_code), title(first.form_id)
        except Exception:  # deleted meanwhile: the pair is still there to settle
            place, form = "", ""
    return QueuePair(
        pair.kind, pair.first, pair.second, pair.reason, pair.found_at, sides, place, form
    )  # type: ignore[arg-type]


def _record_side(ws: Any, record_id: str, names: _Villages, title: Any) -> str:
    try:
        r = ws.record(record_id)
    except Exception:  # a record deleted meanwhile still leaves the pair to settle
        return record_id[:8]
    who = " · ".join((r.enumerator or "—", status_text(r.status), short_time(r.updated_at)))
    return "\n".join((f"{title(r.form_id)} · {names(r.village_code)}", who, r.id[:8]))
