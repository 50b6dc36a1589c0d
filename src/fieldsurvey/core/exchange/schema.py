"""Checking records.jsonl before anything imports it: shape, types, history and hashes.

Each line is one record: the keys ``content.record_line`` writes, of the right types; its
revisions form a history (every parent is a revision of the same record in the package, or
one the record declares in ``prior_revisions`` as already held by the receiver); each
revision's hash recomputes from its content; the head is one of its revisions; records are
sorted by id and no id appears twice. The check streams the file line by line.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fieldsurvey.core.exchange.content import RECORD_KEYS, REVISION_KEYS
from fieldsurvey.core.store.canonical import canonical_json
from fieldsurvey.core.store.hlc import parse_hlc
from fieldsurvey.core.store.models import RECORD_STATUSES, REVISION_KINDS
from fieldsurvey.core.store.records import hash_fields

MAX_LINE = 64 << 20
MAX_PROBLEMS = 20
OPTIONAL_RECORD_KEYS = frozenset({"prior_revisions"})
OPTIONAL_REVISION_KEYS = frozenset({"comment"})
_STR = (str,)
RECORD_TYPES: dict[str, tuple[type, ...]] = {
    "id": _STR,
    "form_id": _STR,
    "form_version": _STR,
    "village_code": (str, type(None)),
    "status": _STR,
    "enumerator": _STR,
    "device_id": _STR,
    "created_at": _STR,
    "updated_at": _STR,
    "deleted": (bool,),
    "head_revision": _STR,
    "revisions": (list,),
}
REVISION_TYPES: dict[str, tuple[type, ...]] = {
    "id": _STR,
    "parents": (list,),
    "answers": (dict,),
    "status": _STR,
    "author": _STR,
    "device_id": _STR,
    "hlc": _STR,
    "created_at": _STR,
    "hash": _STR,
    "kind": _STR,
}


class SchemaReport:
    """Problems (capped, with a count of the rest) and what the file holds."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.hidden = 0
        self.records = 0
        self.revisions = 0
        self.forms: set[tuple[str, str]] = set()

    def add(self, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)
        else:
            self.hidden += 1

    def messages(self) -> list[str]:
        more = [f"... and {self.hidden} more problems"] if self.hidden else []
        return self.problems + more


def check_records(path: Path, *, hashes: bool = True) -> SchemaReport:
    """The checks above, streaming, over the whole file."""
    check = RecordCheck(hashes=hashes)
    for _record in check.records(path):
        pass
    return check.report


class RecordCheck:
    """The checks of records.jsonl, one line at a time, for a reader that also wants the
    records: ``records()`` yields each record that passed and notes every problem in
    ``report``. ``hashes=False`` leaves each revision's hash to the caller: the importer
    recomputes it from the very text it writes, in its transaction."""

    def __init__(self, *, hashes: bool = True) -> None:
        self.report = SchemaReport()
        self.hashes = hashes
        self.last_id = ""
        self.seen: set[str] = set()

    def records(self, path: Path) -> Iterator[dict[str, Any]]:
        if not path.is_file():
            self.report.add("records.jsonl is missing")
            return
        for number, line in _lines(path, self.report):
            record = self.line(number, line)
            if record is not None:
                yield record

    def line(self, number: int, line: bytes) -> dict[str, Any] | None:
        report, where = self.report, f"records.jsonl line {number}"
        before = len(report.problems) + report.hidden
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            report.add(f"{where}: not valid JSON ({exc})")
            return None
        except (RecursionError, ValueError) as exc:  # nested too deep; a number too long
            report.add(f"{where}: not readable ({type(exc).__name__})")
            return None
        problem = _shape(record, RECORD_KEYS, RECORD_TYPES, OPTIONAL_RECORD_KEYS)
        if problem:
            report.add(f"{where}: {problem}")
            return None
        report.records += 1
        if not _is_uuid(record["id"]):
            report.add(f"{where}: id {record['id']!r} is not a UUID")
        elif record["id"] <= self.last_id:
            report.add(f"{where}: record {record['id']} is out of order or repeated")
        self.last_id = max(self.last_id, record["id"])
        report.forms.add((record["form_id"], record["form_version"]))
        for message in _history(record, self.seen, self.hashes):
            report.add(f"{where} (record {record['id']}): {message}")
        report.revisions += len(record["revisions"])
        return record if len(report.problems) + report.hidden == before else None


