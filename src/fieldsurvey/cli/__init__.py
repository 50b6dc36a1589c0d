"""The command line: parses arguments, calls the core, prints, and sets exit codes."""

from fieldsurvey.cli.main import main

__all__ = ["main"]
