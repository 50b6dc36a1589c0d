"""Writing tables as CSV (RFC 4180, UTF-8 with a BOM so Excel shows Chinese), one XLSX
workbook, and Stata .dta files (version 118, UTF-8, value labels for select_one).

Every writer takes rows already built and guarded by ``tables``, and produces the same bytes
for the same rows: the workbook's zip entries and document properties get the data's time,
and Stata's header the same.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from fieldsurvey.core.exchange.tables import NUMERIC_TYPES, Column, TableSpec, stata_names
from fieldsurvey.core.forms.model import pick

STATA_STR_MAX = 2045  # bytes; longer text goes to strL
STATA_LABEL_MAX = 80
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def write_csv(out: BinaryIO, header: Sequence[str], rows: Iterable[Sequence[Any]], *,
              bom: bool = True) -> None:  # fmt: skip
    """RFC 4180: CRLF line ends, quotes only where needed, quotes doubled; None is empty."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)  # type: ignore[arg-type]
    try:
        if bom:
            text.write("\ufeff")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        text.flush()
    finally:
        text.detach()


# -- xlsx -------------------------------------------------------------------------------------


def sheet_names(names: Sequence[str]) -> list[str]:
    """Excel's rules: at most 31 characters, none of ``[]:*?/\\``, unique ignoring case."""
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        base = _SHEET_BAD.sub("_", name)[:31] or "sheet"
        candidate, n = base, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{base[: 31 - len(str(n)) - 1]}~{n}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def write_xlsx(out: BinaryIO, sheets: list[tuple[str, Sequence[str], list[list[Any]]]],
               moment: dt.datetime) -> None:  # fmt: skip
    """One sheet per table; bold, frozen header. Entries are re-zipped with fixed times."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, (_, header, rows) in zip(sheet_names([s[0] for s in sheets]), sheets):
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"
        cells = []
        for h in header:
            cell = WriteOnlyCell(ws, value=h)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        for row in rows:
            ws.append([_xlsx_value(v) for v in row])
    wb.properties.created = wb.properties.modified = moment.replace(tzinfo=None, microsecond=0)
    wb.properties.creator = "FieldSurvey"
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    _rezip(raw.getvalue(), out, moment)


def _xlsx_value(v: Any) -> Any:
    if isinstance(v, str):
        return ILLEGAL_CHARACTERS_RE.sub("", v)  # control characters Excel cannot hold
    return v


def _rezip(data: bytes, out: BinaryIO, moment: dt.datetime) -> None:
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=stamp)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.create_system = 3
            new.external_attr = 0o100644 << 16
            dst.writestr(new, src.read(info))


# -- Stata ------------------------------------------------------------------------------------


def _numeric(col: Column, values: list[Any]) -> bool:
    if col.kind in ("choice", "geo") or col.header in ("_index", "_parent_index"):
        return True
    if col.kind == "value" and col.qtype in NUMERIC_TYPES:
        return True
    if col.kind == "value" and col.qtype == "calculate":
        present = [v for v in values if v is not None]
        return bool(present) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in present
        )
    return False


def write_dta(out: BinaryIO, spec: TableSpec, rows: list[list[Any]], *, lang: str,
              moment: dt.datetime) -> None:  # fmt: skip
    """Stata 118 (UTF-8). select_one becomes a number with value labels in *lang* (the
    codebook lists the numbers); other text stays text; numbers stay numbers."""
    names = stata_names(spec.header)
    data: dict[str, Any] = {}
    value_labels: dict[str, dict[float, str]] = {}
    variable_labels: dict[str, str] = {}
    strl: list[str] = []
    for i, (col, name) in enumerate(zip(spec.columns, names)):
        values = [r[i] for r in rows]
        label = pick(col.labels, lang) or col.header
        if col.kind == "choice" and col.choices:
            label = f"{label}: {pick(col.choices[0].labels, lang) or col.code}"
        variable_labels[name] = label[:STATA_LABEL_MAX]
        if col.kind == "select_one" and col.choices:
            numbers = {c.name: float(n) for n, c in enumerate(col.choices, start=1)}
            data[name] = pd.Series([numbers.get(v) for v in values], dtype="float64")
            value_labels[name] = {
                numbers[c.name]: (pick(c.labels, lang) or c.name) for c in col.choices
            }
        elif _numeric(col, values):
            data[name] = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce")
            data[name] = data[name].astype("float64")
        else:
            texts = ["" if v is None else str(v) for v in values]
            data[name] = pd.Series(texts, dtype="object")
            if any(len(t.encode("utf-8")) > STATA_STR_MAX for t in texts):
                strl.append(name)
    frame = pd.DataFrame(data, columns=names)
    frame.to_stata(
        out,  # type: ignore[arg-type]
        write_index=False,
        version=118,
        time_stamp=moment.replace(tzinfo=None, microsecond=0),
        data_label=spec.name[:STATA_LABEL_MAX],
        variable_labels=variable_labels,
        value_labels=value_labels or None,
        convert_strl=strl or None,
    )
