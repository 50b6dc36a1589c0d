"""Taking a verified package's records into the store, in the caller's transaction.

Records are read from ``records.jsonl`` in batches and written as they are read. A record new
to this database arrives whole, with its history; a known one gains the revisions it lacks and
is then settled against its revision graph (``store.settle``): a fast-forward, a merge made
without a person, or conflicts kept for one. A revision id already held must carry the same
content, or the package is refused: the same id can never mean two things.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from fieldsurvey.core.errors import RefusedError
from fieldsurvey.core.exchange.schema import RecordCheck, content_hash
from fieldsurvey.core.store.canonical import canonical_json
from fieldsurvey.core.store.merge import Graph, Node, review_flag_of
from fieldsurvey.core.store.models import REVIEW, Record, Revision
from fieldsurvey.core.store.settle import (
    CONFLICT,
    FAST_FORWARD,
    MERGED,
    FormRules,
    settle_record,
)

BATCH = 500
_CHUNK = 500  # ids per IN (...): well inside every dialect's parameter limit
_RECORDS = Record.__table__  # type: ignore[attr-defined]
_REVISIONS = Revision.__table__  # type: ignore[attr-defined]


class PackageRefused(RefusedError):
    """The package cannot be imported as it is; nothing of it was kept."""


@dataclass
class Tally:
    """What the records of one package did to this database, by record id."""

    added: list[str] = field(default_factory=list)
    fast_forwarded: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    conflicts: dict[str, int] = field(default_factory=dict)  # record -> open conflicts
    flagged: list[str] = field(default_factory=list)  # reviewed, then changed in the field
    already_had: int = 0
    revisions: int = 0  # revisions added (merges made here included)
    newest_clock: str = ""
    touched: set[str] = field(default_factory=set)  # added or changed
    records: set[str] = field(default_factory=set)  # every record the package holds

    @property
    def changed(self) -> bool:
        return bool(self.revisions)


RulesFor = Callable[[str, str], FormRules]


def absorb_records(
    session: Any,
    path: Path,
    *,
    rules_for: RulesFor,
    forms: set[tuple[str, str]],
    villages: Callable[[str], bool],
    tick: Callable[[int], None] | None = None,
    check: RecordCheck | None = None,
) -> Tally:
    """Import every record of *path*, checking each as ``verify`` does (*check*, made here
    unless given, keeps the counts); the first problem refuses the package. *forms* are the
    form versions this database holds (the package's included); *villages* says whether a
    village code is known."""
    tally = Tally()
    check = check or RecordCheck(hashes=False)
    for batch in _batches(path, check):
        _Batch(session, batch, tally, rules_for, forms, villages).run()
        if tick is not None:
            tick(len(batch))
    return tally


def _batches(path: Path, check: RecordCheck) -> Iterator[list[dict[str, Any]]]:
    """The records in batches; the first problem *check* finds refuses the package before
    the batch it was found in is written."""
    batch: list[dict[str, Any]] = []
    for record in check.records(path):
        batch.append(record)
        if len(batch) >= BATCH:
            _refuse_problems(check)
            yield batch
            batch = []
    _refuse_problems(check)
    if batch:
        yield batch


def _refuse_problems(check: RecordCheck) -> None:
    if check.report.problems:
        raise PackageRefused(
            "{reason}; the package was not imported", reason=check.report.problems[0]
        )


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class _Batch:
    def __init__(
        self,
        session: Any,
        records: list[dict[str, Any]],
        tally: Tally,
        rules_for: RulesFor,
        forms: set[tuple[str, str]],
        villages: Callable[[str], bool],
    ) -> None:
        self.s = session
        self.records = records
        self.tally = tally
        self.rules_for = rules_for
        self.forms = forms
        self.villages = villages
        self.conn = session.connection()

    def run(self) -> None:
        existing = self._existing_records()
        held = self._held_revisions()
        new_records: list[dict[str, Any]] = []
        new_revisions: list[dict[str, Any]] = []
        settle: list[str] = []
        for record in self.records:
            rid = record["id"]
            self.tally.records.add(rid)
            fresh = self._fresh(record, held)
            rows = _revision_rows(rid, fresh)  # hashes checked here
            if rid not in existing:
                self._check_new(record)
                head = next(r for r in rows if r["id"] == record["head_revision"])
                row = _record_row(record, head)
                new_records.append(row)
                self.tally.added.append(rid)
                if not _one_head(record):
                    settle.append(rid)  # a coordinator's record with its conflicts open
                elif any(rev["kind"] == REVIEW for rev in record["revisions"]):
                    row["review_flag"] = review_flag_of(_graph_of(record))
            elif existing[rid] != record["form_id"]:
                raise PackageRefused(
                    "record {record_id} is a '{form_id}' record in the package but a "
                    "'{held}' record in this database; the package was not imported",
                    record_id=rid,
                    form_id=record["form_id"],
                    held=existing[rid],
                )
            elif not fresh:
                self.tally.already_had += 1
                continue
            else:
                settle.append(rid)
            new_revisions += rows
            self.tally.touched.add(rid)
        if new_records:
            bulk_insert(self.conn, _RECORDS, new_records)
        if new_revisions:
            bulk_insert(self.conn, _REVISIONS, new_revisions)
            self.tally.revisions += len(new_revisions)
            newest = max(r["hlc"] for r in new_revisions)
            self.tally.newest_clock = max(self.tally.newest_clock, newest)
        for rid in settle:
            self._settle(rid)

    def _existing_records(self) -> dict[str, str]:
        ids = [r["id"] for r in self.records]
        found: dict[str, str] = {}
        for chunk in _chunks(ids):
            query = select(_RECORDS.c.id, _RECORDS.c.form_id).where(_RECORDS.c.id.in_(chunk))
            found.update(self.conn.execute(query).all())
        return found

    def _held_revisions(self) -> dict[str, tuple[str, str]]:
        """The revisions of this batch (and the earlier ones records say the receiver has)
        that this database holds: id -> (record id, hash)."""
        ids = [rev["id"] for r in self.records for rev in r["revisions"]]
        ids += [p for r in self.records for p in r.get("prior_revisions", [])]
        held: dict[str, tuple[str, str]] = {}
        cols = (_REVISIONS.c.id, _REVISIONS.c.record_id, _REVISIONS.c.hash)
        for chunk in _chunks(ids):
            for rid, record_id, digest in self.conn.execute(
                select(*cols).where(_REVISIONS.c.id.in_(chunk))
            ):
                held[rid] = (record_id, digest)
        return held

    def _fresh(self, record: dict[str, Any], held: dict[str, tuple[str, str]]) -> list[dict]:
        """The record's revisions this database lacks; a held one must be the same."""
        rid = record["id"]
        for prior in record.get("prior_revisions", []):
            if held.get(prior, ("",))[0] != rid:
                raise PackageRefused(
                    "record {record_id} builds on revision {revision}, which this database "
                    "does not have; import the earlier package from that laptop first",
                    record_id=rid,
                    revision=prior,
                )
        fresh = []
        for rev in record["revisions"]:
            if rev["id"] not in held:
                fresh.append(rev)
            elif held[rev["id"]] != (rid, rev["hash"]):
                raise PackageRefused(
                    "revision {revision} of record {record_id} is not the same as the copy "
                    "in this database; the package may have been altered, and was not imported",
                    revision=rev["id"],
                    record_id=rid,
                )
        return fresh

    def _check_new(self, record: dict[str, Any]) -> None:
        key = (record["form_id"], record["form_version"])
        if key not in self.forms:
            raise PackageRefused(
                "record {record_id} needs form '{form_id}' version {version}, which neither "
                "the package nor this database has",
                record_id=record["id"],
                form_id=key[0],
                version=key[1],
            )
        code = record["village_code"]
        if code and not self.villages(code):
            raise PackageRefused(
                "record {record_id} is filed under village '{code}', which neither the "
                "package nor this database has",
                record_id=record["id"],
                code=code,
            )

    def _settle(self, rid: str) -> None:
        record = self.s.get(Record, rid)
        settled = settle_record(self.s, record, self.rules_for(record.form_id, record.form_version))
        tally = self.tally
        if settled.merge_revision:
            tally.revisions += 1
            tally.newest_clock = max(tally.newest_clock, record_hlc(self.s, record))
        if rid not in tally.added:
            if settled.outcome == FAST_FORWARD:
                tally.fast_forwarded.append(rid)
            elif settled.outcome == MERGED:
                tally.merged.append(rid)
        if settled.outcome == CONFLICT:
            tally.conflicts[rid] = len(settled.state.conflicts)
        if settled.newly_flagged:
            tally.flagged.append(rid)
        self.s.expunge(record)


def bulk_insert(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Many rows of one table in one statement. On SQLite the rows go straight to the
    driver's executemany (the statement's per-row processing is most of the time an import
    spends in SQLAlchemy); elsewhere SQLAlchemy's own executemany."""
    if conn.dialect.name != "sqlite" or not rows:
        conn.execute(insert(table), rows)
        return
    names = list(rows[0])
    sql = _sqlite_insert(table.name, tuple(names))
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(sql, [tuple(r[n] for n in names) for r in rows])
    finally:
        cursor.close()


@functools.cache
def _sqlite_insert(table: str, names: tuple[str, ...]) -> str:
    columns = ", ".join(f'"{n}"' for n in names)
    return f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join("?" * len(names))})'


