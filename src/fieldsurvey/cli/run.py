"""Running one command: user-caused errors become a message and an exit code, never a traceback."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from fieldsurvey.cli import commands, interrupted
from fieldsurvey.cli.desktop import has_display, run_desktop
from fieldsurvey.cli.parser import build_parser
from fieldsurvey.core.errors import EXIT_NO_DISPLAY, EXIT_OK, FieldSurveyError

NO_DISPLAY = (
    "fieldsurvey: no graphical display here, so the desktop app cannot open.\n"
    "  Use the command line instead (fieldsurvey --help), for example:\n"
    "  fieldsurvey{db} records list"
)


def run(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        return _run(argv)
    except KeyboardInterrupt:  # export turns its own into a cancel; this is anywhere else
        return interrupted(argv)


def _run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _merge_db(args, parser)
    if args.command is None:
        return _open_app(args, parser)
    handler = commands.HANDLERS[(args.command, getattr(args, "action", None))]
    try:
        code = handler(args) or EXIT_OK
        sys.stdout.flush()  # inside the try: a reader that went away is seen here
        return code
    except FieldSurveyError as exc:
        print(f"fieldsurvey: {exc.message}", file=sys.stderr)
        for line in exc.details:
            print(f"  {line}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        _drop_stdout()
        return EXIT_OK  # `fieldsurvey records list | head`: the reader has all it wanted


def _merge_db(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """``--db`` before the command or after it means the same; both at once is a usage error,
    so two different databases can never be meant and one silently used."""
    after = vars(args).pop("db_after", None)
    if after is None:
        return
    if args.db is not None:
        parser.error("--db given both before and after the command; give it once")
    args.db = after


def _drop_stdout() -> None:
    """Point stdout at the null device, so Python's own flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (stdout replaced, as in tests)
        pass


def _open_app(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if not has_display():
        db = f" --db {commands.shell_quote(args.db)}" if args.db else ""
        print(NO_DISPLAY.format(db=db), file=sys.stderr)
        return EXIT_NO_DISPLAY
    code = run_desktop(args.db)
    if code is None:  # the desktop app is not installed
        parser.print_help()
        return EXIT_OK
    return code


__all__ = ["has_display", "run"]
