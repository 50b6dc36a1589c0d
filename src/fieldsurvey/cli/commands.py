"""One small function per command; each opens the workspace, calls the core and prints."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from fieldsurvey import paths
from fieldsurvey.cli import app_commands, exchange_commands, merge_commands
from fieldsurvey.cli.desktop import has_display, run_desktop
from fieldsurvey.cli.output import print_json, print_table
from fieldsurvey.cli.records_view import record_json, revision_json, show_record
from fieldsurvey.core.errors import EXIT_OK, EXIT_REFUSED, Phrase, RefusedError, UsageError, count
from fieldsurvey.core.forms.builder import check_form
from fieldsurvey.core.workspace import Workspace

Handler = Callable[[argparse.Namespace], int]


def _open(args: argparse.Namespace, create: bool = False) -> Workspace:
    return Workspace.open(args.db, create=create)


def cmd_init(args: argparse.Namespace) -> int:
    with _open(args, create=True) as ws:
        result = ws.initialise(enumerator=args.enumerator, device=args.device)
        print(f"database: {ws.store.path or ws.store.url}")
        print(f"device: {ws.device_name or '(unnamed)'} {ws.device_id}")
        print(f"enumerator: {ws.enumerator or '(not set; use --enumerator NAME)'}")
        print(
            f"forms added: {result['forms_added']}; villages in registry file: {result['villages']}"
        )
    return EXIT_OK


def shell_quote(path: str | Path) -> str:
    """*path* as it would be typed in this system's shell."""
    text = str(path)
    return shlex.quote(text) if os.name == "posix" else subprocess.list2cmdline([text])


def demo_db_path(args: argparse.Namespace) -> Path:
    """Where the demo goes: --db, else a demo database of its own. Never $FIELDSURVEY_DB: that
    names the real database, whose records go out in exports."""
    return Path(args.db) if args.db else paths.default_demo_db_path()


def cmd_demo(args: argparse.Namespace) -> int:
    from fieldsurvey.core.demo import add_demo_data, check_demo_target

    if args.db and paths.is_server_url(args.db):
        raise UsageError(
            "the demo's sample records go into a database file of their own, not a server "
            "database; leave out --db, or give a file"
        )
    target = demo_db_path(args).expanduser()
    if args.path:
        print(target.absolute())
        return EXIT_OK
    own = target.absolute() == paths.default_demo_db_path().absolute()
    real = target.absolute() == paths.default_db_path().expanduser().absolute()
    if real and not args.force:
        raise RefusedError(
            "{path} is the real database, whose records go out in exports; the demo goes into "
            "a database of its own (leave out --db), or add --force",
            path=target,
        )
    with Workspace.open(target, create=True) as ws:
        if not (args.force or own):  # records tried out in the demo database are fine there
            check_demo_target(ws)  # refused: a database holding someone's own records
        if not ws.form_defs():  # a new database: set up like a laptop in the field
            ws.initialise(
                enumerator=None if ws.enumerator else "Wang Li",
                device=None if ws.device_name else "Demo laptop",
            )
        added = add_demo_data(ws)
        shown = ws.store.path or target.absolute()
    print(f"demo database: {shown}")
    print(f"sample records added: {added} (ones already there are left as they are)")
    opener = f"fieldsurvey --db {shell_quote(shown)}"
    if not args.open:
        print(f"open it with: {opener}")
        return EXIT_OK
    if has_display():
        code = run_desktop(str(shown))
        if code is not None:
            return code
        why = "the desktop app is not installed"
    else:
        why = "no graphical display here"
    print(f"({why}, so here are its records; on a machine with a display: {opener})")
    with Workspace.open(shown, create=False) as ws:
        _records_table(ws.records())
    return EXIT_OK


