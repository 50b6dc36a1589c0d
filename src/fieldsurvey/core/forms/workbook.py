"""Reading an XLSForm workbook into plain sheets of text cells, each remembering where it was."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from fieldsurvey.core.forms.problems import FormProblem
from fieldsurvey.core.forms.types import split_header


@dataclass(frozen=True)
class Column:
    header: str  # as written
    key: str  # canonical column name
    lang: str  # language code for translated columns, "" otherwise
    lang_name: str
    letter: str


@dataclass
class Cell:
    text: str
    column: Column


@dataclass
class SheetRow:
    number: int  # 1-based spreadsheet row
    cells: dict[str, Cell] = field(default_factory=dict)  # key (+ "::lang") -> cell

    def get(self, key: str, default: str = "") -> str:
        cell = self.cells.get(key)
        return cell.text if cell else default

    def cell(self, key: str) -> Cell | None:
        return self.cells.get(key)

    def translations(self, key: str) -> dict[str, str]:
        out = {}
        for cell in self.cells.values():
            if cell.column.key == key and cell.text:
                out[cell.column.lang] = cell.text
        return out


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    rows: list[SheetRow]

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_workbook(data: bytes, file: str) -> tuple[dict[str, Sheet], list[FormProblem]]:
    """All sheets of the workbook keyed by lower-case name; problems if it cannot be read."""
    try:
        raw = _raw_sheets(data)
    except Exception as exc:  # noqa: BLE001 - only parsing untrusted bytes happens in there
        msg = f"not a readable .xlsx workbook ({exc.__class__.__name__})"
        return {}, [FormProblem("", 0, "", "unreadable", msg, file=file)]
    return {title.strip().lower(): _sheet(title, rows) for title, rows in raw}, []


def _raw_sheets(data: bytes) -> list[tuple[str, list[tuple]]]:
    """Every sheet's cell values, read in full here: openpyxl reads a read-only workbook
    lazily, so a damaged sheet (a file half-copied from a USB stick) fails while iterating,
    and that failure must be a problem in the report, not an escaping parser error."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [(ws.title, list(ws.iter_rows(values_only=True))) for ws in wb.worksheets]
    finally:
        wb.close()


def _sheet(title: str, values: list[tuple]) -> Sheet:
    header_row = values[0] if values else ()
    columns = []
    for idx, raw in enumerate(header_row, start=1):
        header = _text(raw)
        key, lang, lang_name = split_header(header) if header else ("", "", "")
        columns.append(Column(header, key, lang, lang_name, get_column_letter(idx)))
    rows = []
    for number, cells in enumerate(values[1:], start=2):
        row = SheetRow(number)
        for col, raw in zip(columns, cells):
            text = _text(raw)
            if col.key and text:
                row.cells[col.key + ("::" + col.lang if col.lang else "")] = Cell(text, col)
        if row.cells:
            rows.append(row)
    return Sheet(title, columns, rows)


def read_file(path: Path) -> bytes:
    return Path(path).read_bytes()
