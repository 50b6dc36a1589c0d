"""Exporting an exchange package: the API the command line and the Export dialog share.

``export_package`` reads what the options select (one read transaction), writes the bag into
a partial file beside the target, then puts it in place and remembers the export together (one
write transaction, with Ctrl-C held back for that moment), so ``--since-last`` and
``pending_export_count`` know what went and a package is on the disk exactly when it is
remembered. It never changes a record. Progress and cancel are callbacks, so the GUI can run
it on a worker.

An existing file at the target is refused (``PackageExists``, before any work and again at
the moment of placing, so a package another laptop wrote meanwhile is not replaced either)
unless ``ExportOptions.overwrite`` is set, which the GUI does after asking.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from fieldsurvey import __version__
from fieldsurvey.core.errors import (
    EXIT_CANCELLED,
    EXIT_USAGE,
    FieldSurveyError,
    Phrase,
    RefusedError,
    UsageError,
    count,
)
from fieldsurvey.core.exchange.atomic import AtomicFile, TargetExists, interrupts_deferred
from fieldsurvey.core.exchange.bagzip import BagZipWriter
from fieldsurvey.core.exchange.content import PACKAGE_FORMAT
from fieldsurvey.core.exchange.history import (
    pending_count,
    remember_export,
    revisions_of,
    select_records,
)
from fieldsurvey.core.exchange.payload import Payload, Selection
from fieldsurvey.core.keys import device_key
from fieldsurvey.core.store import records as rec
from fieldsurvey.core.store.canonical import canonical_json, utc_now
from fieldsurvey.core.store.db import SCHEMA_VERSION
from fieldsurvey.core.store.models import Export
from fieldsurvey.core.workspace import Workspace

SOURCE_ORGANIZATION = (
    "UN-Habitat and Songyang County: Songyang Innovative Rural Development Programme"
)
STATUSES = ("complete", "all")
PDF_CHOICES = ("all", "none")
LANGUAGES = ("en", "zh")

Progress = Callable[[int, int, str], None]


@dataclass
class ExportOptions:
    out: Path
    since_last: bool = False
    since: date | None = None
    form_id: str | None = None
    status: str = "complete"
    lang: str = "en"
    labels: bool = False
    group_paths: bool = False  # CSV headers as group/name, as Kobo's "group names" option
    bom: bool = True  # a UTF-8 byte-order mark, so Excel reads the CSV files as UTF-8
    pdf: str = "all"  # "all": a PDF sheet per record; "none": no sheets (a large package)
    overwrite: bool = False  # replace a file already at `out` (the GUI sets it after asking)

    def summary(self) -> dict[str, object]:
        """The options as remembered in the exports table and bag-info (not the path, nor
        whether a file was replaced: neither says anything about the content)."""
        data = asdict(self)
        data.pop("out")
        data.pop("overwrite")
        data["since"] = self.since.isoformat() if self.since else None
        return data


@dataclass
class ExportResult:
    path: Path
    package_id: str
    records: int
    revisions: int
    files: int
    bytes: int
    warnings: list[str] = field(default_factory=list)  # e.g. photos that could not be included


class ExportCancelled(FieldSurveyError):
    """The user cancelled; the partial file is gone and nothing was remembered."""

    exit_code = EXIT_CANCELLED


class NothingToExport(UsageError):
    """The options select no records; no file is written."""

    exit_code = EXIT_USAGE


class ExportFailed(RefusedError):
    """The package could not be written (disk full, folder not writable); nothing was left."""


class PackageExists(ExportFailed):
    """A file is already at the target and ``overwrite`` was not set; it is left as it was.
    The GUI can ask, then export again with ``overwrite=True``; ``.path`` is the target."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            "{path} already exists; it was left as it was and nothing was written", path=path
        )
        self.path = path


def pending_export_count(ws: Workspace, *, status: str = "complete") -> int:
    """Records whose current head no export has held yet: what ``--since-last`` would take."""
    with ws.store.session(write=False) as s:
        return pending_count(s, status=status)


