"""Records, their revisions, villages and form definitions: plain functions over a session.

Each function works inside the caller's ``Store.session()`` and flushes, so a mistake shows up
at the call and the caller's transaction decides what is kept. Nothing here commits.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import uuid
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel, col, select

from fieldsurvey.core.errors import FieldSurveyError, InvalidDataError, RefusedError, UsageError
from fieldsurvey.core.store.canonical import canonical_json, utc_now
from fieldsurvey.core.store.hlc import parse_hlc
from fieldsurvey.core.store.models import (
    DRAFT,
    EDIT,
    RECORD_STATUSES,
    REVISION_KINDS,
    AuditEntry,
    FormDef,
    FormFile,
    Record,
    Revision,
    Village,
)

MIN_PREFIX = 8
CONFLICT = "conflict"  # not a status: records whose heads conflict, as lists filter them
FLAGGED = "flagged"  # not a status either: reviewed records changed since, to review again
_HEX_PREFIX = re.compile(r"[0-9a-f-]+")
# A village code as registries write them (SY-SAN-001, 331125001, NEW-1A2B3C4D): it names
# files in exports, cells in spreadsheets and choices in forms, so nothing else gets in.
VILLAGE_CODE = re.compile(r"[A-Z0-9_-]{1,40}")


class RecordStateError(FieldSurveyError):
    """The record's state does not allow this (e.g. deleting a completed record)."""


class AmbiguousIdError(UsageError, LookupError):
    """A shortened id that matches more than one record, or is too short to look up."""


class BadVillageError(InvalidDataError, ValueError):
    """A village that cannot be kept as given: a code already used, no name, an empty code,
    a coordinate off the globe. Nothing was saved."""


# -- helpers --------------------------------------------------------------------------------


def _insert(session: Session, model: type[SQLModel], values: dict[str, Any]) -> None:
    """Insert one row with one Core statement. Saves happen on every edit, and building ORM
    objects and flushing them cost several times the INSERT itself."""
    table = model.__table__  # type: ignore[attr-defined]
    row = {k: v for k, v in values.items() if v is not None}
    # the session's own connection and transaction, without the ORM's execute around it
    session.connection().execute(_insert_statement(table), row)


@functools.cache
def _insert_statement(table: Any) -> Any:
    return insert(table)


@functools.cache
def _head_update() -> Any:
    table = Record.__table__  # type: ignore[attr-defined]
    return (
        update(table)
        .where(table.c.id == bindparam("record_id"))
        .values(
            answers=bindparam("answers"),
            status=bindparam("status"),
            head_revision_id=bindparam("head_revision_id"),
            updated_at=bindparam("updated_at"),
        )
    )


def dump_answers(answers: dict[str, Any]) -> str:
    """The canonical JSON text of a set of answers."""
    if not isinstance(answers, dict) or not all(isinstance(k, str) for k in answers):
        raise TypeError("answers must be a mapping of field name to value")
    return canonical_json(answers)


def revision_hash(revision: Revision) -> str:
    """sha256 of the canonical JSON of everything a revision says, parents included."""
    fields = {k: getattr(revision, k) for k in _HASHED}
    fields["comment"] = revision.comment
    return hash_fields(fields, canonical_json(json.loads(revision.answers)))


_HASHED = (
    "author",
    "created_at",
    "device_id",
    "hlc",
    "id",
    "kind",
    "parents",
    "record_id",
    "status",
)


def hash_fields(fields: dict[str, Any], canonical_answers: str) -> str:
    """The hash, given the answers already as canonical JSON. "answers" sorts first among the
    keys, so the document is spliced together rather than decoded and re-encoded on each save."""
    rest = {k: fields[k] for k in _HASHED}
    if isinstance(rest["parents"], str):  # as stored: canonical JSON text
        rest["parents"] = json.loads(rest["parents"])
    if fields.get("comment"):  # only review decisions carry one; older hashes stay valid
        rest["comment"] = fields["comment"]
    document = '{"answers":' + canonical_answers + "," + canonical_json(rest)[1:]
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def _new_id(given: str | None = None) -> str:
    if given is None:
        return str(uuid.uuid4())
    if str(uuid.UUID(given)) != given:
        raise ValueError(f"not a canonical lower-case UUID: {given!r}")
    return given


