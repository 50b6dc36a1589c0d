"""What this device has exported before, and which records a new export should hold.

A record is pending when its head revision has never been in an export: heads only move
forward (a save appends a revision and makes it the head), so "the head changed since it was
last exported" and "this head was never exported" are the same question, and the second one
is a single NOT EXISTS that every SQL dialect runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import and_, exists, func
from sqlmodel import Session, col, select

from fieldsurvey.core.store.models import (
    COMPLETE,
    FINAL_STATUSES,
    Export,
    ExportedRecord,
    Record,
    Revision,
)


def _never_exported() -> object:
    return ~exists().where(
        and_(
            ExportedRecord.record_id == Record.id,
            ExportedRecord.head_revision_id == Record.head_revision_id,
        )
    )


def _status_is(status: str) -> object:
    """``complete`` means finalised: a reviewed record (approved or rejected) is complete
    too, and goes out in a coordinator's consolidated package with its decision."""
    if status == COMPLETE:
        return col(Record.status).in_(FINAL_STATUSES)
    return Record.status == status


def select_records(
    session: Session,
    *,
    since_last: bool = False,
    since: dt.date | None = None,
    form_id: str | None = None,
    status: str = COMPLETE,
) -> list[Record]:
    """The records an export holds, sorted by id; deleted drafts never travel."""
    query = select(Record).where(col(Record.deleted).is_(False))
    if status != "all":
        query = query.where(_status_is(status))
    if form_id is not None:
        query = query.where(Record.form_id == form_id)
    if since is not None:
        query = query.where(Record.updated_at >= f"{since.isoformat()}T00:00:00.000Z")
    if since_last:
        query = query.where(_never_exported())
    return list(session.exec(query.order_by(col(Record.id))).all())


def pending_count(session: Session, *, status: str = COMPLETE) -> int:
    query = (
        select(func.count())
        .select_from(Record)
        .where(col(Record.deleted).is_(False), _never_exported())
    )
    if status != "all":
        query = query.where(_status_is(status))
    return int(session.exec(query).one())


def revisions_of(session: Session, record_ids: list[str]) -> dict[str, list[Revision]]:
    """Each record's revisions in clock order, fetched in chunks (SQL parameter limits)."""
    out: dict[str, list[Revision]] = {rid: [] for rid in record_ids}
    for start in range(0, len(record_ids), 500):
        chunk = record_ids[start : start + 500]
        query = (
            select(Revision)
            .where(col(Revision.record_id).in_(chunk))
            .order_by(col(Revision.record_id), col(Revision.hlc), col(Revision.id))
        )
        for rev in session.exec(query):
            out[rev.record_id].append(rev)
    return out


def remember_export(session: Session, export: Export, heads: Iterable[tuple[str, str]]) -> None:
    """The export and the head each record had in it, in the caller's transaction."""
    session.add(export)
    session.flush()
    session.add_all(
        ExportedRecord(export_id=export.id, record_id=rid, head_revision_id=head)
        for rid, head in heads
    )
    session.flush()


def last_export(session: Session) -> Export | None:
    query = select(Export).order_by(col(Export.created_at).desc(), col(Export.id)).limit(1)
    return session.exec(query).first()