def record_hlc(session: Any, record: Record) -> str:
    return session.get(Revision, record.head_revision_id).hlc


def _one_head(record: dict[str, Any]) -> bool:
    """Whether the package's record has the one head it names: it is taken as it is. (More
    than one is a record a coordinator exported with its conflicts open.)"""
    revisions = record["revisions"]
    parents = {p for rev in revisions for p in rev["parents"]}
    heads = [rev["id"] for rev in revisions if rev["id"] not in parents]
    return heads == [record["head_revision"]]


def _graph_of(record: dict[str, Any]) -> Graph:
    """The record's graph from the package alone, without its answers (enough for the review
    flag)."""
    return Graph(
        Node(
            id=rev["id"],
            parents=tuple(rev["parents"]),
            answers={},
            status=rev["status"],
            author=rev["author"],
            device_id=rev["device_id"],
            hlc=rev["hlc"],
            created_at=rev["created_at"],
            kind=rev["kind"],
        )
        for rev in record["revisions"]
    )


def _record_row(record: dict[str, Any], head: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "form_id": record["form_id"],
        "form_version": record["form_version"],
        "village_code": record["village_code"],
        "status": head["status"],
        "answers": head["answers"],
        "head_revision_id": head["id"],
        "enumerator": record["enumerator"],
        "device_id": record["device_id"],
        "created_at": record["created_at"],
        "updated_at": record["updated_at"],
        "deleted": bool(record["deleted"]),
        "conflicts": 0,
        "review_flag": None,
    }