def _check_status(status: str) -> None:
    if status not in RECORD_STATUSES:
        raise ValueError(f"unknown record status {status!r}; expected one of {RECORD_STATUSES}")


def audit(
    *,
    session: Session,
    action: str,
    actor: str = "",
    device_id: str = "",
    record_id: str | None = None,
    **detail: Any,
) -> None:
    entry = {
        "at": utc_now(),
        "actor": actor,
        "device_id": device_id,
        "action": action,
        "record_id": record_id,
        "detail": canonical_json(detail),
    }
    _insert(session, AuditEntry, entry)


# -- records and revisions ------------------------------------------------------------------


def create_record(
    *,
    session: Session,
    form_id: str,
    form_version: str,
    answers: dict[str, Any],
    status: str,
    village_code: str | None,
    author: str,
    device_id: str,
    hlc: str,
    record_id: str | None = None,
) -> Record:
    """A new record with its first revision (no parents) and an audit entry."""
    _check_status(status)
    parse_hlc(hlc)
    now = utc_now()
    record_id = _new_id(record_id)
    text = dump_answers(answers)
    revision = _revision_values(
        record_id=record_id,
        parents=[],
        answers_text=text,
        status=status,
        author=author,
        device_id=device_id,
        hlc=hlc,
        created_at=now,
        kind=EDIT,
    )
    values = {
        "id": record_id,
        "form_id": form_id,
        "form_version": form_version,
        "village_code": village_code,
        "status": status,
        "answers": text,
        "head_revision_id": revision["id"],
        "enumerator": author,
        "device_id": device_id,
        "created_at": now,
        "updated_at": now,
        "deleted": False,
    }
    session.flush()  # pending ORM work first (e.g. a village the record refers to)
    _insert(session, Record, values)  # the record first: the revision refers to it
    _insert(session, Revision, revision)
    audit(
        session=session,
        action="record.create",
        actor=author,
        device_id=device_id,
        record_id=record_id,
        revision_id=revision["id"],
        status=status,
        form_id=form_id,
        form_version=form_version,
    )
    return Record(**values)


def add_revision(
    *,
    session: Session,
    record: Record,
    answers: dict[str, Any] | None,
    status: str,
    author: str,
    device_id: str,
    hlc: str,
    kind: str = EDIT,
    parents: list[str] | None = None,
    comment: str | None = None,
) -> Revision:
    """Append a revision (child of the head, or of *parents*) and make it the record's head.

    ``answers=None`` keeps the current answers, as a review decision does; *comment* is the
    reviewer's note, part of the revision's content and hash.
    """
    _check_status(status)
    if kind not in REVISION_KINDS:
        raise ValueError(f"unknown revision kind {kind!r}; expected one of {REVISION_KINDS}")
    parse_hlc(hlc)
    if record.deleted:
        raise RecordStateError(
            "record {record_id} was deleted and cannot be changed", record_id=record.id
        )
    if parents is None:
        parents = [record.head_revision_id]  # the head exists: no need to look it up
    else:
        parents = list(parents)
        _check_parents(session, record.id, parents)
    text = record.answers if answers is None else dump_answers(answers)
    now = utc_now()
    values = _revision_values(
        record_id=record.id,
        parents=parents,
        answers_text=text,
        status=status,
        author=author,
        device_id=device_id,
        hlc=hlc,
        created_at=now,
        kind=kind,
        comment=comment or None,
    )
    _insert(session, Revision, values)
    revision = Revision(**values)
    session.flush()  # pending ORM changes to the record must not overwrite this update
    changes = {
        "answers": text,
        "status": status,
        "head_revision_id": revision.id,
        "updated_at": now,
    }
    session.execute(_head_update(), {"record_id": record.id, **changes})
    for key, value in changes.items():
        set_committed_value(record, key, value)
    audit(
        session=session,
        action="record.revise",
        actor=author,
        device_id=device_id,
        record_id=record.id,
        revision_id=revision.id,
        status=status,
        kind=kind,
    )
    return revision