def cmd_forms_list(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        defs = ws.form_defs()
        if args.json:
            print_json(
                [
                    {
                        "form_id": d.form_id,
                        "version": d.version,
                        "title": d.title,
                        "sha256": d.sha256,
                        "added_at": d.added_at,
                    }
                    for d in defs
                ]
            )
            return EXIT_OK
        print_table(
            ["form", "version", "title", "added"],
            [(d.form_id, d.version, d.title, d.added_at) for d in defs],
        )
    return EXIT_OK


def cmd_forms_check(args: argparse.Namespace) -> int:
    failed = 0
    for file in args.files:
        result = check_form(Path(file))
        for warning in result.warnings:
            print(f"{file}: warning: {warning}", file=sys.stderr)
        if result.form is None:
            failed += 1
            print(f"{file}: {count(len(result.problems), 'problem')}", file=sys.stderr)
            for problem in result.problems:
                print(f"  {problem.location()}: {problem.message}", file=sys.stderr)
        else:
            form = result.form
            questions = sum(1 for f in form.fields() if f.kind not in ("note", "calculate"))
            langs = ", ".join(code or "default" for code in form.languages)
            print(
                f"{file}: ok — {form.form_id} version {form.version}, "
                f"{count(questions, 'question')}, languages: {langs}"
            )
    return EXIT_REFUSED if failed else EXIT_OK


def cmd_forms_add(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        fd, new = ws.add_form(args.file)
        state = "added" if new else "already present"
        print(f"{fd.form_id} version {fd.version}: {state}")
    return EXIT_OK


def cmd_villages_list(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        villages = ws.villages()
        if args.json:
            print_json(
                [
                    {
                        "code": v.code,
                        "name_zh": v.name_zh,
                        "name_en": v.name_en,
                        "township": v.township,
                        "township_zh": v.township_zh,
                        "county": v.county,
                        "latitude": v.latitude,
                        "longitude": v.longitude,
                        "provisional": v.provisional,
                        "same_as": v.same_as,
                    }
                    for v in villages
                ]
            )
            return EXIT_OK
        print_table(
            ["code", "village", "pinyin", "township", "latitude", "longitude"],
            [
                (v.code, v.name_zh, v.name_en, v.township_zh or v.township, v.latitude, v.longitude)
                for v in villages
            ],
        )
    return EXIT_OK


def cmd_villages_add(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        village = ws.add_village(
            code=args.code,
            name_zh=args.name_zh,
            name_en=args.name_en,
            township=args.township,
            latitude=args.latitude,
            longitude=args.longitude,
        )
        print(village.code)
    return EXIT_OK


def cmd_villages_import(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        count = ws.import_villages(args.file)
        print(f"villages imported or updated: {count}")
    return EXIT_OK


def _known_form(ws: Workspace, form_id: str) -> None:
    """A form the database does not have is a usage error naming the ones it has, as for
    ``records add`` (an empty list would look like a form with no records)."""
    known = sorted({d.form_id for d in ws.form_defs()})
    if form_id not in known:
        raise UsageError(
            "form '{form_id}' is not in the database (forms: {known})",
            form_id=form_id,
            known=", ".join(known) or Phrase("none"),
        )


def _records_table(records: list) -> None:
    print_table(
        ["uuid", "form", "village", "status", "updated", "enumerator"],
        [(r.id, r.form_id, r.village_code, r.status, r.updated_at, r.enumerator) for r in records],
    )


def cmd_records_list(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        if args.form is not None:
            _known_form(ws, args.form)
        records = ws.records(form_id=args.form, status=args.status)
        if args.json:
            print_json([record_json(r, answers=False) for r in records])
            return EXIT_OK
        _records_table(records)
    return EXIT_OK


def _read_json(path: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise RefusedError(f"{path}: cannot read the file ({exc.strerror})") from exc
    except json.JSONDecodeError as exc:
        raise RefusedError(f"{path}: not valid JSON ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise RefusedError(f"{path}: not valid JSON (not UTF-8 text)") from exc
    except RecursionError as exc:
        raise RefusedError(f"{path}: not valid JSON (nested too deeply)") from exc
    except ValueError as exc:  # Python reads no integer of 4,300 digits or more
        raise RefusedError(f"{path}: not valid JSON (a number with too many digits)") from exc
    if not isinstance(data, dict):
        raise RefusedError(f"{path}: expected a JSON object of answers keyed by field name")
    return data


def cmd_records_add(args: argparse.Namespace) -> int:
    answers = _read_json(args.data)
    with _open(args) as ws:
        saved = ws.add_record(args.form, answers, village=args.village, complete=args.complete)
        print(saved.record.id)
    return EXIT_OK


def cmd_records_show(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        record = ws.record(args.uuid)
        if args.json:
            print_json(record_json(record))
            return EXIT_OK
        show_record(ws, record, lang=args.lang)
    return EXIT_OK


def cmd_records_set(args: argparse.Namespace) -> int:
    assignments: dict[str, str] = {}
    for item in args.assignments:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"'{item}': write answers as NAME=VALUE")
        assignments[name.strip()] = value
    with _open(args) as ws:
        saved = ws.set_values(args.uuid, assignments, complete=args.complete)
        print(f"{saved.record.id}: revision {saved.revision_id} ({saved.record.status})")
    return EXIT_OK


def cmd_records_duplicate(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        saved = ws.duplicate(args.uuid)
    print(saved.record.id)
    if saved.dropped:  # the newest form version has no place for them: say so, as the app does
        names = ", ".join(saved.dropped)
        print(f"not copied (this form version no longer asks them): {names}", file=sys.stderr)
    return EXIT_OK


def cmd_records_history(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        revisions = ws.history(args.uuid)
        if args.json:
            print_json([revision_json(r, prev) for r, prev in zip(revisions, [None, *revisions])])
            return EXIT_OK
        rows = []
        for rev, prev in zip(revisions, [None, *revisions]):
            changed = revision_json(rev, prev)["changed"]
            rows.append(
                (
                    rev.id[:8],
                    rev.created_at,
                    rev.author,
                    rev.status,
                    rev.kind,
                    ", ".join(changed[:6]) + (" …" if len(changed) > 6 else ""),
                )
            )
        print_table(["revision", "saved", "author", "status", "kind", "changed"], rows)
    return EXIT_OK


HANDLERS: dict[tuple[str, str | None], Handler] = {
    ("init", None): cmd_init,
    ("demo", None): cmd_demo,
    ("forms", "list"): cmd_forms_list,
    ("forms", "check"): cmd_forms_check,
    ("forms", "add"): cmd_forms_add,
    ("villages", "list"): cmd_villages_list,
    ("villages", "add"): cmd_villages_add,
    ("villages", "import"): cmd_villages_import,
    ("records", "list"): cmd_records_list,
    ("records", "add"): cmd_records_add,
    ("records", "show"): cmd_records_show,
    ("records", "set"): cmd_records_set,
    ("records", "duplicate"): cmd_records_duplicate,
    ("records", "history"): cmd_records_history,
    **exchange_commands.HANDLERS,
    **merge_commands.HANDLERS,
    **app_commands.HANDLERS,
}
