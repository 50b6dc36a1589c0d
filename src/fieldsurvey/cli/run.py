"""Running one command: user-caused errors become a message and an exit code, never a traceback."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from fieldsurvey.cli import EXIT_INTERRUPTED, commands
from fieldsurvey.cli.parser import build_parser
from fieldsurvey.core.errors import EXIT_NO_DISPLAY, EXIT_OK, FieldSurveyError


def run(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
    except KeyboardInterrupt:
        print("fieldsurvey: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _drop_stdout()
        return EXIT_OK  # `fieldsurvey records list | head`: the reader has all it wanted


def _drop_stdout() -> None:
    """Point stdout at the null device, so Python's own flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (stdout replaced, as in tests)
        pass


def _open_app(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if not has_display():
        print(
            "fieldsurvey: no graphical display here, so the desktop app cannot open.\n"
            "  Use the command line instead (fieldsurvey --help), for example:\n"
            "  fieldsurvey records list",
            file=sys.stderr,
        )
        return EXIT_NO_DISPLAY
    try:
        from fieldsurvey.app.main import run_app
    except ImportError:
        parser.print_help()
        return EXIT_OK
    return run_app(db=args.db)


def has_display() -> bool:
    """Whether Qt can show a window: on Linux it needs X11 or Wayland (or a platform chosen
    explicitly, such as offscreen); without one Qt aborts the process instead of failing."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
