"""Read-only list queries for views: one page of rows, filtered and sorted in SQL.

A view shows a window onto lists that may hold 100,000 villages, so nothing here loads a whole
table: each function takes the caller's session (``store.session(write=False)``), returns plain
frozen rows that are safe to hand from a worker thread to the UI, and uses only portable
SQLAlchemy constructs, so the same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, literal, or_
from sqlmodel import Session, col, select

from fieldsurvey.core.forms.model import Field, Form, Repeat
from fieldsurvey.core.forms.types import METADATA_TYPES
from fieldsurvey.core.store import records as rec
from fieldsurvey.core.store.models import DRAFT, FormDef, Record, Village

PROFILE_FORM = "village_profile"
ASSESSMENT_FORM = "practice_assessment"

# The state of a village's profile, as the views show it.
PROFILE_NONE = "none"
PROFILE_DRAFT = "draft"
PROFILE_COMPLETE = "complete"
_PROFILE_STATES = {0: PROFILE_NONE, 1: PROFILE_DRAFT, 2: PROFILE_COMPLETE}

PROVISIONAL_PREFIX = "NEW-"
# Answers that describe one filling of a form (when, on which device, by whom) or belong to
# one place (photos): a copy starts without them.
_NOT_COPIED = METADATA_TYPES | {"image"}


@dataclass(frozen=True)
class VillageRow:
    code: str
    name_zh: str
    name_en: str
    township: str
    township_zh: str
    provisional: bool
    profile: str  # PROFILE_NONE / PROFILE_DRAFT / PROFILE_COMPLETE
    assessments: int


@dataclass(frozen=True)
class RecordRow:
    id: str
    form_id: str
    form_version: str
    village_code: str | None
    village_zh: str
    village_en: str
    status: str
    enumerator: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class VillageFilter:
    search: str = ""  # part of the Chinese name, the pinyin or the code; case-insensitive
    township: str | None = None
    code: str | None = None  # exactly this village


@dataclass(frozen=True)
class RecordFilter:
    form_id: str | None = None
    status: str | None = None
    village_code: str | None = None
    search: str = ""  # village name or code, enumerator, id prefix, or any answer text


# -- villages -------------------------------------------------------------------------------

VILLAGE_SORT_KEYS = ("code", "name_zh", "name_en", "township", "profile", "assessments")


def _village_stats():
    """Per village: profile state (0 none, 1 draft, 2 complete or later) and assessment count."""
    profile_state = case(
        (
            col(Record.form_id) == PROFILE_FORM,
            case((col(Record.status) == DRAFT, 1), else_=2),
        ),
        else_=0,
    )
    is_assessment = case((col(Record.form_id) == ASSESSMENT_FORM, 1), else_=0)
    return (
        select(
            col(Record.village_code).label("village_code"),
            func.max(profile_state).label("profile"),
            func.sum(is_assessment).label("assessments"),
        )
        .where(col(Record.deleted).is_(False), col(Record.village_code).is_not(None))
        .group_by(col(Record.village_code))
        .subquery("stats")
    )


def _like(column: Any, text: str) -> Any:
    return func.lower(column).contains(text.lower(), autoescape=True)


def _village_where(query: Any, flt: VillageFilter) -> Any:
    if flt.township:
        query = query.where(col(Village.township) == flt.township)
    if flt.code is not None:
        query = query.where(col(Village.code) == flt.code)
    text = flt.search.strip()
    if text:
        query = query.where(
            or_(
                _like(col(Village.name_zh), text),
                _like(col(Village.name_en), text),
                _like(col(Village.code), text),
                _like(col(Village.township_zh), text),
            )
        )
    return query


def village_page(
    *,
    session: Session,
    flt: VillageFilter = VillageFilter(),
    sort: str = "code",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[VillageRow]:
    """One page of villages with their profile state and number of assessments."""
    if sort not in VILLAGE_SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}; expected one of {VILLAGE_SORT_KEYS}")
    stats = _village_stats()
    profile = func.coalesce(stats.c.profile, 0)
    assessments = func.coalesce(stats.c.assessments, 0)
    keys = {
        "code": col(Village.code),
        "name_zh": col(Village.name_zh),
        "name_en": func.lower(col(Village.name_en)),
        "township": col(Village.township),
        "profile": profile,
        "assessments": assessments,
    }
    key = keys[sort]
    query = select(
        col(Village.code),
        col(Village.name_zh),
        col(Village.name_en),
        col(Village.township),
        col(Village.township_zh),
        col(Village.provisional),
        profile,
        assessments,
    ).select_from(Village)
    query = query.outerjoin(stats, stats.c.village_code == col(Village.code))
    query = _village_where(query, flt)
    tie = col(Village.code).desc() if descending else col(Village.code)
    query = query.order_by(key.desc() if descending else key, tie).offset(offset).limit(limit)
    return [
        VillageRow(
            code=r[0],
            name_zh=r[1] or "",
            name_en=r[2] or "",
            township=r[3] or "",
            township_zh=r[4] or "",
            provisional=bool(r[5]),
            profile=_PROFILE_STATES.get(int(r[6] or 0), PROFILE_COMPLETE),
            assessments=int(r[7] or 0),
        )
        for r in session.exec(query).all()
    ]


def village_count(*, session: Session, flt: VillageFilter = VillageFilter()) -> int:
    query = _village_where(select(func.count()).select_from(Village), flt)
    return int(session.exec(query).one())


def townships(*, session: Session) -> list[tuple[str, str]]:
    """(code, Chinese name) of every township that has villages, by code."""
    query = (
        select(col(Village.township), func.max(col(Village.township_zh)))
        .where(col(Village.township) != "")
        .group_by(col(Village.township))
        .order_by(col(Village.township))
    )
    return [(code, zh or "") for code, zh in session.exec(query).all()]


def village(*, session: Session, code: str) -> VillageRow | None:
    """One village with its profile state, as a list row."""
    rows = village_page(session=session, flt=VillageFilter(code=code), limit=1)
    return rows[0] if rows else None


def provisional_code() -> str:
    return f"{PROVISIONAL_PREFIX}{uuid.uuid4().hex[:8].upper()}"


def add_village(
    *,
    session: Session,
    device_id: str,
    code: str | None = None,
    name_zh: str = "",
    name_en: str = "",
    township: str = "",
    township_zh: str = "",
    county: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    actor: str = "",
) -> Village:
    """Add a village met in the field. Without a code it is provisional, under ``NEW-xxxxxxxx``
    (short enough to read out on the phone; the office replaces it with the registry code).

    A code already in the registry is refused rather than silently overwritten.
    """
    code = (code or "").strip()
    provisional = not code
    if provisional:
        code = provisional_code()
    if rec.get_village(session=session, code=code) is not None:
        raise rec.BadVillageError("village code '{code}' is already in the registry", code=code)
    if not (name_zh.strip() or name_en.strip()):
        raise rec.BadVillageError("a village needs a name in Chinese or in pinyin")
    return rec.upsert_village(
        session=session,
        code=code,
        device_id=device_id,
        name_zh=name_zh.strip(),
        name_en=name_en.strip(),
        township=township.strip(),
        township_zh=township_zh.strip(),
        county=county.strip(),
        latitude=latitude,
        longitude=longitude,
        provisional=provisional,
        actor=actor,
    )


# -- records --------------------------------------------------------------------------------

RECORD_SORT_KEYS = ("form", "village", "status", "updated", "enumerator", "created")


def _record_where(query: Any, flt: RecordFilter) -> Any:
    query = query.where(col(Record.deleted).is_(False))
    if flt.form_id:
        query = query.where(col(Record.form_id) == flt.form_id)
    if flt.status:
        query = query.where(col(Record.status) == flt.status)
    if flt.village_code:
        query = query.where(col(Record.village_code) == flt.village_code)
    text = flt.search.strip()
    if text:
        query = query.where(
            or_(
                _like(col(Village.name_zh), text),
                _like(col(Village.name_en), text),
                _like(col(Record.village_code), text),
                _like(col(Record.enumerator), text),
                col(Record.id).startswith(text.lower(), autoescape=True),
                _like(col(Record.answers), text),
            )
        )
    return query


def record_page(
    *,
    session: Session,
    flt: RecordFilter = RecordFilter(),
    sort: str = "updated",
    descending: bool = True,
    offset: int = 0,
    limit: int = 200,
) -> list[RecordRow]:
    """One page of records (deleted drafts left out) with their village's names."""
    if sort not in RECORD_SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}; expected one of {RECORD_SORT_KEYS}")
    keys = {
        "form": col(Record.form_id),
        "village": func.coalesce(col(Village.name_zh), literal("")),
        "status": col(Record.status),
        "updated": col(Record.updated_at),
        "enumerator": col(Record.enumerator),
        "created": col(Record.created_at),
    }
    key = keys[sort]
    tie = col(Record.id).desc() if descending else col(Record.id)
    query = (
        select(
            col(Record.id),
            col(Record.form_id),
            col(Record.form_version),
            col(Record.village_code),
            col(Village.name_zh),
            col(Village.name_en),
            col(Record.status),
            col(Record.enumerator),
            col(Record.created_at),
            col(Record.updated_at),
        )
        .select_from(Record)
        .outerjoin(Village, col(Village.code) == col(Record.village_code))
    )
    query = _record_where(query, flt)
    query = query.order_by(key.desc() if descending else key, tie).offset(offset).limit(limit)
    return [
        RecordRow(
            id=r[0],
            form_id=r[1],
            form_version=r[2],
            village_code=r[3],
            village_zh=r[4] or "",
            village_en=r[5] or "",
            status=r[6],
            enumerator=r[7] or "",
            created_at=r[8],
            updated_at=r[9],
        )
        for r in session.exec(query).all()
    ]


