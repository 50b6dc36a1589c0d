"""Commands that need the desktop app's widgets (rendering screenshots)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from fieldsurvey.core.errors import EXIT_OK, RefusedError


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the top-level parser."""
    shots = sub.add_parser(
        "screenshots",
        help="render the main screens to PNG at 1280x800, in English and Chinese",
        description="Renders the villages list, a half-filled village profile with a problem, "
        "a repeat section, the records list and the review page with a record two laptops "
        "changed differently, each in English and Chinese (villages_en.png, villages_zh.png, "
        "...). Uses demo data in a temporary database, or a copy of --db; the database itself "
        "is never changed.",
    )
    shots.add_argument("--out", metavar="DIR", required=True, help="folder for the PNG files")


def cmd_screenshots(args: argparse.Namespace) -> int:
    try:
        from fieldsurvey.app.screenshots import run
    except ImportError as exc:
        raise RefusedError(f"the desktop app is not installed ({exc})") from exc
    for path in run(args.db, Path(args.out)):
        print(path)
    return EXIT_OK


HANDLERS: dict[tuple[str, str | None], Callable[[argparse.Namespace], int]] = {
    ("screenshots", None): cmd_screenshots,
}
