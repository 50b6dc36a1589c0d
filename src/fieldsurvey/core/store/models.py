"""The tables. Every id that can leave the machine is a UUID string made on the device.

JSON payloads (answers, parents, audit details) are stored as canonical JSON text, so the
same content is the same bytes on every device and in every dialect.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Column, ForeignKeyConstraint, Integer, LargeBinary, String, Text
from sqlmodel import Field, SQLModel

# Named constraints keep future Alembic batch migrations on SQLite predictable.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

DRAFT = "draft"
COMPLETE = "complete"
APPROVED = "approved"  # a coordinator's review decisions, made by revisions of kind "review"
REJECTED = "rejected"
RECORD_STATUSES = (DRAFT, COMPLETE, APPROVED, REJECTED)
FINAL_STATUSES = (COMPLETE, APPROVED, REJECTED)  # finalised: exported by default, locked
REVIEWED_STATUSES = (APPROVED, REJECTED)
STATUS_WIDTH = 32

EDIT = "edit"
REVIEW = "review"
MERGE = "merge"
REVISION_KINDS = (EDIT, REVIEW, MERGE)

# Keys of the settings table.
SETTING_DEVICE_ID = "device.id"
SETTING_DEVICE_NAME = "device.name"
SETTING_ENUMERATOR = "enumerator.name"
SETTING_LANGUAGE = "ui.language"
SETTING_HLC = "hlc.last"


def _text(nullable: bool = False) -> Any:
    return Field(sa_column=Column(Text, nullable=nullable))


class FormDef(SQLModel, table=True):
    """One version of a form's XLSForm workbook. Old versions stay: records point at them."""

    __tablename__ = "form_defs"

    form_id: str = Field(primary_key=True)
    version: str = Field(primary_key=True)
    title: str = ""
    definition: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str
    added_at: str


class FormFile(SQLModel, table=True):
    """A file a form version names, kept with it (as ODK Central keeps form attachments): a
    ``select_one_from_file`` CSV, so the form opens on any machine once the original is gone.
    Like the workbook, it never changes under a version."""

    __tablename__ = "form_files"
    __table_args__ = (
        ForeignKeyConstraint(
            ["form_id", "version"],
            ["form_defs.form_id", "form_defs.version"],
            name="fk_form_files_form_id_form_defs",
        ),
    )

    form_id: str = Field(primary_key=True)
    version: str = Field(primary_key=True)
    file_name: str = Field(primary_key=True)  # as the form names it, e.g. "crops.csv"
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str


class Village(SQLModel, table=True):
    __tablename__ = "villages"

    code: str = Field(primary_key=True)  # registry code, or a UUID when provisional
    name_zh: str = ""
    name_en: str = ""  # pinyin
    township: str = ""
    township_zh: str = ""
    county: str = ""
    latitude: float | None = None
    longitude: float | None = None
    provisional: bool = False  # added in the field without an official code
    created_at: str
    device_id: str
    # a provisional village a coordinator linked to the registry village it duplicates
    same_as: str | None = None


class Record(SQLModel, table=True):
    """A filled form. Its answers and status are a copy of its head revision's."""

    __tablename__ = "records"

    id: str = Field(primary_key=True)
    form_id: str = Field(index=True)
    form_version: str
    village_code: str | None = Field(default=None, foreign_key="villages.code", index=True)
    status: str = Field(sa_column=Column(String(STATUS_WIDTH), nullable=False, index=True))
    answers: str = _text()
    head_revision_id: str
    enumerator: str = ""
    device_id: str
    created_at: str
    updated_at: str
    deleted: bool = False
    # Derived from the revision graph whenever its heads change (import, resolve, review):
    # open conflicts between divergent heads, and why a reviewed record needs review again.
    conflicts: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0", index=True)
    )
    review_flag: str | None = None

    def answers_dict(self) -> dict[str, Any]:
        return json.loads(self.answers)


