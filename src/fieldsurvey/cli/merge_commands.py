"""A coordinator's commands: import packages, resolve conflicts, review records, settle
possible duplicates, and see which devices and packages this database knows."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from fieldsurvey.cli.output import print_json, print_table
from fieldsurvey.core.errors import EXIT_CANCELLED, EXIT_OK, EXIT_REFUSED, UsageError, count
from fieldsurvey.core.exchange.importer import (
    CANCELLED,
    REFUSED,
    PackageOutcome,
    import_packages,
    write_receipt,
)
from fieldsurvey.core.workspace import Workspace


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the top-level parser."""
    im = sub.add_parser(
        "import",
        help="import packages from other laptops: verify each, then merge it in (or nothing)",
        description="Each package is verified (as verify does) and then imported in one "
        "transaction, or refused whole with the reason. Importing a package twice, or in any "
        "order, gives the same result.",
    )
    im.add_argument("files", nargs="+", metavar="PACKAGE.zip")
    im.add_argument("--json", action="store_true", help="machine-readable report")
    im.add_argument(
        "--receipt", metavar="DIR", help="write a receipt per package into DIR for the sender"
    )

    co = sub.add_parser("conflicts", help="fields two laptops changed differently")
    csub = co.add_subparsers(dest="action", metavar="ACTION", required=True)
    cl = csub.add_parser("list", help="open conflicts, with every value, who set it and when")
    cl.add_argument("uuid", nargs="?", metavar="UUID", help="only this record's")
    cl.add_argument("--json", action="store_true", help="machine-readable output")
    cr = csub.add_parser(
        "resolve",
        help="choose a conflict's value; the record's last choice writes the resolution",
    )
    cr.add_argument("uuid", metavar="UUID")
    cr.add_argument("field", metavar="FIELD", help="as conflicts list shows it")
    how = cr.add_mutually_exclusive_group(required=True)
    how.add_argument("--take", metavar="REVISION", help="the value that revision set")
    how.add_argument("--value", metavar="VALUE", help="another value, as records set takes it")

    rv = sub.add_parser("review", help="approve, reject or reopen a record (a review revision)")
    rv.add_argument("uuid", metavar="UUID")
    rv.add_argument("decision", choices=["approve", "reject", "reopen"])
    rv.add_argument("--comment", metavar="TEXT", default="", help="travels with the decision")

    du = sub.add_parser("duplicates", help="possible duplicate villages and village profiles")
    dsub = du.add_subparsers(dest="action", metavar="ACTION", required=True)
    dl = dsub.add_parser("list", help="pairs waiting for a decision")
    dl.add_argument("--all", action="store_true", help="decided pairs too")
    dl.add_argument("--json", action="store_true", help="machine-readable output")
    for name, text in (("link", "they are the same"), ("apart", "they are different")):
        p = dsub.add_parser(name, help=f"settle a pair: {text}")
        p.add_argument("first", metavar="FIRST")
        p.add_argument("second", metavar="SECOND")

    dv = sub.add_parser("devices", help="devices this database knows, with key fingerprints")
    dv.add_argument("--json", action="store_true", help="machine-readable output")

    ip = sub.add_parser("imports", help="packages imported into this database, newest first")
    ip.add_argument("--json", action="store_true", help="machine-readable output")


def _open(args: argparse.Namespace) -> Workspace:
    return Workspace.open(args.db, create=False)


def cmd_import(args: argparse.Namespace) -> int:
    folder = Path(args.receipt).expanduser() if args.receipt else None
    if folder is not None and not folder.is_dir():
        raise UsageError("--receipt {path}: not a folder", path=folder)
    progress = _progress() if sys.stderr.isatty() and not args.json else None
    with _open(args) as ws:  # Ctrl-C: the package in progress is rolled back, the rest left
        outcomes = import_packages(ws, [Path(f) for f in args.files], progress=progress)
    if progress is not None:
        print(file=sys.stderr)  # past the progress line
    receipts = [write_receipt(o, folder) for o in outcomes if folder and o.package_id]
    if args.json:
        print_json([o.as_json() for o in outcomes])
    else:
        for outcome in outcomes:
            _print_outcome(outcome)
        for path in receipts:
            print(f"receipt: {path}")
        if len(outcomes) > 1:
            taken = sum(o.result not in (REFUSED, CANCELLED) for o in outcomes)
            print(f"{taken} of {len(outcomes)} packages imported or already here")
    if any(o.result == CANCELLED for o in outcomes):
        return EXIT_CANCELLED
    return EXIT_REFUSED if any(o.result == REFUSED for o in outcomes) else EXIT_OK


def _progress() -> Callable[[int, int, str], None]:
    def show(done: int, total: int, what: str) -> None:
        print(f"\r{what[:70]:<70}", end="", file=sys.stderr, flush=True)

    return show


