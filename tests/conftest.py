"""Shared test helpers: small XLSForm workbooks written on the fly."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

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
