"""Opening, creating, refusing and locking store databases, and the migration that builds them."""

from __future__ import annotations

import hashlib
import io
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import fieldsurvey
from fieldsurvey.core.errors import RefusedError
from fieldsurvey.core.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    Record,
    create_record,
    open_store,
)
from fieldsurvey.core.store.db import alembic_config, known_revisions, lock_path
from fieldsurvey.core.store.models import SETTING_DEVICE_NAME, SETTING_ENUMERATOR

SRC = Path(fieldsurvey.__file__).resolve().parents[1]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_ours(path: Path) -> None:
    open_store(path).close()


# -- creating -------------------------------------------------------------------------------


def test_creates_database_and_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "survey.db"
    with open_store(path) as store:
        assert store.path == path
        assert store.integrity_ok()
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0004",)]
    finally:
        con.close()


def test_create_false_refuses_a_missing_file_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "survey.db"
    with pytest.raises(RefusedError, match="does not exist"):
        open_store(path, create=False)
    assert not path.parent.exists()


@pytest.mark.parametrize("kind", ["zero_bytes", "empty_sqlite"])
def test_initialises_an_empty_database(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "survey.db"
    if kind == "zero_bytes":
        path.write_bytes(b"")
    else:
        con = sqlite3.connect(path)
        con.execute("VACUUM")  # writes a header, no tables
        con.close()
    with open_store(path, create=False) as store:
        assert store.integrity_ok()


def test_reopen_keeps_data_device_and_settings(database: Path | str) -> None:
    with open_store(database) as store:
        device_id = store.device_id
        store.set_setting(SETTING_ENUMERATOR, "李明")
        with store.session() as s:
            record = create_record(
                session=s,
                form_id="profile",
                form_version="1",
                answers={"q": "水"},
                status="draft",
                village_code=None,
                author="李明",
                device_id=device_id,
                hlc=store.hlc_now(session=s),
            )
    with open_store(database, create=False) as store:
        assert store.device_id == device_id
        assert store.local_device().id == device_id
        assert store.get_setting(SETTING_ENUMERATOR) == "李明"
        assert store.get_setting("missing", "fallback") == "fallback"
        with store.session() as s:
            assert s.get(Record, record.id).answers_dict() == {"q": "水"}


def test_local_device_is_created_once_and_follows_its_name_setting(database: Path | str) -> None:
    with open_store(database) as store:
        first = store.local_device()
        assert first.is_local and first.id == store.device_id
        store.set_setting(SETTING_DEVICE_NAME, "Laptop 7")
        again = store.local_device()
        assert again.id == first.id and again.name == "Laptop 7"


def test_every_connection_has_the_durability_pragmas(tmp_path: Path) -> None:
    expected = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 5000}
    with open_store(tmp_path / "survey.db") as store:
        for write in (True, False):
            with store.session(write=write) as s:
                conn = s.connection()
                found = {k: conn.exec_driver_sql(f"PRAGMA {k}").scalar() for k in expected}
                assert found == expected  # synchronous 2 is FULL


def test_foreign_keys_are_enforced(database: Path | str) -> None:
    with open_store(database) as store:
        with pytest.raises(IntegrityError), store.session() as s:
            create_record(
                session=s,
                form_id="profile",
                form_version="1",
                answers={},
                status="draft",
                village_code="no-such-village",
                author="a",
                device_id=store.device_id,
                hlc=store.hlc_now(session=s),
            )


def test_closed_store_refuses_sessions_and_close_is_idempotent(database: Path | str) -> None:
    store = open_store(database)
    store.close()
    store.close()
    assert store.closed
    with pytest.raises(RuntimeError, match="closed"), store.session():
        pass


# -- refusing, without changing a byte -----------------------------------------------------


