"""A drive that will not take a write (read-only, full, a folder we may not use) is a plain
message and exit code, never a traceback, and never a half-made save."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from sqlalchemy import event

from fieldsurvey.cli import main
from fieldsurvey.core.errors import EXIT_REFUSED, RefusedError
from fieldsurvey.core.store import db as store_db
from fieldsurvey.core.store import lock as store_lock
from fieldsurvey.core.store import open_store
from fieldsurvey.core.workspace import Workspace


def _readonly(monkeypatch, *paths: Path) -> None:
    """Tests may run as root, for whom every file is writable: ask os.access to say no."""
    real = os.access
    denied = {str(p) for p in paths}
    monkeypatch.setattr(
        store_db.os,
        "access",
        lambda p, mode: False if str(p) in denied and mode == os.W_OK else real(p, mode),
    )


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_database_is_refused_when_opened(tmp_path: Path, monkeypatch, what) -> None:
    path = tmp_path / "survey.db"
    open_store(path).close()
    before = path.read_bytes()
    _readonly(monkeypatch, path if what == "file" else tmp_path)
    with pytest.raises(RefusedError, match=f"the {what} is read-only; copy the database"):
        open_store(path, create=False)
    assert path.read_bytes() == before


def test_a_folder_that_cannot_be_made_is_a_message(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    code = main(["--db", str(blocker / "sub" / "survey.db"), "init"])
    assert code == EXIT_REFUSED
    assert "cannot use this folder" in capsys.readouterr().err


def test_a_lock_file_that_cannot_be_made_is_a_message(tmp_path: Path, monkeypatch) -> None:
    def denied(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(store_lock.os, "open", denied)
    with pytest.raises(RefusedError, match=r"cannot use this folder \(Permission denied\)"):
        open_store(tmp_path / "survey.db")


@pytest.mark.parametrize(
    ("pragma", "reason"),
    [("max_page_count = {pages}", "disk is full"), ("query_only = ON", "readonly database")],
)
def test_a_save_the_drive_refuses_is_a_message_and_saves_nothing(
    tmp_path: Path, pragma: str, reason: str
) -> None:
    with Workspace.open(tmp_path / "survey.db") as ws:
        ws.initialise()
        with ws.store.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

        def limit(conn) -> None:
            conn.exec_driver_sql(f"PRAGMA {pragma.format(pages=pages)}")

        event.listen(ws.store.engine, "begin", limit)
        answers = {"respondent_name": "叶" * 200_000}  # needs new pages
        with pytest.raises(RefusedError, match=f"{reason}.*nothing was saved"):
            ws.add_record("village_profile", answers)
        event.remove(ws.store.engine, "begin", limit)
        ws.store.engine.dispose()  # fresh connections, without the limit
        assert ws.records() == []
        assert ws.store.integrity_ok()
        ws.add_record("village_profile", answers)  # the same store works once there is room
        assert len(ws.records()) == 1


def test_a_server_database_that_cannot_be_used_is_a_message_without_the_password(
    capsys,
) -> None:
    # no PostgreSQL driver installed, or nothing listening on port 1: refused either way
    url = "postgresql://surveyor:s3cret@127.0.0.1:1/fieldsurvey"
    assert main(["--db", url, "records", "list"]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.startswith("fieldsurvey: postgresql://surveyor:***@127.0.0.1:1/fieldsurvey: ")
    assert "s3cret" not in err and "Traceback" not in err
