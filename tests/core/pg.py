"""PostgreSQL for the tests: an empty schema of its own for each test, on the server that
``$FIELDSURVEY_TEST_PG`` names (``.ci/postgres`` starts one on Debian and prints its URL).

A schema rather than a database per test: creating one is a catalogue insert, not a copy of
a template, and the store never names a schema, so a URL whose ``search_path`` is the test's
schema is a whole, empty database to it. Without the variable the PostgreSQL tests skip;
with ``FIELDSURVEY_TEST_PG_REQUIRED=1`` (CI) they fail instead, so a server that did not start
cannot pass for a green run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError

from fieldsurvey.core.store.db import server_url

ENV_URL = "FIELDSURVEY_TEST_PG"
ENV_REQUIRED = "FIELDSURVEY_TEST_PG_REQUIRED"
SCHEMA_PREFIX = "fieldsurvey_test_"


def required() -> bool:
    return os.environ.get(ENV_REQUIRED, "").strip() not in ("", "0")


class Unavailable(Exception):
    """No server to test on, and why."""


class PgServer:
    """The test server: hands out empty schemas and drops them again."""

    def __init__(self, url: str) -> None:
        self.url = server_url(url)
        self._admin: Engine = create_engine(
            self.url,
            isolation_level="AUTOCOMMIT",
            pool_size=1,
            connect_args={"connect_timeout": 10},
        )

    @classmethod
    def from_environment(cls) -> PgServer:
        url = os.environ.get(ENV_URL, "").strip()
        if not url:
            raise Unavailable(f"{ENV_URL} is not set (.ci/postgres starts a server)")
        try:
            server = cls(url)
            with server._admin.connect() as conn:
                conn.execute(text("SELECT 1"))
        except (ArgumentError, ImportError, DBAPIError) as exc:
            shown = _shown(url)
            raise Unavailable(f"{ENV_URL}={shown}: cannot connect ({exc})") from None
        return server

    @contextmanager
    def fresh(self) -> Iterator[str]:
        """The URL of a new, empty schema, dropped with everything in it afterwards."""
        schema = f"{SCHEMA_PREFIX}{uuid.uuid4().hex[:12]}"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            url = self.url.update_query_dict({"options": f"-csearch_path={schema}"})
            yield url.render_as_string(hide_password=False)
        finally:
            with self._admin.connect() as conn:
                # a store the test left open must not hang the run: fail after a while
                conn.execute(text("SET lock_timeout = '10s'"))
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

    def close(self) -> None:
        self._admin.dispose()


def _shown(url: str) -> str:
    try:
        return server_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"