def record_count(*, session: Session, flt: RecordFilter = RecordFilter()) -> int:
    query = (
        select(func.count())
        .select_from(Record)
        .outerjoin(Village, col(Village.code) == col(Record.village_code))
    )
    return int(session.exec(_record_where(query, flt)).one())


def form_ids(*, session: Session) -> list[str]:
    """Every form id in the database, sorted."""
    query = select(col(FormDef.form_id)).distinct().order_by(col(FormDef.form_id))
    return list(session.exec(query).all())


# -- copying a record ---------------------------------------------------------------------


def copyable_answers(form: Form, answers: dict[str, Any]) -> dict[str, Any]:
    """Answers for a new record that starts as a copy of another: repeat rows lose their
    ``_row_id`` (a copy's rows are new rows, not the same rows), and the metadata of the first
    filling (start, end, today, device, username) and photos are left out. *form* is the one
    the copy is made with: answers it has no question for where they stand (a record of an
    older version may hold questions the newest one dropped) are left out too."""

    def clean(row: dict[str, Any], scope: Repeat | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in row.items():
            node = form.nodes.get(key)  # the row id is no node
            if node is None or node.repeat is not scope:
                continue
            if isinstance(node, Repeat) and isinstance(value, list):
                out[key] = [clean(v, node) for v in value if isinstance(v, dict)]
            elif isinstance(node, Field) and node.has_answer and node.kind not in _NOT_COPIED:
                out[key] = copy.deepcopy(value)
        return out

    return clean(answers, None)


def pending_records(*, session: Session, statuses: Sequence[str] | None = None) -> int:
    """How many records (not deleted) there are, optionally only those in *statuses*."""
    query = select(func.count()).select_from(Record).where(col(Record.deleted).is_(False))
    if statuses:
        query = query.where(col(Record.status).in_(list(statuses)))
    return int(session.exec(query).one())
