"""Reading village registry CSVs: the ODK layout, plain and Chinese headings, and the files
people actually have (a BOM, a workbook saved under .csv, an over-long field)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldsurvey.core.errors import RefusedError
from fieldsurvey.core.registry import read_registry


def write(tmp_path: Path, text: str, *, bom: bool = True) -> Path:
    path = tmp_path / "registry.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_chinese_headings_with_a_bom(tmp_path: Path) -> None:
    path = write(
        tmp_path, "村代码,村名,拼音,乡镇,纬度,经度\nSY-X-1,测试村,Ceshi,西屏街道,28.1,119.2\n"
    )
    assert read_registry(path) == [
        {
            "code": "SY-X-1",
            "name_zh": "测试村",
            "name_en": "Ceshi",
            "township_zh": "西屏街道",
            "latitude": 28.1,
            "longitude": 119.2,
        }
    ]


def test_code_and_name_together_are_refused_not_guessed(tmp_path: Path) -> None:
    # 'name' is the code column of the ODK layout; with a 'code' column beside it, the file
    # means the village's name, and taking it as the code would file villages under names
    path = write(tmp_path, "code,name,township\nSY-X-2,测试二村,xiping\n")
    with pytest.raises(RefusedError, match="columns 'code' and 'name' both give the village code"):
        read_registry(path)


def test_the_programme_layout_still_reads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name,label::English (en),label::简体中文 (zh),township\nSY-1,Hengshan,横山村,xiping\n",
        bom=False,
    )
    assert read_registry(path)[0]["name_zh"] == "横山村"


def test_a_workbook_saved_under_csv_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(range(128, 256)) * 4)
    with pytest.raises(RefusedError, match="an Excel workbook; save the registry as CSV UTF-8"):
        read_registry(path)


def test_a_field_over_the_csv_limit_is_a_message(tmp_path: Path) -> None:
    path = write(tmp_path, "code,name_zh\nA," + "x" * 200_000 + "\n")
    with pytest.raises(RefusedError, match="row 2 is not readable CSV"):
        read_registry(path)
