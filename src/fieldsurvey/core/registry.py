"""The village registry CSV: read, check and normalise rows before they reach the store.

The programme's ``forms/villages.csv`` uses the select_one_from_file layout (``name``,
``label::English (en)``, ``label::简体中文 (zh)``) so ODK tools read it too; plainer headings
(``code``, ``name_zh``, ``name_pinyin``) are accepted for registries made by hand.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from fieldsurvey.core.errors import Phrase, RefusedError
from fieldsurvey.core.forms.types import split_header
from fieldsurvey.core.store.records import is_village_code

_ALIASES = {
    "name": "code",
    "code": "code",
    "village_code": "code",
    "name_zh": "name_zh",
    "name_cn": "name_zh",
    "name_en": "name_en",
    "name_pinyin": "name_en",
    "pinyin": "name_en",
    "township": "township",
    "township_zh": "township_zh",
    "county": "county",
    "latitude": "latitude",
    "lat": "latitude",
    "longitude": "longitude",
    "lon": "longitude",
    "lng": "longitude",
    "provisional": "provisional",  # as packages write villages.csv: yes / no
    # headings a county office writes in Chinese
    "编码": "code",
    "代码": "code",
    "村编码": "code",
    "村代码": "code",
    "村名": "name_zh",
    "村庄": "name_zh",
    "村庄名称": "name_zh",
    "名称": "name_zh",
    "拼音": "name_en",
    "乡镇": "township_zh",
    "乡镇街道": "township_zh",
    "乡镇（街道）": "township_zh",
    "所属乡镇": "township_zh",
    "县": "county",
    "区县": "county",
    "纬度": "latitude",
    "经度": "longitude",
}
_MEANING = {  # what a column holds, in a message about two columns that hold the same thing
    "code": Phrase("village code"),
    "name_zh": Phrase("Chinese name"),
    "name_en": Phrase("pinyin name"),
    "township": Phrase("township"),
    "township_zh": Phrase("township in Chinese"),
    "county": Phrase("county"),
    "latitude": Phrase("latitude"),
    "longitude": Phrase("longitude"),
}


def unguard(text: str) -> str:
    """A name as it was before an export guarded it against spreadsheet formulas: packages
    write ``'=x`` for ``=x``, and a registry taken from a package must read back the same."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def _column(header: str) -> str | None:
    key, lang, _ = split_header(header)
    if key == "label":
        return "name_zh" if lang.startswith("zh") else "name_en"
    return _ALIASES.get(header.strip().lower())


def read_registry(path: Path) -> list[dict[str, Any]]:
    """Rows ready for ``upsert_village``; a bad file is refused whole, naming file, row and column."""
    try:
        data = Path(path).read_bytes()
        text = data.decode("utf-8-sig")
    except OSError as exc:
        raise RefusedError(
            "{path}: cannot read the file ({reason})", path=path, reason=exc
        ) from exc
    except UnicodeDecodeError as exc:
        if data.startswith(b"PK\x03\x04"):
            raise RefusedError(
                "{path}: an Excel workbook; save the registry as CSV UTF-8", path=path
            ) from exc
        raise RefusedError(
            "{path}: not UTF-8 text; save the registry as CSV UTF-8", path=path
        ) from exc
    reader = csv.reader(io.StringIO(text))
    try:
        return _rows(path, reader)
    except csv.Error as exc:  # a field over the csv module's limit, say
        raise RefusedError(
            "{path}: row {row} is not readable CSV ({reason})",
            path=path,
            row=reader.line_num,
            reason=exc,
        ) from exc


def _rows(path: Path, reader: Any) -> list[dict[str, Any]]:
    header = next(reader, None)
    if not header:
        raise RefusedError("{path}: the file is empty", path=path)
    columns = _columns(path, header)
    code_column = header[columns.index("code")].strip()
    problems: list[Phrase] = []
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        row: dict[str, Any] = {}
        for col, h, v in zip(columns, header, values):
            if col is None:
                continue
            v = v.strip()
            if col in ("latitude", "longitude"):
                row[col] = _coordinate(v, col, number, h, problems)
            elif col == "provisional":
                row[col] = v.lower() in ("yes", "true", "1") if v else None
            else:
                row[col] = unguard(v)
        code = row.get("code", "")
        if not code:
            problems.append(Phrase("row {row}: the village code is empty", row=number))
            continue
        if not is_village_code(code):
            problems.append(
                Phrase(
                    "row {row}, column '{column}': '{code}' is not a village code; use 1 to 40 "
                    "letters A-Z, digits, '-' and '_'",
                    row=number,
                    column=code_column,
                    code=code,
                )
            )
            continue
        code = row["code"] = code.upper()  # sy-san-001 is SY-SAN-001
        if code in seen:
            problems.append(
                Phrase(
                    "row {row}: village code '{code}' already appears on row {first}",
                    row=number,
                    code=code,
                    first=seen[code],
                )
            )
            continue
        seen[code] = number
        rows.append(row)
    if problems:
        raise RefusedError(
            "{path}: {count} problem(s); no village was imported",
            problems,
            path=path,
            count=len(problems),
        )
    return rows


def _columns(path: Path, header: list[str]) -> list[str | None]:
    """What each column holds. Two columns for one thing are refused: a hand-made registry
    with ``code`` and ``name`` means the name by ``name``, which in the ODK layout is the code,
    and guessing wrong would file every village under its name."""
    columns = [_column(h) for h in header]
    if "code" not in columns:
        raise RefusedError("{path}: no village code column (expected 'name' or 'code')", path=path)
    seen: dict[str, str] = {}
    for col, h in zip(columns, header):
        if col is not None and col in seen:
            raise RefusedError(
                "{path}: columns '{first}' and '{second}' both give the {what}; keep one, or "
                "name the columns code, name_zh, name_en",
                path=path,
                first=seen[col],
                second=h,
                what=_MEANING.get(col) or col.replace("_", " "),
            )
        if col is not None:
            seen[col] = h
    return columns


def _coordinate(text: str, col: str, row: int, column: str, problems: list[Phrase]) -> float | None:
    if not text:
        return None
    limit = 90 if col == "latitude" else 180
    try:
        value = float(text)
    except ValueError:
        problems.append(
            Phrase(
                "row {row}, column '{column}': '{text}' is not a number",
                row=row,
                column=column,
                text=text,
            )
        )
        return None
    if not -limit <= value <= limit:
        problems.append(
            Phrase(
                "row {row}, column '{column}': {value} is outside -{limit}..{limit}",
                row=row,
                column=column,
                value=value,
                limit=limit,
            )
        )
        return None
    return value