class Revision(SQLModel, table=True):
    """One save of a record. Append-only: rows are inserted, never updated or deleted."""

    __tablename__ = "revisions"

    id: str = Field(primary_key=True)
    record_id: str = Field(foreign_key="records.id", index=True)
    parents: str = _text()  # JSON list of revision ids
    answers: str = _text()
    status: str = Field(sa_column=Column(String(STATUS_WIDTH), nullable=False))
    author: str = ""
    device_id: str
    hlc: str
    created_at: str
    hash: str
    kind: str = Field(default=EDIT, sa_column=Column(String(16), nullable=False))
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # a review's

    def answers_dict(self) -> dict[str, Any]:
        return json.loads(self.answers)

    def parents_list(self) -> list[str]:
        return json.loads(self.parents)


class Device(SQLModel, table=True):
    __tablename__ = "devices"

    id: str = Field(primary_key=True)
    name: str = ""
    public_key: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    is_local: bool = False
    first_seen: str


class Setting(SQLModel, table=True):
    __tablename__ = "settings"

    key: str = Field(primary_key=True)
    value: str = _text()


class AuditEntry(SQLModel, table=True):
    """What happened on this machine, and who did it. Local only, so an integer id is fine."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: str
    actor: str = ""
    device_id: str = ""
    action: str
    record_id: str | None = None
    detail: str = Field(default="{}", sa_column=Column(Text, nullable=False))

    def detail_dict(self) -> dict[str, Any]:
        return json.loads(self.detail)


class Export(SQLModel, table=True):
    """One exchange package written by this device: what it held, so ``--since-last`` knows
    what is new. Added only after the package file was renamed into place."""

    __tablename__ = "exports"

    id: str = Field(primary_key=True)  # the package uuid (bag-info External-Identifier)
    created_at: str
    file_name: str = ""
    options: str = _text()  # canonical JSON of the export options
    records: int = 0
    revisions: int = 0
    files: int = 0
    bytes: int = 0
    sha256: str


class ExportedRecord(SQLModel, table=True):
    """A record in an export and the head revision it had then."""

    __tablename__ = "export_records"

    export_id: str = Field(foreign_key="exports.id", primary_key=True)
    record_id: str = Field(foreign_key="records.id", primary_key=True, index=True)
    head_revision_id: str


class PackageImport(SQLModel, table=True):
    """One package imported into this database, with the report of what it brought. A package
    that was refused leaves no row: the database is exactly as it was."""

    __tablename__ = "imports"

    id: str = Field(primary_key=True)  # this import's own uuid: a package may come twice
    package_id: str = Field(index=True)  # bag-info External-Identifier
    imported_at: str
    file_name: str = ""
    sha256: str  # of the zip file as it arrived
    device_id: str = ""
    device_name: str = ""
    actor: str = ""
    report: str = _text()  # canonical JSON of the ImportReport


class Conflict(SQLModel, table=True):
    """A field the heads of a record changed differently: every value, who set it and when,
    kept until a person chooses. Derived from the revisions (rewritten when heads change); the
    choice made so far is kept here until every conflict of the record has one, when the
    resolution is written as one revision with the heads as parents."""

    __tablename__ = "conflicts"

    record_id: str = Field(foreign_key="records.id", primary_key=True)
    path: str = Field(primary_key=True)  # "name", "repeat/<row id>/name", "repeat/<row id>"
    base: str = _text()  # canonical JSON of the common ancestor's value (null when absent)
    candidates: str = _text()  # canonical JSON list of {revision, value, author, device_id, ...}
    found_at: str
    choice: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Duplicate(SQLModel, table=True):
    """A pair that may be the same thing twice: a village added in the field close to another
    one, or two records of a once-per-village form for one village. A person links them or
    keeps them apart; until then the pair is open."""

    __tablename__ = "duplicates"

    kind: str = Field(primary_key=True)  # "village" | "record"
    first: str = Field(primary_key=True)  # the older / registry one
    second: str = Field(primary_key=True)
    reason: str = ""
    status: str = "open"  # open | linked | apart
    found_at: str
    decided_at: str | None = None
    decided_by: str | None = None
