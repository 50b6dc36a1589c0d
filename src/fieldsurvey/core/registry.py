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

from fieldsurvey.core.errors import RefusedError
from fieldsurvey.core.forms.types import split_header

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
}


def _column(header: str) -> str | None:
    key, lang, _ = split_header(header)
    if key == "label":
        return "name_zh" if lang.startswith("zh") else "name_en"
    return _ALIASES.get(header.strip().lower())


def read_registry(path: Path) -> list[dict[str, Any]]:
    """Rows ready for ``upsert_village``; a bad file is refused whole, naming file, row and column."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise RefusedError(f"{path}: cannot read the file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise RefusedError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise RefusedError(f"{path}: the file is empty")
    columns = [_column(h) for h in header]
    if "code" not in columns:
        raise RefusedError(f"{path}: no village code column (expected 'name' or 'code')")
    problems: list[str] = []
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
                row[col] = _coordinate(v, col, f"row {number}, column '{h}'", problems)
            else:
                row[col] = v
        code = row.get("code", "")
        if not code:
            problems.append(f"row {number}: the village code is empty")
            continue
        if code in seen:
            problems.append(
                f"row {number}: village code '{code}' already appears on row {seen[code]}"
            )
            continue
        seen[code] = number
        rows.append(row)
    if problems:
        raise RefusedError(f"{path}: {len(problems)} problem(s); no village was imported", problems)
    return rows


def _coordinate(text: str, col: str, where: str, problems: list[str]) -> float | None:
    if not text:
        return None
    limit = 90 if col == "latitude" else 180
    try:
        value = float(text)
    except ValueError:
        problems.append(f"{where}: '{text}' is not a number")
        return None
    if not -limit <= value <= limit:
        problems.append(f"{where}: {value} is outside -{limit}..{limit}")
        return None
    return value
