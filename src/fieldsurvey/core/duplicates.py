"""Possible duplicates, found when data arrives and settled by a person.

Two kinds: a village added in the field (provisional) whose name and place are close to
another village's, and two different records of a once-per-village form (the village profile)
for one village. Finding one never changes data; it lists the pair for review, where a
coordinator *links* them (a provisional village is marked as the same as the other, its
``same_as``, which ``villages list`` shows; records keep their answers) or *keeps them apart*
(the pair is not offered again).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert
from sqlmodel import Session, col, select

from fieldsurvey.core.errors import UsageError
from fieldsurvey.core.store.canonical import utc_now
from fieldsurvey.core.store.models import Duplicate, Record, Village
from fieldsurvey.core.store.records import audit

VILLAGE, RECORD = "village", "record"
OPEN, LINKED, APART = "open", "linked", "apart"
ONCE_PER_VILLAGE = ("village_profile",)  # forms a village has one record of
NEAR_KM = 2.0  # two villages this close with the same name are likely one
_SUFFIXES = ("村民委员会", "村委会", "行政村", "自然村", "村", "cun", "village")


@dataclass(frozen=True)
class Pair:
    kind: str
    first: str
    second: str
    reason: str
    status: str
    found_at: str


def normal_name(name: str) -> str:
    """A village name as compared: no spaces, hyphens or case, and no trailing 村 / cun."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"[\s\-_'·.]+", "", text)
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def distance_km(a: Village, b: Village) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def _same_name(a: Village, b: Village) -> bool:
    pairs = ((a.name_zh, b.name_zh), (a.name_en, b.name_en))
    return any(x.strip() and y.strip() and normal_name(x) == normal_name(y) for x, y in pairs)


def find_village_duplicates(session: Session, codes: Iterable[str]) -> list[Pair]:
    """Villages among *codes* that are provisional and close to another village: the same
    name (Chinese or pinyin) and, where both have coordinates, within ``NEAR_KM``."""
    wanted = set(codes)
    if not wanted:
        return []
    everyone = list(session.exec(select(Village)).all())
    known = _known_pairs(session, VILLAGE, sorted(wanted))
    found = []
    for village in (v for v in everyone if v.code in wanted and v.provisional):
        for other in everyone:
            if other.code == village.code or not _same_name(village, other):
                continue
            km = distance_km(village, other)
            if km is not None and km > NEAR_KM:
                continue
            where = "no coordinates to compare" if km is None else f"{km:.1f} km apart"
            first, second = _ordered(other, village)
            if (first, second) not in known:
                known.add((first, second))
                found.append(Pair(VILLAGE, first, second, f"same name, {where}", OPEN, utc_now()))
    _insert_pairs(session, found)
    return found


def _ordered(a: Village, b: Village) -> tuple[str, str]:
    """A registry village first, then the older one."""
    key = lambda v: (v.provisional, v.created_at, v.code)  # noqa: E731
    first, second = sorted((a, b), key=key)
    return first.code, second.code


def find_record_duplicates(session: Session, record_ids: Iterable[str]) -> list[Pair]:
    """Records among *record_ids* of a once-per-village form whose village has another one:
    each is paired with the oldest other record of its form and village (one pair per
    record, however many copies a village has), in a few queries over ids only."""
    ids = list(record_ids)
    touched: list[tuple[str, str, str, str]] = []
    for start in range(0, len(ids), 500):
        touched += session.exec(
            select(Record.id, Record.form_id, Record.village_code, Record.created_at).where(
                col(Record.id).in_(ids[start : start + 500]),
                col(Record.form_id).in_(ONCE_PER_VILLAGE),
                col(Record.deleted).is_(False),
                col(Record.village_code).is_not(None),
            )
        ).all()
    if not touched:
        return []
    codes = sorted({t[2] for t in touched})
    siblings: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for start in range(0, len(codes), 500):
        for rid, form_id, code, created in session.exec(
            select(Record.id, Record.form_id, Record.village_code, Record.created_at).where(
                col(Record.form_id).in_(ONCE_PER_VILLAGE),
                col(Record.village_code).in_(codes[start : start + 500]),
                col(Record.deleted).is_(False),
            )
        ).all():
            siblings.setdefault((form_id, code), []).append((created, rid))
    known = _known_pairs(session, RECORD, [t[0] for t in touched])
    found = []
    for rid, form_id, code, created in touched:
        others = sorted(s for s in siblings.get((form_id, code), []) if s[1] != rid)
        if not others:
            continue
        first, second = sorted([others[0], (created, rid)])
        if (first[1], second[1]) in known:
            continue
        known.add((first[1], second[1]))
        found.append(
            Pair(RECORD, first[1], second[1], f"two {form_id} records for village {code}",
                 OPEN, utc_now())
        )  # fmt: skip
    _insert_pairs(session, found)
    return found


def _known_pairs(session: Session, kind: str, ids: list[str]) -> set[tuple[str, str]]:
    """The pairs already listed that involve one of *ids*."""
    found: set[tuple[str, str]] = set()
    for start in range(0, len(ids), 250):
        chunk = ids[start : start + 250]
        rows = session.exec(
            select(Duplicate.first, Duplicate.second).where(
                Duplicate.kind == kind,
                col(Duplicate.first).in_(chunk) | col(Duplicate.second).in_(chunk),
            )
        )
        found |= {(a, b) for a, b in rows.all()}
    return found


def _insert_pairs(session: Session, pairs: list[Pair]) -> None:
    if pairs:
        table = Duplicate.__table__  # type: ignore[attr-defined]
        session.connection().execute(insert(table), [p.__dict__ for p in pairs])


def _pair(row: Duplicate) -> Pair:
    return Pair(row.kind, row.first, row.second, row.reason, row.status, row.found_at)


def list_duplicates(session: Session, *, status: str | None = OPEN) -> list[Pair]:
    query = select(Duplicate)
    if status is not None:
        query = query.where(Duplicate.status == status)
    query = query.order_by(col(Duplicate.kind), col(Duplicate.found_at), col(Duplicate.first))
    return [_pair(r) for r in session.exec(query).all()]


def decide(
    session: Session, first: str, second: str, *, link: bool, actor: str, device_id: str
) -> Pair:
    """Link a pair or keep it apart. Linking a provisional village to the other files it
    under that village (``same_as``); linking two records marks them as one village's
    duplicates to reconcile, and changes neither."""
    rows = session.exec(
        select(Duplicate).where(
            ((Duplicate.first == first) & (Duplicate.second == second))
            | ((Duplicate.first == second) & (Duplicate.second == first))
        )
    ).all()
    if not rows:
        raise UsageError(
            "'{first}' and '{second}' are not listed as possible duplicates",
            first=first,
            second=second,
        )
    row = rows[0]
    row.status = LINKED if link else APART
    row.decided_at = utc_now()
    row.decided_by = actor
    session.add(row)
    if link and row.kind == VILLAGE:
        for code, other in ((row.second, row.first), (row.first, row.second)):
            village = session.get(Village, code)
            if village is not None and village.provisional:
                village.same_as = other
                session.add(village)
                break
    audit(
        session=session,
        action="duplicate.link" if link else "duplicate.apart",
        actor=actor,
        device_id=device_id,
        kind=row.kind,
        first=row.first,
        second=row.second,
    )
    session.flush()
    return _pair(row)
