"""Opening the desktop app from the command line, where there may be no screen for it."""

from __future__ import annotations

import os
import sys


def has_display() -> bool:
    """Whether Qt can show a window: on Linux it needs X11 or Wayland (or a platform chosen
    explicitly, such as offscreen); without one Qt aborts the process instead of failing."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_desktop(db: str | None) -> int | None:
    """Run the desktop app on *db* (the default database when None) and return its exit code;
    None, having done nothing, when the app is not installed."""
    try:
        from fieldsurvey.app.main import run_app
    except ImportError:
        return None
    return run_app(db=db)