def _print_outcome(o: PackageOutcome) -> None:
    out = sys.stderr if o.result == REFUSED else sys.stdout
    lines = [f"{o.file}: {o.result.upper()}"]
    if o.package_id:
        device = o.device_name or "unnamed device"
        lines.append(f"  package {o.package_id} from {device} ({o.device_id})")
    c = o.counts()
    if o.result not in (REFUSED, CANCELLED):
        lines.append(
            f"  added {c['added']}, fast-forwarded {c['fast_forwarded']}, merged "
            f"{c['merged']}, conflicts {c['conflicts']}, possible duplicates "
            f"{c['possible_duplicates']}, already had {c['already_had']}"
        )
        if o.flagged:
            lines.append(f"  flagged for review (changed after review): {len(o.flagged)}")
        for rid, n in sorted(o.conflicts.items()):
            lines.append(f"  conflict: record {rid}: {count(n, 'field')} to resolve")
        for pair in o.duplicates:
            lines.append(f"  possible duplicate {pair['kind']}s: {pair['first']} and "
                         f"{pair['second']} ({pair['reason']})")  # fmt: skip
        if o.forms_added:
            lines.append(f"  forms added: {', '.join(o.forms_added)}")
        if o.villages_added:
            lines.append(f"  villages added: {', '.join(o.villages_added)}")
        if o.photos_added:
            lines.append(f"  photos added: {o.photos_added}")
    lines += [f"  warning: {w}" for w in o.warnings]
    lines += [f"  {reason}" for reason in o.reasons]
    print("\n".join(lines), file=out)


def cmd_conflicts_list(args: argparse.Namespace) -> int:
    from fieldsurvey.core.review import conflicts, describe

    with _open(args) as ws:
        views = conflicts(ws, args.uuid)
    if args.json:
        print_json([v.as_json() for v in views])
        return EXIT_OK
    if not views:
        print("no open conflicts")
    for v in views:
        print(f"record {v.record_id} ({v.form_id}, village {v.village_code or '-'}): {v.shown}")
        print(f"  before: {json.dumps(v.base, ensure_ascii=False)}")
        for c in v.candidates:
            print(f"  {describe(c)}")
        if v.choice:
            print(f"  chosen so far: {json.dumps(v.choice.get('value'), ensure_ascii=False)}")
    return EXIT_OK


def cmd_conflicts_resolve(args: argparse.Namespace) -> int:
    from fieldsurvey.core.review import choose

    with _open(args) as ws:
        done = choose(ws, args.uuid, args.field, take=args.take, value=args.value)
    if done.revision_id:
        print(f"resolved: record {done.record_id}, revision {done.revision_id}")
    else:
        print(f"chosen; record {done.record_id} has {count(done.remaining, 'conflict')} left")
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    from fieldsurvey.core.review import decide

    with _open(args) as ws:
        revision = decide(ws, args.uuid, args.decision, args.comment)
        record = ws.record(args.uuid)
    print(f"{record.id}: {record.status} (revision {revision})")
    return EXIT_OK


def cmd_duplicates_list(args: argparse.Namespace) -> int:
    from fieldsurvey.core.review import duplicates

    with _open(args) as ws:
        pairs = duplicates(ws, status=None if args.all else "open")
    if args.json:
        print_json([p.__dict__ for p in pairs])
        return EXIT_OK
    print_table(
        ["kind", "first", "second", "status", "reason"],
        [[p.kind, p.first, p.second, p.status, p.reason] for p in pairs],
    )
    return EXIT_OK


def _settle(args: argparse.Namespace, link: bool) -> int:
    from fieldsurvey.core.review import settle_duplicate

    with _open(args) as ws:
        pair = settle_duplicate(ws, args.first, args.second, link=link)
    print(f"{pair.kind}s {pair.first} and {pair.second}: {pair.status}")
    return EXIT_OK


def cmd_devices(args: argparse.Namespace) -> int:
    from fieldsurvey.core.keys import known_devices

    with _open(args) as ws:
        devices = known_devices(ws.store)
    if args.json:
        print_json([d.__dict__ for d in devices])
        return EXIT_OK
    print_table(
        ["device", "name", "fingerprint", "first seen"],
        [
            [d.id, d.name + (" (this device)" if d.this_device else ""),
             d.fingerprint or "(no key yet)", d.first_seen[:10]]
            for d in devices
        ],
    )  # fmt: skip
    return EXIT_OK


def cmd_imports(args: argparse.Namespace) -> int:
    from fieldsurvey.core.exchange.importer import import_history

    with _open(args) as ws:
        reports = import_history(ws)
    if args.json:
        print_json(reports)
        return EXIT_OK
    print_table(
        ["imported at", "file", "device", "result", "added", "merged", "conflicts"],
        [
            [r["imported_at"][:19].replace("T", " "), Path(r["file"]).name,
             r["device_name"] or r["device_id"][:8], r["result"], r["counts"]["added"],
             r["counts"]["merged"] + r["counts"]["fast_forwarded"], r["counts"]["conflicts"]]
            for r in reports
        ],
    )  # fmt: skip
    return EXIT_OK


HANDLERS: dict[tuple[str, str | None], Callable[[argparse.Namespace], int]] = {
    ("import", None): cmd_import,
    ("conflicts", "list"): cmd_conflicts_list,
    ("conflicts", "resolve"): cmd_conflicts_resolve,
    ("review", None): cmd_review,
    ("duplicates", "list"): cmd_duplicates_list,
    ("duplicates", "link"): lambda args: _settle(args, True),
    ("duplicates", "apart"): lambda args: _settle(args, False),
    ("devices", None): cmd_devices,
    ("imports", None): cmd_imports,
}
