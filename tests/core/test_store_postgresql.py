"""What is particular to a server database: how its URL is read, and refusing a schema written
by a newer FieldSurvey. Everything else the store does is tested on both backends through the
``database`` fixture."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from fieldsurvey.core.errors import RefusedError
from fieldsurvey.core.store import open_store
from fieldsurvey.core.store.db import is_server_url, server_url

pytestmark = pytest.mark.postgresql


def test_a_bare_postgresql_url_uses_the_installed_driver() -> None:
    assert server_url("postgresql://u:p@host/db").drivername == "postgresql+psycopg"
    assert server_url("postgresql+psycopg://u:p@host/db").drivername == "postgresql+psycopg"
    assert server_url("postgresql+psycopg2://h/db").drivername == "postgresql+psycopg2"


@pytest.mark.parametrize(
    ("given", "server"),
    [
        ("postgresql://office/fieldsurvey", True),
        ("postgresql+psycopg://office/fieldsurvey", True),
        ("postgresql-copy.db", False),
        ("postgresql.db", False),
        ("field.db", False),
    ],
)
def test_a_file_named_like_the_dialect_is_still_a_file(given: str, server: bool) -> None:
    assert is_server_url(given) is server


def test_a_bare_url_opens_the_database(pg_database: str) -> None:
    bare = make_url(pg_database).set(drivername="postgresql")
    with open_store(bare.render_as_string(hide_password=False)) as store:
        assert store.engine.dialect.driver == "psycopg"
        assert store.path is None and "postgresql+psycopg://" in store.url
        assert store.integrity_ok()


def test_reopening_finds_the_same_device(pg_database: str) -> None:
    with open_store(pg_database) as store:
        device_id = store.device_id
    with open_store(pg_database) as store:
        assert store.device_id == device_id


def test_a_schema_from_a_newer_fieldsurvey_is_refused_and_left_alone(pg_database: str) -> None:
    future = text("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    with open_store(pg_database) as store:
        with store.engine.begin() as conn:
            conn.execute(future)
        engine = store.engine
        with pytest.raises(RefusedError, match="newer FieldSurvey; update the app") as refused:
            open_store(pg_database)
        message = refused.value.message
        assert ":***@" in message and f":{make_url(pg_database).password}@" not in message
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        assert versions == [("9999_from_the_future",)]