def _lines(path: Path, report: SchemaReport) -> Iterator[tuple[int, bytes]]:
    with open(path, "rb") as fh:
        number = 0
        while True:
            line = fh.readline(MAX_LINE + 1)
            if not line:
                return
            number += 1
            if len(line) > MAX_LINE:
                report.add(f"records.jsonl line {number}: longer than {MAX_LINE} bytes")
                return
            if line.strip():
                yield number, line


@functools.cache
def _keyset(keys: tuple[str, ...]) -> frozenset[str]:
    return frozenset(keys)


def _shape(
    obj: Any,
    keys: tuple[str, ...],
    types: dict[str, tuple[type, ...]],
    optional: frozenset[str] = frozenset(),
) -> str | None:
    if type(obj) is not dict:
        return "expected a JSON object"
    present = obj.keys()
    if not (present >= _keyset(keys) and present - _keyset(keys) <= optional):
        missing = [k for k in keys if k not in obj]
        if missing:
            return f"missing {', '.join(missing)}"
        return f"unexpected {', '.join(sorted(set(obj) - set(keys) - optional))}"
    for key, allowed in types.items():
        if type(obj[key]) not in allowed:  # exact JSON types: true is no number here
            return f"{key} has the wrong type ({type(obj[key]).__name__})"
    return None


def _history(record: dict[str, Any], seen: set[str], hashes: bool = True) -> Iterator[str]:
    revisions = record["revisions"]
    prior = record.get("prior_revisions", [])
    if not isinstance(prior, list) or not all(isinstance(p, str) for p in prior):
        yield "prior_revisions must be a list of revision ids"
        prior = []
    if not revisions:
        yield "has no revisions"
        return
    ids: set[str] = set()
    checked: list[dict[str, Any]] = []  # answers found good (a review keeps its parent's)
    for i, rev in enumerate(revisions, start=1):
        problem = _shape(rev, REVISION_KEYS, REVISION_TYPES, OPTIONAL_REVISION_KEYS)
        if problem is None and not isinstance(rev.get("comment", ""), str):
            problem = "comment must be text"
        if problem:
            yield f"revision {i}: {problem}"
            return
        if rev["id"] in ids or rev["id"] in seen:
            yield f"revision {rev['id']} appears twice"
        if not all(isinstance(p, str) for p in rev["parents"]):
            yield f"revision {rev['id']}: parents must be revision ids"
            continue
        missing = [p for p in rev["parents"] if p not in ids and p not in prior]
        if missing:
            yield f"revision {rev['id']}: parent {', '.join(missing)} is not in the package"
        answers = rev["answers"]
        same = bool(checked) and answers == checked[-1]
        problem = (None if same else answers_problem(answers)) or _time_problem(rev)
        if not same:
            checked.append(answers)
        if problem:
            yield f"revision {rev['id']}: {problem}"
        if rev["kind"] not in REVISION_KINDS:
            yield f"revision {rev['id']}: unknown kind {rev['kind']!r}"
        if rev["status"] not in RECORD_STATUSES:
            yield f"revision {rev['id']}: unknown status {rev['status']!r}"
        try:
            parse_hlc(rev["hlc"])
        except ValueError:
            yield f"revision {rev['id']}: clock {rev['hlc']!r} is not a hybrid logical clock"
        if hashes and content_hash(record["id"], rev) != rev["hash"]:
            yield f"revision {rev['id']}: hash does not match its content"
        ids.add(rev["id"])
    seen |= ids
    if record["head_revision"] not in ids:
        yield f"head revision {record['head_revision']} is not among its revisions"


MAX_CLOCK_MILLIS = 10**14  # the year 5138: a stamp beyond cannot come from a real clock