def _check_parents(session: Session, record_id: str, parents: list[str]) -> None:
    if not parents:
        raise ValueError("a later revision needs at least one parent")
    if len(set(parents)) != len(parents):
        raise ValueError(f"repeated parent revision in {parents}")
    found = session.exec(
        select(Revision.id).where(Revision.record_id == record_id, col(Revision.id).in_(parents))
    ).all()
    missing = sorted(set(parents) - set(found))
    if missing:
        raise ValueError(f"record {record_id} has no revision {', '.join(missing)}")


def _revision_values(*, answers_text: str, parents: list[str], **fields: Any) -> dict[str, Any]:
    values = {"id": str(uuid.uuid4()), "parents": canonical_json(parents), "answers": answers_text}
    values.update(fields)
    values["hash"] = hash_fields(values, answers_text)  # answers_text is canonical
    return values


def get_record(*, session: Session, record_id: str) -> Record | None:
    """The record with this id, or with this unique prefix of at least 8 characters.

    Deleted drafts are returned too (check ``.deleted``): nothing saved is ever hidden for good.
    """
    key = record_id.strip().lower()
    record = session.get(Record, key)
    if record is not None or len(key) == 36:
        return record
    if len(key) < MIN_PREFIX:
        raise AmbiguousIdError(
            "record id {record_id!r} is too short; give at least {count} characters",
            record_id=record_id,
            count=MIN_PREFIX,
        )
    if not _HEX_PREFIX.fullmatch(key):
        return None
    matches = session.exec(
        select(Record).where(col(Record.id).startswith(key, autoescape=True)).limit(2)
    ).all()
    if len(matches) > 1:
        raise AmbiguousIdError(
            "record id {record_id!r} matches more than one record; give more characters",
            record_id=record_id,
        )
    return matches[0] if matches else None


def list_records(
    *,
    session: Session,
    form_id: str | None = None,
    status: str | None = None,
    village_code: str | None = None,
    include_deleted: bool = False,
) -> list[Record]:
    """Records, most recently changed first; *status* ``conflict`` lists those with open
    conflicts from merging and ``flagged`` those to review again, whatever their status."""
    query = select(Record)
    if form_id is not None:
        query = query.where(Record.form_id == form_id)
    if status is not None:
        query = query.where(status_is(status))
    if village_code is not None:
        query = query.where(Record.village_code == village_code)
    if not include_deleted:
        query = query.where(col(Record.deleted).is_(False))
    query = query.order_by(col(Record.updated_at).desc(), col(Record.id))
    return list(session.exec(query).all())


def status_is(status: str) -> Any:
    """The filter of a list by *status*: a record status, or ``conflict`` (open conflicts from
    merging) or ``flagged`` (reviewed, changed since), whatever the status."""
    if status == CONFLICT:
        return col(Record.conflicts) > 0
    if status == FLAGGED:
        return col(Record.review_flag).is_not(None)
    return col(Record.status) == status


def history(*, session: Session, record_id: str) -> list[Revision]:
    """All revisions of a record, in clock order."""
    query = (
        select(Revision)
        .where(Revision.record_id == record_id)
        .order_by(col(Revision.hlc), col(Revision.id))
    )
    return list(session.exec(query).all())


def delete_draft(*, session: Session, record_id: str, actor: str, device_id: str) -> Record:
    """Mark a draft deleted. Its revisions stay; completed records cannot be deleted."""
    record = get_record(session=session, record_id=record_id)
    if record is None:
        raise LookupError(f"no record {record_id}")
    if record.status != DRAFT:
        raise RecordStateError(  # a status is draft or complete
            "record {record_id} is complete; only drafts can be deleted", record_id=record.id
        )
    if not record.deleted:
        record.deleted = True
        record.updated_at = utc_now()
        session.add(record)
        audit(
            session=session,
            action="record.delete",
            actor=actor,
            device_id=device_id,
            record_id=record.id,
            revision_id=record.head_revision_id,
        )
        session.flush()
    return record


