"""The command line: parses arguments, calls the core, prints, and sets exit codes.

This module stays light on purpose: the commands import the whole core (about a second), and a
Ctrl-C during that import must end as one during the command would: one line, and for
``export`` the code of a cancelled export.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

EXIT_CANCELLED = 4  # an export cancelled (fieldsurvey.core.exchange.EXIT_CANCELLED)
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a Ctrl-C


def main(argv: Sequence[str] | None = None) -> int:
    """The ``fieldsurvey`` console script."""
    try:
        from fieldsurvey.cli.run import run
    except KeyboardInterrupt:
        return interrupted(argv)
    return run(argv)


def command_of(argv: Sequence[str]) -> str | None:
    """The command word of *argv* (``export`` in ``--db x.db export --out p.zip``), read
    without the parser, which cannot be imported yet."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def interrupted(argv: Sequence[str] | None) -> int:
    """Say that Ctrl-C stopped the command, and give its exit code: an export is cancelled
    (nothing is written before its very end), anything else is interrupted."""
    if command_of(sys.argv[1:] if argv is None else argv) == "export":
        print("fieldsurvey: export cancelled; nothing was written", file=sys.stderr)
        return EXIT_CANCELLED
    print("fieldsurvey: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


__all__ = ["EXIT_CANCELLED", "EXIT_INTERRUPTED", "command_of", "interrupted", "main"]
