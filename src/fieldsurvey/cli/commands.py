"""One small function per command; each opens the workspace, calls the core and prints."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from fieldsurvey.cli import app_commands, exchange_commands
from fieldsurvey.cli.output import print_json, print_table
from fieldsurvey.cli.records_view import record_json, revision_json, show_record
from fieldsurvey.core.errors import EXIT_OK, EXIT_REFUSED, RefusedError, UsageError
from fieldsurvey.core.forms.builder import check_form
from fieldsurvey.core.workspace import Workspace

Handler = Callable[[argparse.Namespace], int]


def _open(args: argparse.Namespace, create: bool = False) -> Workspace:
    return Workspace.open(args.db, create=create)


def cmd_init(args: argparse.Namespace) -> int:
    with _open(args, create=True) as ws:
        result = ws.initialise(enumerator=args.enumerator, device=args.device)
        print(f"database: {ws.store.path}")
        print(f"device: {ws.device_name or '(unnamed)'} {ws.device_id}")
        print(f"enumerator: {ws.enumerator or '(not set; use --enumerator NAME)'}")
        print(
            f"forms added: {result['forms_added']}; villages in registry file: {result['villages']}"
        )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from fieldsurvey.core.demo import add_demo_data

    with _open(args, create=True) as ws:
        if not ws.form_defs():
            ws.initialise()
        added = add_demo_data(ws)
        print(f"demo records added: {added} (already present ones are left as they are)")
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
            print(f"{file}: {len(result.problems)} problem(s)", file=sys.stderr)
            for problem in result.problems:
                print(f"  {problem.location()}: {problem.message}", file=sys.stderr)
        else:
            form = result.form
            questions = sum(1 for f in form.fields() if f.kind not in ("note", "calculate"))
            langs = ", ".join(code or "default" for code in form.languages)
            print(
                f"{file}: ok — {form.form_id} version {form.version}, {questions} questions, languages: {langs}"
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


def cmd_records_list(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        records = ws.records(form_id=args.form, status=args.status)
        if args.json:
            print_json([record_json(r, answers=False) for r in records])
            return EXIT_OK
        print_table(
            ["uuid", "form", "village", "status", "updated", "enumerator"],
            [
                (r.id, r.form_id, r.village_code, r.status, r.updated_at, r.enumerator)
                for r in records
            ],
        )
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
        print(ws.duplicate(args.uuid).record.id)
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
    **app_commands.HANDLERS,
}