# -- villages -------------------------------------------------------------------------------


def is_village_code(text: str) -> bool:
    """Whether *text* (as entered: any case, spaces around) is a well-formed village code."""
    text = text.strip()  # ASCII first: "straße".upper() is STRASSE, and "ı".upper() is I
    return text.isascii() and VILLAGE_CODE.fullmatch(text.upper()) is not None


def village_code(text: str) -> str:
    """*text* as a village code: stripped and upper-cased (``sy-san-001`` is SY-SAN-001);
    anything but 1 to 40 letters A-Z, digits, '-' and '_' is refused."""
    code = text.strip().upper()
    if not code:
        raise BadVillageError("a village code cannot be empty")
    if not is_village_code(text):
        raise BadVillageError(
            "'{code}' is not a village code: use 1 to 40 letters A-Z, digits, '-' and '_'",
            code=text.strip(),
        )
    return code


def upsert_village(
    *,
    session: Session,
    code: str | None,
    device_id: str,
    name_zh: str | None = None,
    name_en: str | None = None,
    township: str | None = None,
    township_zh: str | None = None,
    county: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    provisional: bool | None = None,
    actor: str = "",
) -> Village:
    """Add a village or change the fields given (None leaves a field as it is).

    ``code=None`` adds a provisional village under a new UUID, for one met in the field
    that the registry lacks. A code is upper-cased and checked (``village_code``).
    """
    if not _on_globe(latitude, 90):
        raise BadVillageError("latitude {value} is outside -90..90", value=latitude)
    if not _on_globe(longitude, 180):
        raise BadVillageError("longitude {value} is outside -180..180", value=longitude)
    given: dict[str, Any] = {
        "name_zh": name_zh,
        "name_en": name_en,
        "township": township,
        "township_zh": township_zh,
        "county": county,
        "latitude": latitude,
        "longitude": longitude,
        "provisional": provisional,
    }
    changes = {k: v for k, v in given.items() if v is not None}
    if code is None:
        code = str(uuid.uuid4())
        changes.setdefault("provisional", True)
    code = village_code(code)
    village = get_village(session=session, code=code)
    if village is not None:
        code = village.code  # the spelling stored before codes were upper-cased
    if village is None:
        village = Village(code=code, created_at=utc_now(), device_id=device_id, **changes)
        action = "village.add"
    else:
        changes = {k: v for k, v in changes.items() if getattr(village, k) != v}
        for key, value in changes.items():
            setattr(village, key, value)
        action = "village.update"
    if action == "village.add" or changes:
        session.add(village)
        audit(
            session=session,
            action=action,
            actor=actor,
            device_id=device_id,
            code=code,
            changes=changes,
        )
        session.flush()
    return village


def _on_globe(value: float | None, bound: float) -> bool:
    return value is None or (math.isfinite(value) and -bound <= value <= bound)


def get_village(*, session: Session, code: str) -> Village | None:
    """The village with *code*, whatever its case: codes are upper-cased on entry now, but a
    database from before that may hold ``sy-x-001``, which ``SY-X-001`` must find, not copy."""
    code = code.strip()
    found = session.get(Village, code)
    if found is None and code:
        legacy = _legacy_codes(session).get(code.upper())
        found = session.get(Village, legacy) if legacy else None
    return found


def _legacy_codes(session: Session) -> dict[str, str]:
    """Codes stored before codes were upper-cased, by their upper-case spelling: read once per
    session (an import looks up every row), and usually empty. Codes added since are upper
    case, so the map stays true for the session."""
    found = session.info.get("legacy_village_codes")
    if found is None:
        query = select(Village.code).where(col(Village.code) != func.upper(col(Village.code)))
        found = {c.upper(): c for c in session.exec(query).all()}
        session.info["legacy_village_codes"] = found
    return found


def list_villages(
    *, session: Session, township: str | None = None, provisional: bool | None = None
) -> list[Village]:
    """Villages by code; registry codes are hierarchical, so townships stay together."""
    query = select(Village)
    if township is not None:
        query = query.where(Village.township == township)
    if provisional is not None:
        query = query.where(col(Village.provisional).is_(provisional))
    return list(session.exec(query.order_by(col(Village.code))).all())


