"""Entry point: run a command, turn user-caused errors into a message and an exit code."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from fieldsurvey.cli import commands
from fieldsurvey.cli.parser import build_parser
from fieldsurvey.core.errors import EXIT_OK, FieldSurveyError


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _open_app(args, parser)
    handler = commands.HANDLERS[(args.command, getattr(args, "action", None))]
    try:
        return handler(args) or EXIT_OK
    except FieldSurveyError as exc:
        print(f"fieldsurvey: {exc.message}", file=sys.stderr)
        for line in exc.details:
            print(f"  {line}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("fieldsurvey: interrupted", file=sys.stderr)
        return 130


def _open_app(args, parser) -> int:
    try:
        from fieldsurvey.app.main import run_app
    except ImportError:
        parser.print_help()
        return EXIT_OK
    return run_app(db=args.db)