def export_package(
    ws: Workspace,
    options: ExportOptions,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportResult:
    try:
        return _export(ws, options, progress, cancelled)
    except KeyboardInterrupt:  # Ctrl-C on the command line, at any step: a cancel like any other
        out = Path(options.out).expanduser().absolute()
        raise ExportCancelled("export cancelled; {path} was not written", path=out) from None


def _export(
    ws: Workspace,
    options: ExportOptions,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> ExportResult:
    out = _check(ws, options)
    sel = _select(ws, options)
    key = device_key(ws.store)  # made on first need; a write, so before the long part
    package_id = str(uuid.uuid4())
    steps = _Steps(out, progress, cancelled)
    try:
        with AtomicFile(out, overwrite=options.overwrite) as dest:
            bag = BagZipWriter(
                dest.fh, top=f"fieldsurvey-{package_id}", date_time=_zip_time(sel).timetuple()
            )
            try:
                payload = Payload(
                    sel, bag, lang=options.lang, labels=options.labels,
                    group_paths=options.group_paths, bom=options.bom,
                    sheets=options.pdf == "all",
                )  # fmt: skip
                steps.total = sel.steps(len(payload.media), options.pdf == "all")
                steps("started")
                payload.write(steps)
                bag.finish(_bag_info(ws, options, sel, package_id, key.public_b64), key)
            except BaseException:
                bag.abandon()
                raise
            dest.seal()
            digest, size = _digest(dest.partial)
            export = Export(
                id=package_id,
                created_at=utc_now(),
                file_name=out.name,
                options=canonical_json(options.summary()),
                records=len(sel.records),
                revisions=sel.revision_count,
                files=len(bag.payload),
                bytes=size,
                sha256=digest,
            )
            _place_and_remember(ws, dest, export, sel)
    except TargetExists:
        raise PackageExists(out) from None
    except OSError as exc:  # the reason (a full drive, say) is translated with the message
        raise ExportFailed(
            "{path}: could not write the package ({reason}); nothing was written",
            path=out,
            reason=exc,
        ) from exc
    steps.finish()
    return ExportResult(
        out, package_id, export.records, export.revisions, export.files, size, list(sel.warnings)
    )


def _place_and_remember(ws: Workspace, dest: AtomicFile, export: Export, sel: Selection) -> None:
    """The package goes in place and the export is remembered together: the file is placed
    inside the transaction that remembers it, and taken away again if that transaction fails,
    so a package is on the disk exactly when ``--since-last`` counts it as gone. Ctrl-C waits
    for this moment to pass."""
    with interrupts_deferred():
        try:
            with ws.store.session() as s:
                remember_export(s, export, [(r.id, r.head_revision_id) for r in sel.records])
                s.flush()  # the rows are written (or refused) before the file is placed
                dest.commit()
        except BaseException:
            dest.undo()  # no package, and the one it was to replace is back
            raise
        dest.release()


class _Steps:
    """Progress and cancel, checked between steps; a cancel raises inside the partial write."""

    def __init__(
        self, out: Path, progress: Progress | None, cancelled: Callable[[], bool] | None
    ) -> None:
        self.out, self.progress, self.cancelled = out, progress, cancelled
        self.done, self.total = 0, 1

    def __call__(self, what: str) -> None:
        self.done += 1
        if self.cancelled is not None and self.cancelled():
            raise ExportCancelled("export cancelled; {path} was not written", path=self.out)
        if self.progress is not None:
            self.progress(self.done, self.total, what)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total, "done")


def _check(ws: Workspace, options: ExportOptions) -> Path:
    out = Path(options.out).expanduser().absolute()
    if out.suffix.lower() != ".zip":
        raise UsageError("{path}: a package is a .zip file; give a name ending in .zip", path=out)
    if out.is_dir():
        raise UsageError("{path} is a folder; give a file name ending in .zip", path=out)
    if not out.parent.is_dir():
        raise ExportFailed(
            "cannot write {path}: the folder {folder} does not exist; nothing was written",
            path=out,
            folder=out.parent,
        )
    if ws.store.path is not None and out.resolve() == ws.store.path.resolve():
        raise UsageError("{path} is the database itself", path=out)
    if options.since_last and options.since is not None:
        raise UsageError("give --since-last or --since DATE, not both")
    if options.status not in STATUSES:
        raise UsageError(
            "status '{status}': expected one of {known}",
            status=options.status,
            known=", ".join(STATUSES),
        )
    if options.pdf not in PDF_CHOICES:
        raise UsageError(
            "PDF sheets '{pdf}': expected one of {known}",
            pdf=options.pdf,
            known=", ".join(PDF_CHOICES),
        )
    if options.lang not in LANGUAGES:
        raise UsageError(
            "language '{lang}': expected one of {known}",
            lang=options.lang,
            known=", ".join(LANGUAGES),
        )
    if options.form_id is not None:
        ws.form(options.form_id)  # a UsageError naming the known forms
    if not options.overwrite and os.path.lexists(out):
        raise PackageExists(out)  # checked again when the package is put in place
    return out


def _select(ws: Workspace, options: ExportOptions) -> Selection:
    with ws.store.session(write=False) as s:
        records = select_records(
            s,
            since_last=options.since_last,
            since=options.since,
            form_id=options.form_id,
            status=options.status,
        )
        if not records:
            raise _nothing(options)
        revisions = revisions_of(s, [r.id for r in records])
        used = {(r.form_id, r.form_version) for r in records}
        defs = [fd for fd in rec.list_form_defs(session=s) if (fd.form_id, fd.version) in used]
        files = [f for f in rec.list_form_files(session=s) if (f.form_id, f.version) in used]
        codes = {r.village_code for r in records if r.village_code}
        villages = [v for v in rec.list_villages(session=s) if v.code in codes]
    forms = {key: ws.form(*key) for key in sorted(used)}
    media = ws.media_root
    return Selection(records, revisions, defs, forms, villages, media, files=files)


def _nothing(options: ExportOptions) -> NothingToExport:
    complete = options.status == "complete"
    if options.form_id:
        what = (
            Phrase("complete records of form '{form_id}'", form_id=options.form_id)
            if complete
            else Phrase("records of form '{form_id}'", form_id=options.form_id)
        )
    else:
        what = Phrase("complete records") if complete else Phrase("records")
    if options.since_last:
        return NothingToExport(
            "nothing to export: no {what} changed since the last export; no file written",
            what=what,
        )
    if options.since:
        return NothingToExport(
            "nothing to export: no {what} changed since {since}; no file written",
            what=what,
            since=options.since,
        )
    return NothingToExport(
        "nothing to export: no {what} in this database; no file written", what=what
    )


def _zip_time(sel: Selection) -> dt.datetime:
    """Zip entry times come from the data (the newest save), not the clock."""
    return max(dt.datetime.fromisoformat(r.updated_at.replace("Z", "+00:00")) for r in sel.records)


def _bag_info(
    ws: Workspace, options: ExportOptions, sel: Selection, package_id: str, public_key: str
) -> list[tuple[str, str]]:
    forms = ", ".join(sorted({f"{fd.form_id} {fd.version}" for fd in sel.defs}))
    return [
        ("Source-Organization", SOURCE_ORGANIZATION),
        ("Contact-Name", ws.enumerator),
        ("External-Identifier", package_id),
        (
            "External-Description",
            f"FieldSurvey exchange package: {count(len(sel.records), 'record')} ({forms})",
        ),
        ("Bagging-Date", dt.datetime.now(dt.timezone.utc).date().isoformat()),
        ("Bag-Software-Agent", f"FieldSurvey {__version__}"),
        ("FieldSurvey-Package-Format", PACKAGE_FORMAT),
        ("FieldSurvey-Device-Id", ws.device_id),
        ("FieldSurvey-Device-Name", ws.device_name),
        ("FieldSurvey-App-Version", __version__),
        ("FieldSurvey-Schema-Version", str(SCHEMA_VERSION)),
        ("FieldSurvey-Record-Count", str(len(sel.records))),
        ("FieldSurvey-Revision-Count", str(sel.revision_count)),
        ("FieldSurvey-Export-Options", canonical_json(options.summary())),
        ("FieldSurvey-Public-Key", public_key),
    ]


def _digest(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size
