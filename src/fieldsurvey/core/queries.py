"""Read-only list queries for views: one page of rows, filtered and sorted in SQL.

A view shows a window onto lists that may hold 100,000 villages, so nothing here loads a whole
table: each function takes the caller's session (``store.session(write=False)``), returns plain
frozen rows that are safe to hand from a worker thread to the UI, and uses only portable
SQLAlchemy constructs, so the same code runs on SQLite and PostgreSQL; text is sorted
``bytewise``, so a page holds the same rows in the same order on both.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, literal, or_
from sqlmodel import Session, col, select

from fieldsurvey.core.errors import Phrase
from fieldsurvey.core.forms.answers import is_empty
from fieldsurvey.core.forms.model import ROW_ID, Field, Form, Repeat
from fieldsurvey.core.forms.types import METADATA_TYPES
from fieldsurvey.core.store import records as rec
from fieldsurvey.core.store.models import DRAFT, FormDef, Record, Village
from fieldsurvey.core.store.portable import bytewise

PROFILE_FORM = "village_profile"
ASSESSMENT_FORM = "practice_assessment"

# The state of a village's profile, as the views show it.
PROFILE_NONE = "none"
PROFILE_DRAFT = "draft"
PROFILE_COMPLETE = "complete"
_PROFILE_STATES = {0: PROFILE_NONE, 1: PROFILE_DRAFT, 2: PROFILE_COMPLETE}

PROVISIONAL_PREFIX = "NEW-"
# The choice list (and question) of township codes in the programme's forms.
TOWNSHIP_LIST = "township"
# Answers that describe one filling of a form (when, on which device, by whom), belong to one
# place (photos) or one person's say-so (an acknowledged consent): a copy starts without them.
_NOT_COPIED = METADATA_TYPES | {"image", "acknowledge"}


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
    conflicts: int = 0  # fields two laptops changed differently, not resolved yet
    review_flag: str | None = None  # why a reviewed record needs review again


@dataclass(frozen=True)
class VillageFilter:
    search: str = ""  # part of the Chinese name, the pinyin or the code; case-insensitive
    township: str | None = None
    code: str | None = None  # exactly this village


@dataclass(frozen=True)
class RecordFilter:
    form_id: str | None = None
    status: str | None = None  # a status, "conflict" (open conflicts) or "flagged" (review again)
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
        "code": bytewise(col(Village.code)),
        "name_zh": bytewise(col(Village.name_zh)),
        "name_en": bytewise(func.lower(col(Village.name_en))),
        "township": bytewise(col(Village.township)),
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
    code = bytewise(col(Village.code))
    tie = code.desc() if descending else code
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
        .order_by(bytewise(col(Village.township)))
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
    townships: Mapping[str, Collection[str]] | None = None,
) -> Village:
    """Add a village met in the field. Without a code it is provisional, under ``NEW-xxxxxxxx``
    (short enough to read out on the phone; the office replaces it with the registry code).

    A code is upper-cased and must be a registry-style code (``rec.village_code``); one already
    in the registry is refused rather than silently overwritten. *township* must be a known
    township: a code in *townships* (code -> Chinese names, from the forms' township lists)
    or in the registry, or the Chinese name of one, which is stored as its code.
    """
    code = (code or "").strip()
    provisional = not code
    code = provisional_code() if provisional else rec.village_code(code)
    if rec.get_village(session=session, code=code) is not None:
        raise rec.BadVillageError("village code '{code}' is already in the registry", code=code)
    if not (name_zh.strip() or name_en.strip()):
        raise rec.BadVillageError("a village needs a name in Chinese or in pinyin")
    township, named_zh = _known_township(session, township.strip(), townships or {})
    return rec.upsert_village(
        session=session,
        code=code,
        device_id=device_id,
        name_zh=name_zh.strip(),
        name_en=name_en.strip(),
        township=township,
        township_zh=township_zh.strip() or named_zh,
        county=county.strip(),
        latitude=latitude,
        longitude=longitude,
        provisional=provisional,
        actor=actor,
    )


def _known_township(
    session: Session, text: str, from_forms: Mapping[str, Collection[str]]
) -> tuple[str, str]:
    """(code, Chinese name) of the township *text* names, by code (any case) or by Chinese
    name; ("", "") for none given. Anything else is refused, naming a few known codes."""
    if not text:
        return "", ""
    known: dict[str, set[str]] = {code: set(names) for code, names in from_forms.items()}
    for code, name_zh in townships(session=session):
        known.setdefault(code, set()).update({name_zh} if name_zh else set())
    for code, names in sorted(known.items()):
        if text == code or text.lower() == code.lower():
            return code, min(names, default="")
    for code, names in sorted(known.items()):
        if text in names:
            return code, text
    codes = sorted(known)
    shown = ", ".join(codes[:_TOWNSHIPS_SHOWN]) + (", …" if len(codes) > _TOWNSHIPS_SHOWN else "")
    raise rec.BadVillageError(
        "township '{township}' is not a known township; give its code or Chinese name "
        "(known codes: {known})",
        township=text,
        known=shown or Phrase("none"),
    )


_TOWNSHIPS_SHOWN = 8


# -- records --------------------------------------------------------------------------------

RECORD_SORT_KEYS = ("form", "village", "status", "updated", "enumerator", "created")


def _record_where(query: Any, flt: RecordFilter) -> Any:
    query = query.where(col(Record.deleted).is_(False))
    if flt.form_id:
        query = query.where(col(Record.form_id) == flt.form_id)
    if flt.status:
        query = query.where(rec.status_is(flt.status))
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
    key = bytewise(keys[sort])
    record_id = bytewise(col(Record.id))
    tie = record_id.desc() if descending else record_id
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
            col(Record.conflicts),
            col(Record.review_flag),
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
            conflicts=int(r[10] or 0),
            review_flag=r[11],
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
    form_id = col(FormDef.form_id)
    query = select(form_id).group_by(form_id).order_by(bytewise(form_id))
    return list(session.exec(query).all())


# -- copying a record ---------------------------------------------------------------------


def copy_answers(form: Form, answers: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Answers for a new record that starts as a copy of another, and the names of those left
    behind because *form* has no place for them.

    Repeat rows lose their ``_row_id`` (a copy's rows are new rows, not the same rows); the
    metadata of the first filling (start, end, today, device, username), photos and
    acknowledgements (consent is given anew) are left out, and so are questions with a
    default, which a new record gets afresh (a survey date of ``today()`` is today). *form* is
    the one the copy is made with: answers it has no question for where they stand (a record
    of an older version may hold questions the newest one dropped) are left out too, and
    their names returned, so that the person can be told."""
    dropped: set[str] = set()

    def clean(row: dict[str, Any], scope: Repeat | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in row.items():
            if key == ROW_ID:
                continue
            node = form.nodes.get(key)
            if isinstance(node, Repeat) and node.repeat is scope and isinstance(value, list):
                out[key] = [clean(v, node) for v in value if isinstance(v, dict)]
            elif isinstance(node, Field) and node.has_answer and node.repeat is scope:
                if node.kind not in _NOT_COPIED and not node.default.strip():
                    out[key] = copy.deepcopy(value)
            elif not is_empty(value):
                dropped.add(key)
        return out

    return clean(answers, None), dropped


def pending_records(*, session: Session, statuses: Sequence[str] | None = None) -> int:
    """How many records (not deleted) there are, optionally only those in *statuses*."""
    query = select(func.count()).select_from(Record).where(col(Record.deleted).is_(False))
    if statuses:
        query = query.where(col(Record.status).in_(list(statuses)))
    return int(session.exec(query).one())
