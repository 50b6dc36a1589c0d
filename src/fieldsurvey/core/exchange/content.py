"""The canonical content of a package: records with their whole history, the forms they were
filled with, the villages they refer to, and the photos they name.

``records.jsonl`` is what an import reads; everything else in a package (tables, sheets) is
derived from it and the forms (their workbooks and the choice files kept with them). One JSON object per line, keys sorted, records sorted by id,
revisions in clock order with everything ``revision_hash`` covers, so a receiver can check
each revision's hash and rebuild the record losslessly; repeat rows carry their ``_row_id``
inside the answers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from fieldsurvey.core.exchange.tables import guard
from fieldsurvey.core.forms.model import Form, Repeat
from fieldsurvey.core.store.canonical import canonical_json
from fieldsurvey.core.store.models import FormDef, FormFile, Record, Revision, Village

# bag-info FieldSurvey-Package-Format; raise it when this layout changes. 2: revisions may
# carry a review "comment", and statuses include "approved" and "rejected".
PACKAGE_FORMAT = "2"
RECORD_KEYS = (
    "created_at",
    "deleted",
    "device_id",
    "enumerator",
    "form_id",
    "form_version",
    "head_revision",
    "id",
    "revisions",
    "status",
    "updated_at",
    "village_code",
)
REVISION_KEYS = (
    "answers",
    "author",
    "created_at",
    "device_id",
    "hash",
    "hlc",
    "id",
    "kind",
    "parents",
    "status",
)
_SAFE_PART = re.compile(r"[^A-Za-z0-9._-]")
_MEDIA_NAME = re.compile(r"^[^/\\%\x00-\x1f\x7f]+$")
_PLAIN_CODE = re.compile(r"^[A-Za-z0-9_.-]*$")


def record_line(record: Record, revisions: list[Revision]) -> str:
    """One line of records.jsonl (with its newline)."""
    data = {
        "id": record.id,
        "form_id": record.form_id,
        "form_version": record.form_version,
        "village_code": record.village_code,
        "status": record.status,
        "enumerator": record.enumerator,
        "device_id": record.device_id,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "deleted": bool(record.deleted),
        "head_revision": record.head_revision_id,
        "revisions": [revision_json(r) for r in revisions],
    }
    return canonical_json(data) + "\n"


def revision_json(rev: Revision) -> dict[str, Any]:
    data = {
        "id": rev.id,
        "parents": rev.parents_list(),
        "answers": rev.answers_dict(),
        "status": rev.status,
        "author": rev.author,
        "device_id": rev.device_id,
        "hlc": rev.hlc,
        "created_at": rev.created_at,
        "hash": rev.hash,
        "kind": rev.kind,
    }
    if rev.comment:
        data["comment"] = rev.comment
    return data


def safe_part(text: str) -> str:
    """A file-name part made only of characters every file system and manifest accepts."""
    return _SAFE_PART.sub("_", text) or "_"


def form_file(fd: FormDef) -> str:
    return f"forms/{safe_part(fd.form_id)}-v{safe_part(fd.version)}.xlsx"


def forms_index(defs: Iterable[FormDef]) -> bytes:
    """forms/forms.csv: which workbook holds which form version (and its sha256); the title
    is guarded as the tables guard text."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["form_id", "version", "title", "sha256", "file", "added_at"])
    for fd in defs:
        writer.writerow(
            [fd.form_id, fd.version, guard(fd.title), fd.sha256, form_file(fd), fd.added_at]
        )
    return buf.getvalue().encode("utf-8")


def form_media(form_id: str, version: str, file_name: str) -> str:
    """Where a file kept with a form version goes: ``forms/<form>-v<version>-media/<name>``,
    beside its workbook, as ODK keeps a form's attachments in ``<form>-media/``. The name is
    the form's own (``作物.csv`` stays ``作物.csv``); forms are only added with plain names."""
    plain = _MEDIA_NAME.match(file_name) and file_name == file_name.strip()
    name = file_name if plain and file_name not in (".", "..") else safe_part(file_name)
    return f"forms/{safe_part(form_id)}-v{safe_part(version)}-media/{name}"


def form_files_index(files: Iterable[FormFile]) -> bytes:
    """forms/form_files.csv: which file is which form version's choice file, by the name the
    form gives it (and its sha256)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["form_id", "version", "name", "sha256", "file"])
    for f in files:
        path = form_media(f.form_id, f.version, f.file_name)
        writer.writerow([f.form_id, f.version, f.file_name, f.sha256, path])
    return buf.getvalue().encode("utf-8")


def villages_csv(villages: Iterable[Village]) -> bytes:
    """The registry rows the records refer to, in the layout ``villages import`` reads.

    A coordinator opens this file in a spreadsheet too, so names (typed by hand in the field:
    *Add village…*) are guarded as the tables guard text: one starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading ``'``. Codes are not names: the
    file is meant to be imported again, and a code must read back exactly or the records
    would point at a village that is not there. A plain code (letters, digits, ``-``, ``_``,
    ``.``) is written as it is: even one starting with ``-`` has no parenthesis, ``!`` or
    ``|``, so a spreadsheet can make no function call or link of it. Only a code that is not
    plain, which the registry never hands out, is guarded like a name."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(
        [
            "name",
            "label::English (en)",
            "label::简体中文 (zh)",
            "township",
            "township_zh",
            "county",
            "latitude",
            "longitude",
            "provisional",
        ]
    )
    for v in sorted(villages, key=lambda v: v.code):
        writer.writerow(
            [
                guard_code(v.code),
                guard(v.name_en),
                guard(v.name_zh),
                guard_code(v.township),
                guard(v.township_zh),
                guard(v.county),
                "" if v.latitude is None else v.latitude,
                "" if v.longitude is None else v.longitude,
                "yes" if v.provisional else "no",
            ]
        )
    return buf.getvalue().encode("utf-8")


def guard_code(code: str) -> str:
    """A code as it is when it is plain, else guarded like any text (see ``villages_csv``)."""
    return code if _PLAIN_CODE.match(code) else guard(code)


def media_names(form: Form, revisions: Iterable[Revision]) -> list[str]:
    """Every photo file any revision of the record names (sorted, each once)."""
    images = [f for f in form.fields() if f.kind == "image"]
    found: set[str] = set()
    for rev in revisions if images else ():
        answers = rev.answers_dict()
        for f in images:
            scopes = [answers] if f.repeat is None else _rows_of(f.repeat, answers)
            for scope in scopes:
                value = scope.get(f.name)
                if isinstance(value, str) and value:
                    found.add(value)
    return sorted(found)


def _rows_of(rep: Repeat, answers: dict[str, Any]) -> Iterator[dict[str, Any]]:
    outer = rep.repeat
    scopes = [answers] if outer is None else list(_rows_of(outer, answers))
    for scope in scopes:
        for row in scope.get(rep.name) or ():
            if isinstance(row, dict):
                yield row


def media_problem(name: str, folder: Path | None) -> str | None:
    """Why a named photo cannot go into the package, or None when it can."""
    if not _MEDIA_NAME.match(name) or name in (".", "..") or name != name.strip():
        return "its name is not a plain file name"
    if folder is None:
        return "the database has no folder for photos"
    if not (folder / name).is_file():
        return "the file is missing"
    return None
