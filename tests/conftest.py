"""Shared test helpers: small XLSForm workbooks written on the fly, and a fresh database on
each backend the store supports."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.core.pg import PgServer, Unavailable, required

REPO = Path(__file__).resolve().parent.parent


def write_xlsform(
    path: Path,
    survey: Sequence[Sequence[object]],
    choices: Sequence[Sequence[object]] = (),
    settings: Sequence[Sequence[object]] = (),
) -> Path:
    """Each sheet is given as rows, the first row being its header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in survey:
        ws.append(list(row))
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows:
            sheet = wb.create_sheet(title)
            for row in rows:
                sheet.append(list(row))
    wb.save(path)
    return path


@pytest.fixture
def xlsform(tmp_path: Path):
    counter = iter(range(1000))

    def make(survey, choices=(), settings=(), name: str | None = None) -> Path:
        return write_xlsform(
            tmp_path / (name or f"form{next(counter)}.xlsx"), survey, choices, settings
        )

    return make


# -- databases ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The PostgreSQL server of ``$FIELDSURVEY_TEST_PG``; the test skips without one, or fails
    when ``$FIELDSURVEY_TEST_PG_REQUIRED`` is set (as CI sets it)."""
    try:
        server = PgServer.from_environment()
    except Unavailable as exc:
        why = str(exc)
    else:
        yield server
        server.close()
        return
    if required():
        pytest.fail(f"PostgreSQL is required here: {why}", pytrace=False)
    pytest.skip(f"no PostgreSQL: {why}")


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
    ]
)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """A new, empty database on each backend, as ``open_store`` and ``Workspace.open`` take
    it: a file path for SQLite, a URL for PostgreSQL (an empty schema of its own, dropped
    afterwards). It may be opened, closed and opened again within the test."""
    if request.param == "sqlite":
        yield tmp_path / "survey.db"
        return
    yield request.getfixturevalue("pg_database")


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database (a schema of its own), for tests about
    server databases only."""
    with pg_server.fresh() as url:
        yield url