def _revision_rows(record_id: str, revisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of a record's new revisions. A revision whose answers are those of the one
    before it (a review decision keeps them) shares its text, encoded once."""
    rows: list[dict[str, Any]] = []
    before: tuple[dict[str, Any], str] | None = None
    for rev in revisions:
        answers = rev["answers"]
        text = before[1] if before is not None and answers == before[0] else None
        row = _revision_row(record_id, rev, text)
        before = (answers, row["answers"])
        rows.append(row)
    return rows


def _revision_row(record_id: str, rev: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    """The row to insert, its hash recomputed from the very text that is written (*text*:
    the answers as canonical JSON, when the caller has them)."""
    text = canonical_json(rev["answers"]) if text is None else text
    if content_hash(record_id, rev, text) != rev["hash"]:
        raise PackageRefused(
            "revision {revision} of record {record_id} does not match its hash; the package "
            "was changed or damaged, and was not imported",
            revision=rev["id"],
            record_id=record_id,
        )
    return {
        "id": rev["id"],
        "record_id": record_id,
        "parents": canonical_json(rev["parents"]),
        "answers": text,
        "status": rev["status"],
        "author": rev["author"],
        "device_id": rev["device_id"],
        "hlc": rev["hlc"],
        "created_at": rev["created_at"],
        "hash": rev["hash"],
        "kind": rev["kind"],
        "comment": rev.get("comment") or None,
    }
