"""Commands that move data between devices: export, verify, import (and the device key)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

HANDLERS: dict[tuple[str, str | None], Callable[[argparse.Namespace], int]] = {}


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the top-level parser."""
