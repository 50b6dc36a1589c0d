"""Importing exchange packages: the API the command line and the app's Import share.

Each package is verified whole first (every check ``verify`` makes, on the files it extracted)
and then imported from exactly those files in one transaction, or not at all: a refused
package leaves the database as it was. Importing is idempotent on revision ids and its result
does not depend on the order packages arrive in (see ``store.merge``). Form versions, their
choice files and villages the package carries and the database lacks are added; the first
package from a device pins that device's key, and a later one signed with another key is
refused. What each package did is returned, kept in the ``imports`` table, and can be written
as a receipt for the enumerator who handed it in.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select

from fieldsurvey.core.duplicates import find_record_duplicates, find_village_duplicates
from fieldsurvey.core.errors import EXIT_CANCELLED, FieldSurveyError, Phrase, RefusedError
from fieldsurvey.core.exchange.absorb import PackageRefused, Tally, absorb_records
from fieldsurvey.core.exchange.atomic import AtomicFile
from fieldsurvey.core.exchange.opened import OpenedPackage, open_package
from fieldsurvey.core.exchange.verify import counts_problems
from fieldsurvey.core.form_rules import form_rules
from fieldsurvey.core.forms.builder import check_form_bytes
from fieldsurvey.core.forms.external import choices_from_bytes
from fieldsurvey.core.forms.model import Choice, Form
from fieldsurvey.core.registry import read_registry
from fieldsurvey.core.store import records as rec
from fieldsurvey.core.store.canonical import canonical_json, utc_now
from fieldsurvey.core.store.models import Device, FormDef, PackageImport, Village
from fieldsurvey.core.store.settle import FormRules
from fieldsurvey.core.workspace import REGISTRY_FILE, Workspace, registry_choices

IMPORTED, ALREADY_HAD, REFUSED, CANCELLED = "imported", "already had", "refused", "cancelled"
Progress = Callable[[int, int, str], None]


class ImportCancelled(FieldSurveyError):
    """The person cancelled; the package being imported was rolled back whole."""

    exit_code = EXIT_CANCELLED


@dataclass
class PackageOutcome:
    """What one package did. Record ids in each list; counts in ``counts()``."""

    file: str
    result: str = REFUSED  # imported | already had | refused | cancelled
    package_id: str = ""
    device_id: str = ""
    device_name: str = ""
    fingerprint: str = ""
    sha256: str = ""
    reasons: list[str] = field(default_factory=list)  # why it was refused
    reasons_zh: list[str] = field(default_factory=list)  # the same in Chinese, where known
    added: list[str] = field(default_factory=list)
    fast_forwarded: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    conflicts: dict[str, int] = field(default_factory=dict)
    flagged: list[str] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)
    already_had: int = 0
    revisions: int = 0
    records: int = 0  # in the package
    forms_added: list[str] = field(default_factory=list)
    villages_added: list[str] = field(default_factory=list)
    photos_added: int = 0
    warnings: list[str] = field(default_factory=list)  # e.g. a photo that could not be copied
    imported_at: str = ""

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "fast_forwarded": len(self.fast_forwarded),
            "merged": len(self.merged),
            "conflicts": len(self.conflicts),
            "possible_duplicates": len(self.duplicates),
            "flagged_for_review": len(self.flagged),
            "already_had": self.already_had,
            "revisions_added": self.revisions,
        }

    def as_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}  # shallow: no deep copy
        data["counts"] = self.counts()
        return data

    def take(self, tally: Tally) -> None:
        self.added, self.fast_forwarded = tally.added, tally.fast_forwarded
        self.merged, self.conflicts, self.flagged = tally.merged, tally.conflicts, tally.flagged
        self.already_had, self.revisions = tally.already_had, tally.revisions


def import_packages(
    ws: Workspace,
    paths: Sequence[Path | str],
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[PackageOutcome]:
    """Import each package in turn, each in its own transaction. A cancel stops at once: the
    package in progress is rolled back and the rest are reported as cancelled."""
    outcomes: list[PackageOutcome] = []
    paths = [Path(p) for p in paths]
    for index, path in enumerate(paths):
        steps = _Steps(progress, cancelled, index, len(paths), path.name)
        try:
            steps("verifying")
            outcome = import_package(ws, path, steps=steps)
        except (ImportCancelled, KeyboardInterrupt):  # while checking it: nothing was written
            outcome = PackageOutcome(str(path), CANCELLED)
        outcomes.append(outcome)
        if outcome.result == CANCELLED:
            outcomes += [PackageOutcome(str(p), CANCELLED) for p in paths[index + 1 :]]
            break
    return outcomes


def import_package(
    ws: Workspace, path: Path | str, *, steps: _Steps | None = None
) -> PackageOutcome:
    """Import one package: open and verify it, then write it in one transaction."""
    path = Path(path)
    steps = steps or _Steps(None, None, 0, 1, path.name)
    opened = open_package(ws.store, path)
    try:
        return _import_opened(ws, opened, steps)
    finally:
        opened.close()


def _import_opened(ws: Workspace, opened: OpenedPackage, steps: _Steps) -> PackageOutcome:
    outcome = PackageOutcome(str(opened.path), sha256=opened.sha256)
    if opened.unreadable:
        outcome.reasons = [opened.unreadable]
        return outcome
    report = opened.report
    if report is not None:
        outcome.package_id, outcome.device_id = report.package_id, report.device_id
        outcome.device_name, outcome.fingerprint = report.device_name, report.fingerprint
        outcome.records = report.records
    if opened.problem is not None:
        return _nothing(outcome, REFUSED, opened.problem)
    if report is None or not report.ok or opened.data is None:
        outcome.reasons = list(report.problems) if report is not None else []
        return outcome
    steps.total_records = report.records
    try:
        try:
            with ws.store.session() as s:
                tally = _Job(ws, s, opened, outcome, steps).run()
        finally:
            ws.forget_forms()  # forms and the registry may have changed, or rolled back
    except (ImportCancelled, KeyboardInterrupt):
        return _nothing(outcome, CANCELLED, ImportCancelled(
            "import cancelled; nothing of this package was imported"
        ))  # fmt: skip
    except FieldSurveyError as exc:  # PackageRefused, a full disk, a locked database
        return _nothing(outcome, REFUSED, exc)
    except SQLAlchemyError as exc:  # e.g. another office computer importing the same
        return _nothing(outcome, REFUSED, RefusedError(  # records at the same moment
            "the database did not take the package ({reason}); nothing was imported; "
            "import it again",
            reason=getattr(exc, "orig", None) or exc,
        ))  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - whatever a package holds, never a traceback
        return _nothing(outcome, REFUSED, RefusedError(
            "the package could not be imported ({reason}); nothing was imported",
            reason=Phrase("{kind}: {text}", kind=type(exc).__name__, text=str(exc)[:200]),
        ))  # fmt: skip
    try:  # committed: the photos follow, and a cancel now only stops them
        _copy_photos(opened.data / "media", ws.media_root, outcome, tally.records)
    except KeyboardInterrupt:
        outcome.warnings.append(
            "copying the photos was interrupted; import the package again to bring the rest"
        )
    return outcome


def _nothing(outcome: PackageOutcome, result: str, why: FieldSurveyError) -> PackageOutcome:
    """The package left no trace: the report says why and lists nothing as arrived."""
    done = PackageOutcome(
        file=outcome.file,
        result=result,
        package_id=outcome.package_id,
        device_id=outcome.device_id,
        device_name=outcome.device_name,
        fingerprint=outcome.fingerprint,
        sha256=outcome.sha256,
        records=outcome.records,
    )
    done.reasons = [why.message, *why.details]
    done.reasons_zh = [why.localized("zh"), *why.localized_details("zh")]
    return done


class _Steps:
    """Progress over all packages, and cancel; checked between batches of records."""

    def __init__(
        self,
        progress: Progress | None,
        cancelled: Callable[[], bool] | None,
        index: int,
        packages: int,
        name: str,
    ) -> None:
        self.progress, self.cancelled = progress, cancelled
        self.index, self.packages, self.name = index, packages, name
        self.total_records = 0
        self.done = 0

    def __call__(self, what: str) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ImportCancelled("import cancelled")
        if self.progress is not None:
            fraction = self.done / self.total_records if self.total_records else 0.0
            scale = 1000
            done = int(scale * (self.index + fraction))
            self.progress(done, scale * self.packages, f"{self.name}: {what}")

    def records(self, count: int) -> None:
        self.done += count
        self(f"{self.done:,} of {self.total_records:,} records")


class _Job:
    """One package, inside one transaction."""

    def __init__(
        self,
        ws: Workspace,
        session: Any,
        opened: OpenedPackage,
        outcome: PackageOutcome,
        steps: _Steps,
    ) -> None:
        assert opened.data is not None and opened.report is not None
        self.ws, self.s, self.opened = ws, session, opened
        self.data, self.report = opened.data, opened.report
        self.outcome, self.steps = outcome, steps
        self.parsed: dict[tuple[str, str], Form] = {}  # forms added here, not yet committed
        self.rules: dict[tuple[str, str], FormRules] = {}
        self.villages: set[str] = set()

    def run(self) -> Tally:
        self.add_forms()
        self.add_villages()
        self.steps("records")
        forms = set(self.s.exec(select(FormDef.form_id, FormDef.version)).all())
        check = self.opened.check
        tally = absorb_records(
            self.s,
            self.data / "records.jsonl",
            rules_for=self.rules_for,
            forms=forms,
            villages=self.known_village,
            tick=self.steps.records,
            check=check,
        )
        counted = check.report
        wrong = counts_problems(self.report.info, counted.records, counted.revisions)
        if wrong:
            raise PackageRefused("{reason}; the package was not imported", reason=wrong[0])
        self.outcome.take(tally)
        self.pin_device()
        pairs = find_village_duplicates(self.s, self.outcome.villages_added)
        pairs += find_record_duplicates(self.s, sorted(tally.touched))
        self.outcome.duplicates = [
            {"kind": p.kind, "first": p.first, "second": p.second, "reason": p.reason}
            for p in pairs
        ]
        if tally.newest_clock:
            self.ws.store.hlc_update(tally.newest_clock, session=self.s)
        changed = tally.changed or self.outcome.forms_added or self.outcome.villages_added
        self.outcome.result = IMPORTED if changed else ALREADY_HAD
        self.remember()
        return tally

    # -- forms ------------------------------------------------------------------------------
    def add_forms(self) -> None:
        files = _form_files(self.data)
        for row in _csv_rows(self.data / "forms" / "forms.csv"):
            key = (row["form_id"], row["version"])
            workbook = (self.data / row["file"]).read_bytes()
            kept = files.get(key, {})
            existing = rec.get_form_def(session=self.s, form_id=key[0], version=key[1])
            if existing is None:
                form = self._parse(key, row["file"], workbook, kept)
                self.parsed[key] = form
                title = form.title_in("en")
            else:
                title = existing.title
            try:
                rec.add_form_def(
                    session=self.s,
                    form_id=key[0],
                    version=key[1],
                    title=title,
                    definition=workbook,
                    files=kept,
                    actor=self.ws.enumerator,
                    device_id=self.ws.device_id,
                )
            except RefusedError as exc:
                raise PackageRefused("{reason}; the package was not imported", reason=exc) from exc
            if existing is None:
                self.outcome.forms_added.append(f"{key[0]} {key[1]}")

    def _parse(
        self, key: tuple[str, str], name: str, workbook: bytes, files: dict[str, bytes]
    ) -> Form:
        """The form as this transaction sees it (its villages, its forms), whether or not
        the workbook is committed yet."""

        def external(filename: str) -> list[Choice] | None:
            if filename == REGISTRY_FILE:
                return registry_choices(rec.list_villages(session=self.s))
            return choices_from_bytes(files[filename]) if filename in files else None

        result = check_form_bytes(workbook, file=name, external=external)
        if result.form is None or (result.form.form_id, result.form.version) != key:
            first = str(result.problems[0]) if result.problems else "another form"
            raise PackageRefused(
                "form '{form_id}' version {version} in the package cannot be opened here "
                "({reason}); the package was not imported",
                form_id=key[0],
                version=key[1],
                reason=first,
            )
        return result.form

    # -- villages ---------------------------------------------------------------------------
    def add_villages(self) -> None:
        path = self.data / "forms" / REGISTRY_FILE
        if not path.is_file():
            return
        try:
            rows = read_registry(path)
        except RefusedError as exc:
            raise PackageRefused("{reason}; the package was not imported", reason=exc) from exc
        held = set(self.s.exec(select(Village.code)).all())  # one query, not one per row
        for row in rows:
            code = row.pop("code")
            if code in held or rec.get_village(session=self.s, code=code) is not None:
                self.villages.add(code)
                continue
            try:
                rec.upsert_village(
                    session=self.s,
                    code=code,
                    device_id=self.report.device_id or self.ws.device_id,
                    actor=self.ws.enumerator,
                    **row,
                )
            except FieldSurveyError as exc:
                raise PackageRefused(
                    "village '{code}' in the package cannot be kept ({reason}); the package "
                    "was not imported",
                    code=code,
                    reason=exc,
                ) from exc
            self.villages.add(code)
            self.outcome.villages_added.append(code)

    def known_village(self, code: str) -> bool:
        if code in self.villages:
            return True
        if self.s.get(Village, code) is not None:
            self.villages.add(code)
            return True
        return False

    # -- what a record's form says about merging ---------------------------------------------
    def rules_for(self, form_id: str, version: str) -> FormRules:
        key = (form_id, version)
        if key not in self.rules:
            form = self.parsed.get(key) or self.ws.cached_form(*key) or self._stored_form(key)
            self.rules[key] = form_rules(form)
        return self.rules[key]

    def _stored_form(self, key: tuple[str, str]) -> Form:
        fd = rec.get_form_def(session=self.s, form_id=key[0], version=key[1])
        if fd is None:  # absorb checked every record's form before it asks
            raise PackageRefused(
                "form '{form_id}' version {version} is missing", form_id=key[0], version=key[1]
            )
        files = {f.file_name: f.data for f in rec.list_form_files(session=self.s, key=key)}
        form = self._parse(key, f"{key[0]}.xlsx", fd.definition, files)
        self.parsed[key] = form
        return form

    # -- the device and the import ------------------------------------------------------------
    def pin_device(self) -> None:
        """The first package from a device pins its key. ``verify`` refused any other key; the
        pin is checked again here, inside the transaction that writes it."""
        device_id, key = self.report.device_id, self.report.public_key
        if not device_id or not key:
            return
        device = self.s.get(Device, device_id)
        if device is not None and device.public_key and device.public_key != key:
            raise PackageRefused(
                "device {device_id} is known here with a different key; the package was not "
                "imported",
                device_id=device_id,
            )
        if device is None:
            self.s.add(
                Device(
                    id=device_id,
                    name=self.report.device_name,
                    public_key=key,
                    is_local=False,
                    first_seen=utc_now(),
                )
            )
        elif not device.public_key:
            device.public_key = key
            self.s.add(device)
        elif (
            not device.is_local
            and self.report.device_name
            and device.name != self.report.device_name
        ):
            device.name = self.report.device_name
            self.s.add(device)
        self.s.flush()

    def remember(self) -> None:
        outcome = self.outcome
        outcome.imported_at = utc_now()
        self.s.add(
            PackageImport(
                id=str(uuid.uuid4()),
                package_id=outcome.package_id,
                imported_at=outcome.imported_at,
                file_name=Path(outcome.file).name,
                sha256=outcome.sha256,
                device_id=outcome.device_id,
                device_name=outcome.device_name,
                actor=self.ws.enumerator,
                report=canonical_json(outcome.as_json()),
            )
        )
        rec.audit(
            session=self.s,
            action="package.import",
            actor=self.ws.enumerator,
            device_id=self.ws.device_id,
            package_id=outcome.package_id,
            result=outcome.result,
            **outcome.counts(),
        )
        self.s.flush()


def _copy_photos(source: Path, target: Path, outcome: PackageOutcome, records: set[str]) -> None:
    """The photos of the package's *records*, into this database's media folder, after the
    records are committed: a photo already there is kept, so importing again copies nothing,
    and one that could not be copied (a full disk) is a warning; importing again brings it.
    A folder for a record the package does not hold is left where it is."""
    if not source.is_dir():
        return
    for folder in sorted(p for p in source.iterdir() if p.is_dir() and p.name in records):
        for photo in sorted(p for p in folder.iterdir() if p.is_file()):
            dest = target / folder.name / photo.name
            if dest.exists():
                continue
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
                with AtomicFile(dest, overwrite=False) as out:
                    out.fh.write(photo.read_bytes())
                    out.commit()
                outcome.photos_added += 1
            except OSError as exc:
                outcome.warnings.append(
                    f"photo {folder.name}/{photo.name} was not copied ({exc.strerror or exc})"
                )


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(io.StringIO(fh.read())))


def _form_files(data: Path) -> dict[tuple[str, str], dict[str, bytes]]:
    index = data / "forms" / "form_files.csv"
    found: dict[tuple[str, str], dict[str, bytes]] = {}
    if index.is_file():
        for row in _csv_rows(index):
            key = (row["form_id"], row["version"])
            found.setdefault(key, {})[row["name"]] = (data / row["file"]).read_bytes()
    return found


def import_history(ws: Workspace) -> list[dict[str, Any]]:
    """The reports of every import into this database, newest first (``PackageOutcome``
    as JSON, with ``counts``)."""
    with ws.store.session(write=False) as s:
        rows = s.exec(
            select(PackageImport.report).order_by(col(PackageImport.imported_at).desc())
        ).all()
    return [json.loads(r) for r in rows]


# -- receipts ---------------------------------------------------------------------------------


def write_receipt(outcome: PackageOutcome, folder: Path) -> Path:
    """A small text file the enumerator keeps: which package arrived, when, and what of it,
    by record uuid and count (in English and Chinese). Written whole or not at all."""
    lines = [
        "FieldSurvey import receipt / 导入回执",
        f"Package / 数据包: {outcome.package_id or '-'}",
        f"File / 文件: {Path(outcome.file).name}",
        f"SHA-256: {outcome.sha256}",
        f"From device / 来自设备: {outcome.device_name or '-'} ({outcome.device_id or '-'})",
        f"Key fingerprint / 密钥指纹: {outcome.fingerprint or '-'}",
        f"Imported at (UTC) / 导入时间: {outcome.imported_at or utc_now()}",
        f"Result / 结果: {outcome.result}",
        f"Records in package / 数据包中的记录: {outcome.records}",
    ]
    for label, value in outcome.counts().items():
        lines.append(f"{label.replace('_', ' ')}: {value}")
    lines += [f"refused / 拒绝原因: {reason}" for reason in outcome.reasons]
    received = sorted(
        set(outcome.added) | set(outcome.fast_forwarded) | set(outcome.merged)
        | set(outcome.conflicts)
    )  # fmt: skip
    if received:
        lines.append("Records received / 收到的记录:")
        lines += [f"  {rid}" for rid in received]
    name = f"receipt-{(outcome.package_id or outcome.sha256)[:8]}.txt"
    target = folder / name
    with AtomicFile(target, overwrite=True) as out:
        out.fh.write(("\n".join(lines) + "\n").encode("utf-8"))
        out.commit()
    return target


__all__ = [
    "ALREADY_HAD",
    "CANCELLED",
    "IMPORTED",
    "REFUSED",
    "ImportCancelled",
    "PackageOutcome",
    "import_history",
    "import_package",
    "import_packages",
    "write_receipt",
]
