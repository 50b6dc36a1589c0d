"""The command line: parses arguments, calls the core, prints, and sets exit codes.

This module stays light on purpose: the commands import the whole core (about a second), and a
Ctrl-C during that import must end with the same one-line message as one during a command.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a Ctrl-C


def main(argv: Sequence[str] | None = None) -> int:
    """The ``fieldsurvey`` console script."""
    try:
        from fieldsurvey.cli.run import run
    except KeyboardInterrupt:
        print("fieldsurvey: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return run(argv)


__all__ = ["EXIT_INTERRUPTED", "main"]
