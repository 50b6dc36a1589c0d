"""Commands that move data between devices: export, verify, import (and the device key)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from fieldsurvey import paths
from fieldsurvey.core.errors import EXIT_OK, EXIT_REFUSED, RefusedError, count
from fieldsurvey.core.exchange import (
    ExportCancelled,
    ExportOptions,
    ExportResult,
    PackageExists,
    export_package,
)
from fieldsurvey.core.exchange.verify import KNOWN, PackageReport, verify_package
from fieldsurvey.core.keys import device_key
from fieldsurvey.core.store.db import Store, open_store
from fieldsurvey.core.workspace import Workspace


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date as YYYY-MM-DD") from None


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the top-level parser."""
    ex = sub.add_parser(
        "export",
        help="write a signed exchange package (zip): records, forms, CSV/XLSX/Stata, PDF sheets",
    )
    ex.add_argument("--out", metavar="FILE.zip", required=True, help="the package to write")
    ex.add_argument(
        "--overwrite", action="store_true", help="replace a file already at --out (default: refuse)"
    )
    which = ex.add_mutually_exclusive_group()
    which.add_argument(
        "--since-last", action="store_true", help="only records changed since the last export"
    )
    which.add_argument(
        "--since", metavar="DATE", type=_date, help="only records saved on or after DATE (UTC)"
    )
    ex.add_argument("--form", metavar="ID", help="only records of this form")
    ex.add_argument(
        "--status",
        choices=["complete", "all"],
        default="complete",
        help="complete records only (default), or drafts too",
    )
    ex.add_argument(
        "--lang", choices=["en", "zh"], default="en", help="language of labels and PDF sheets"
    )
    ex.add_argument(
        "--labels", action="store_true", help="choice labels instead of codes in the tables"
    )
    ex.add_argument("--group-paths", action="store_true", help="column headers as group/name")
    ex.add_argument(
        "--no-bom", action="store_true", help="CSV without the UTF-8 byte-order mark Excel wants"
    )
    ex.add_argument(
        "--pdf",
        choices=["all", "none"],
        default="all",
        help="a PDF sheet for every record (default), or none (quicker, smaller packages)",
    )

    ve = sub.add_parser("verify", help="check packages (zip safety, BagIt, signature, content)")
    ve.add_argument("files", nargs="+", metavar="FILE.zip")

    sub.add_parser("device", help="this device's id and signing-key fingerprint")


def cmd_export(args: argparse.Namespace) -> int:
    options = ExportOptions(
        out=Path(args.out),
        since_last=args.since_last,
        since=args.since,
        form_id=args.form,
        status=args.status,
        lang=args.lang,
        labels=args.labels,
        group_paths=args.group_paths,
        bom=not args.no_bom,
        pdf=args.pdf,
        overwrite=args.overwrite,
    )
    result: ExportResult | None = None
    try:
        with Workspace.open(args.db, create=False) as ws:
            result = export_package(
                ws, options, progress=_progress() if sys.stderr.isatty() else None
            )
    except PackageExists as exc:
        exc.lines.append("give another file name, or add --overwrite to replace it")
        raise
    except KeyboardInterrupt:  # before the export started (it cancels its own Ctrl-C)
        if result is None:
            out = options.out.expanduser().absolute()
            raise ExportCancelled("export cancelled; {path} was not written", path=out) from None
        # the package was written and remembered; only closing the database was cut short
    assert result is not None
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"wrote {result.path}: {count(result.records, 'record')}, "
        f"{count(result.revisions, 'revision')}, {count(result.files, 'file')}, "
        f"{count(result.bytes, 'byte')}"
    )
    print(f"package {result.package_id}")
    return EXIT_OK


def _progress() -> Callable[[int, int, str], None]:
    def show(done: int, total: int, what: str) -> None:
        end = "\n" if done >= total else ""
        print(f"\r[{done}/{total}] {what[:60]:<60}", end=end, file=sys.stderr, flush=True)

    return show


def _known_devices(db: str | None) -> tuple[Store | None, str]:
    """The database, if there is one to ask about devices; verify works without it."""
    target = db or paths.default_database()
    if not (isinstance(target, str) and paths.is_server_url(target)):
        target = Path(target)
        if not target.exists():
            return None, f"no database at {target}"
    try:
        return open_store(target, create=False), ""
    except RefusedError as exc:
        return None, exc.message


def cmd_verify(args: argparse.Namespace) -> int:
    store, why = _known_devices(args.db)
    failed = 0
    try:
        for file in args.files:
            report = verify_package(Path(file), store=store)
            failed += not report.ok
            _print_report(report, why)
    finally:
        if store is not None:
            store.close()
    if len(args.files) > 1:
        print(f"{len(args.files) - failed} of {len(args.files)} packages passed")
    return EXIT_REFUSED if failed else EXIT_OK


def _print_report(report: PackageReport, why: str) -> None:
    out = sys.stdout if report.ok else sys.stderr
    lines = [f"{report.path}: {'OK' if report.ok else 'REFUSED'}"]
    if report.package_id:
        lines.append(
            f"  package {report.package_id}: {count(report.records, 'record')}, "
            f"{count(report.revisions, 'revision')}, {count(report.files, 'file')}"
        )
    if report.signature != "not checked":
        device = report.device_name or "unnamed device"
        lines.append(f"  signature: {report.signature}; signed by {device} ({report.device_id})")
        if report.fingerprint:
            lines.append(f"  key fingerprint: {report.fingerprint}")
        if report.device == KNOWN:
            lines.append("  device: known to this database")
        else:
            lines.append(f"  device: {report.device}" + (f" ({why})" if why else ""))
    lines += [f"  {problem}" for problem in report.problems]
    print("\n".join(lines), file=out)


def cmd_device(args: argparse.Namespace) -> int:
    with Workspace.open(args.db, create=False) as ws:
        key = device_key(ws.store)
        print(f"device id:    {ws.device_id}")
        print(f"device name:  {ws.device_name or '(unnamed)'}")
        print(f"public key:   {key.public_b64}")
        print(f"fingerprint:  {key.fingerprint}")
    return EXIT_OK


HANDLERS: dict[tuple[str, str | None], Callable[[argparse.Namespace], int]] = {
    ("export", None): cmd_export,
    ("verify", None): cmd_verify,
    ("device", None): cmd_device,
}