def _foreign_sqlite(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE birds (name TEXT)")
    con.execute("INSERT INTO birds VALUES ('heron')")
    con.commit()
    con.close()


def _foreign_app_id_empty(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA application_id = 1234")
    con.close()


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(8192))


def _sqlite_header_then_garbage(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + random.Random(8).randbytes(8192))


def _newer_user_version(path: Path) -> None:
    make_ours(path)
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()


def _newer_alembic_revision(path: Path) -> None:
    make_ours(path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (_random_bytes, "is not a FieldSurvey database"),
        (_sqlite_header_then_garbage, "is not a readable FieldSurvey database"),
        (_foreign_sqlite, "is not a FieldSurvey database"),
        (_foreign_app_id_empty, "is not a FieldSurvey database"),
        (_newer_user_version, "was written by a newer FieldSurvey; update the app"),
        (_newer_alembic_revision, "was written by a newer FieldSurvey; update the app"),
    ],
    ids=["random", "header-garbage", "foreign", "foreign-app-id", "newer-pragma", "newer-alembic"],
)
def test_refused_file_is_left_byte_identical(tmp_path: Path, prepare, message: str) -> None:
    path = tmp_path / "survey.db"
    prepare(path)
    before = digest(path)
    listing = sorted(p.name for p in tmp_path.iterdir())
    for create in (True, False):
        with pytest.raises(RefusedError, match=message) as info:
            open_store(path, create=create)
        assert str(path) in info.value.message
        assert digest(path) == before
    if prepare in (_random_bytes, _sqlite_header_then_garbage, _foreign_sqlite):
        # nothing was created beside a file that is not ours, not even a lock file
        assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RefusedError, match="not a FieldSurvey database"):
        open_store(tmp_path)


# -- locking --------------------------------------------------------------------------------


def test_second_open_in_the_same_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "survey.db"
    with open_store(path):
        with pytest.raises(RefusedError, match="is open in another FieldSurvey window or process"):
            open_store(path)
    with open_store(path) as store:  # released on close
        assert store.integrity_ok()
    assert lock_path(path).exists()  # the lock file stays; only the lock goes


_HOLDER = """
import sys
from fieldsurvey.core.store import open_store
store = open_store(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
store.close()
"""


def test_open_in_another_process_is_refused_until_it_closes(tmp_path: Path) -> None:
    path = tmp_path / "survey.db"
    make_ours(path)
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        before = digest(path)
        with pytest.raises(RefusedError, match="is open in another FieldSurvey window or process"):
            open_store(path)
        assert digest(path) == before
    finally:
        child.communicate("done\n", timeout=30)
    assert child.returncode == 0
    with open_store(path) as store:
        assert store.integrity_ok()


# -- migrations ------------------------------------------------------------------------------


def test_migration_from_empty_database_matches_the_models(database: Path | str) -> None:
    with open_store(database) as store, store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        assert diffs == []
        insp = inspect(conn)
        indexed = {
            (table, tuple(ix["column_names"]))
            for table in ("records", "revisions")
            for ix in insp.get_indexes(table)
        }
    assert {
        ("records", ("form_id",)),
        ("records", ("status",)),
        ("records", ("village_code",)),
        ("revisions", ("record_id",)),
    } <= indexed


def test_migrations_are_known_and_downgrade_cleanly(database: Path | str) -> None:
    assert known_revisions() == {"0001", "0002", "0003", "0004"}
    with open_store(database) as store, store.engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
        assert set(inspect(conn).get_table_names()) == {"alembic_version"}
        command.upgrade(cfg, "head")
        assert "revisions" in inspect(conn).get_table_names()


def test_migration_renders_for_postgresql_without_sqlite_only_sql() -> None:
    cfg = alembic_config()
    cfg.output_buffer = io.StringIO()
    cfg.set_main_option("sqlalchemy.url", "postgresql://")
    command.upgrade(cfg, "head", sql=True)
    sql = cfg.output_buffer.getvalue()
    assert "CREATE TABLE revisions" in sql and "BYTEA" in sql and "id SERIAL" in sql
    assert "PRAGMA" not in sql.upper() and "AUTOINCREMENT" not in sql.upper()


def test_a_read_inside_a_write_session_does_not_wait_for_it(database: Path | str) -> None:
    with open_store(database) as store, store.session() as s:
        store.set_setting("k", "v", session=s)
        assert store.get_setting(SETTING_ENUMERATOR, "nobody") == "nobody"  # no deadlock