def answers_problem(answers: dict[str, Any]) -> str | None:
    """Why a set of answers cannot be stored as it is, or None. Names are question names
    (not empty, no ``/``, which separates a row from its questions); a repeat's rows each
    have a ``_row_id`` of their own, text without ``/``. (Run on every revision imported,
    so written for speed: one pass, no call per row.)"""
    todo: list[tuple[dict[str, Any], int]] = [(answers, 0)]
    while todo:
        scope, depth = todo.pop()
        if depth > 20:
            return "answers nest too deeply"
        names = "\x01".join(scope)  # JSON names are text: one test for all of them
        if "/" in names or "\x00" in names or "" in scope:
            name = next(n for n in scope if not n or "/" in n or "\x00" in n)
            return f"answer name {name!r} is not a question name"
        for name, value in [(n, v) for n, v in scope.items() if type(v) is list and v]:
            if type(value[0]) is not dict:
                if any(type(v) is dict for v in value):
                    return f"repeat {name!r} mixes rows with other values"
                continue
            ids = set()
            for row in value:
                if type(row) is not dict:
                    return f"repeat {name!r} mixes rows with other values"
                rid = row.get("_row_id")
                if type(rid) is not str or not rid or "/" in rid or "\x00" in rid:
                    return f"a row of repeat {name!r} has no usable _row_id"
                if rid in ids:
                    return f"repeat {name!r} has two rows with the same _row_id"
                ids.add(rid)
                todo.append((row, depth + 1))
    return None


def _time_problem(rev: dict[str, Any]) -> str | None:
    """A created_at that is no UTC time, or a clock no real one shows (the clock's own
    format is checked beside)."""
    try:
        moment = dt.datetime.fromisoformat(rev["created_at"].replace("Z", "+00:00"))
    except ValueError:
        return "created_at is not a time"
    if moment.tzinfo is None:
        return "created_at has no time zone"
    try:
        millis = parse_hlc(rev["hlc"])[0]
    except ValueError:
        return None
    if millis >= MAX_CLOCK_MILLIS:
        return f"clock {rev['hlc']!r} is not a plausible time"
    return None


def content_hash(record_id: str, rev: dict[str, Any], answers_text: str | None = None) -> str:
    """What the revision's hash must be, from its content (*answers_text*: its answers as
    canonical JSON, when the caller has them already); "" when the content cannot be one."""
    try:
        text = canonical_json(rev["answers"]) if answers_text is None else answers_text
        fields = {
            "id": rev["id"],
            "record_id": record_id,
            "parents": list(rev["parents"]),
            "status": rev["status"],
            "author": rev["author"],
            "device_id": rev["device_id"],
            "hlc": rev["hlc"],
            "created_at": rev["created_at"],
            "kind": rev["kind"],
            "comment": rev.get("comment"),
        }
        return hash_fields(fields, text)
    except (TypeError, ValueError):
        return ""


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def check_forms(data: Path, used: set[tuple[str, str]]) -> list[str]:
    """Every form version the records use is in forms/, with the bytes its index promises."""
    index = data / "forms" / "forms.csv"
    if not index.is_file():
        return ["forms/forms.csv is missing"]
    problems = []
    listed: set[tuple[str, str]] = set()
    with open(index, encoding="utf-8") as fh:
        for row in csv.DictReader(io.StringIO(fh.read())):
            key = (row.get("form_id", ""), row.get("version", ""))
            listed.add(key)
            file = data / (row.get("file") or "")
            if not file.is_file() or not file.resolve().is_relative_to(data.resolve()):
                problems.append(f"forms: {row.get('file')!r} is missing")
            elif hashlib.sha256(file.read_bytes()).hexdigest() != row.get("sha256"):
                problems.append(f"forms: {row.get('file')} does not match its sha256 in forms.csv")
    for form_id, version in sorted(used - listed):
        problems.append(f"forms: form {form_id} version {version} is used but not included")
    return problems + _check_form_files(data, listed)


def _check_form_files(data: Path, listed: set[tuple[str, str]]) -> list[str]:
    """The choice files kept with the forms (forms/form_files.csv, in packages whose forms
    have any): each is there with the bytes its index promises, for a form in the package."""
    index = data / "forms" / "form_files.csv"
    if not index.is_file():
        return []
    problems = []
    forms = (data / "forms").resolve()
    with open(index, encoding="utf-8") as fh:
        for row in csv.DictReader(io.StringIO(fh.read())):
            key = (row.get("form_id", ""), row.get("version", ""))
            file = data / (row.get("file") or "")
            if key not in listed:
                problems.append(
                    f"forms: {row.get('file')!r} belongs to form {key[0]} version {key[1]}, "
                    "which forms.csv does not list"
                )
            if not file.is_file() or not file.resolve().is_relative_to(forms):
                problems.append(f"forms: {row.get('file')!r} is missing")
            elif hashlib.sha256(file.read_bytes()).hexdigest() != row.get("sha256"):
                problems.append(
                    f"forms: {row.get('file')} does not match its sha256 in form_files.csv"
                )
    return problems