# -- form definitions -----------------------------------------------------------------------


def add_form_def(
    *,
    session: Session,
    form_id: str,
    version: str,
    title: str,
    definition: bytes,
    files: dict[str, bytes] | None = None,
    actor: str = "",
    device_id: str = "",
) -> FormDef:
    """Keep a form version's workbook and the choice files it names (*files*, by the name the
    form uses). Adding the same content again is a no-op; a different workbook or file under a
    version already kept is refused, since records filled with it point at it."""
    digest = hashlib.sha256(definition).hexdigest()
    files = files or {}
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    existing = session.get(FormDef, (form_id, version))
    if existing is not None:
        if existing.sha256 != digest:
            raise RefusedError(
                "form {form_id} version {version} is already installed with a different "
                "workbook; give the changed form a new version",
                form_id=form_id,
                version=version,
            )
        kept = {
            f.file_name: f.sha256 for f in list_form_files(session=session, key=(form_id, version))
        }
        for name, sha in digests.items():
            if kept.get(name, sha) != sha:
                raise RefusedError(
                    "form {form_id} version {version} is already installed with a different "
                    "choice file '{file}'; give the changed form a new version",
                    form_id=form_id,
                    version=version,
                    file=name,
                )
        # A version kept before files were stored (schema 0002) gains them here: the same
        # workbook, now with the files it opens with.
        gained = {n: d for n, d in digests.items() if n not in kept}
        if gained:
            _add_form_files(session, form_id, version, files, digests, skip=set(kept))
            audit(
                session=session,
                action="form.files",
                actor=actor,
                device_id=device_id,
                form_id=form_id,
                version=version,
                files=gained,
            )
            session.flush()
        return existing
    form = FormDef(
        form_id=form_id,
        version=version,
        title=title,
        definition=definition,
        sha256=digest,
        added_at=utc_now(),
    )
    session.add(form)
    session.flush()  # the form row before the rows that refer to it
    _add_form_files(session, form_id, version, files, digests, skip=set())
    details: dict[str, Any] = {"form_id": form_id, "version": version, "sha256": digest}
    if digests:
        details["files"] = digests
    audit(session=session, action="form.add", actor=actor, device_id=device_id, **details)
    session.flush()
    return form


def _add_form_files(
    session: Session,
    form_id: str,
    version: str,
    files: dict[str, bytes],
    digests: dict[str, str],
    *,
    skip: set[str],
) -> None:
    for name in sorted(set(files) - skip):
        session.add(
            FormFile(
                form_id=form_id,
                version=version,
                file_name=name,
                data=files[name],
                sha256=digests[name],
            )
        )


def list_form_files(*, session: Session, key: tuple[str, str] | None = None) -> list[FormFile]:
    """The files kept with one form version (``(form_id, version)``), or with every version,
    sorted by form, version and file name."""
    query = select(FormFile)
    if key is not None:
        query = query.where(FormFile.form_id == key[0], FormFile.version == key[1])
    query = query.order_by(col(FormFile.form_id), col(FormFile.version), col(FormFile.file_name))
    return list(session.exec(query).all())


def get_form_def(*, session: Session, form_id: str, version: str | None = None) -> FormDef | None:
    """One version of a form, or its latest (last added, then highest version) when None."""
    if version is not None:
        return session.get(FormDef, (form_id, version))
    query = (
        select(FormDef)
        .where(FormDef.form_id == form_id)
        .order_by(col(FormDef.added_at).desc(), col(FormDef.version).desc())
        .limit(1)
    )
    return session.exec(query).first()


def list_form_defs(*, session: Session, form_id: str | None = None) -> list[FormDef]:
    query = select(FormDef)
    if form_id is not None:
        query = query.where(FormDef.form_id == form_id)
    query = query.order_by(col(FormDef.form_id), col(FormDef.added_at), col(FormDef.version))
    return list(session.exec(query).all())
