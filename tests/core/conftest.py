"""Fixtures shared by the core's command-line tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldsurvey.cli import main
from fieldsurvey.core.errors import EXIT_OK


@pytest.fixture
def db(tmp_path: Path, capsys) -> str:
    """A database as `fieldsurvey init --enumerator "Wang Li"` makes it (a module may define
    its own ``db`` for another start)."""
    path = str(tmp_path / "field.db")
    assert main(["--db", path, "init", "--enumerator", "Wang Li"]) == EXIT_OK
    capsys.readouterr()
    return path
