"""The registry rows in a package (`data/forms/villages.csv`): names guarded against spreadsheet
formulas as the tables are, codes exactly as they are so that importing the file again finds
the same villages."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from fieldsurvey.core.exchange.content import forms_index, guard_code, villages_csv
from fieldsurvey.core.exchange.tables import FORMULA_START, guard
from fieldsurvey.core.registry import read_registry
from fieldsurvey.core.store.models import FormDef, Village


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def village(**fields) -> Village:
    base = dict(
        code="SY-SAN-001",
        name_zh="杨家堂村",
        name_en="Yangjiatang",
        township="sandu",
        township_zh="三都乡",
        county="Songyang",
        provisional=False,
    )
    return Village(**{**base, **fields})


@pytest.mark.parametrize("start", sorted(FORMULA_START))
def test_names_that_a_spreadsheet_would_run_are_guarded(start: str) -> None:
    formula = f'{start}HYPERLINK("http://x","y")'
    row = rows(
        villages_csv(
            [village(name_en=formula, name_zh=formula, township_zh=formula, county=formula)]
        )
    )[0]
    for column in ("label::English (en)", "label::简体中文 (zh)", "township_zh", "county"):
        assert row[column] == "'" + formula, column
    assert row["name"] == "SY-SAN-001"


def test_plain_names_and_codes_are_written_as_they_are() -> None:
    row = rows(villages_csv([village(code="NEW-1A2B3C4D")]))[0]
    assert row["name"] == "NEW-1A2B3C4D" and row["township"] == "sandu"
    assert row["label::English (en)"] == "Yangjiatang" and row["label::简体中文 (zh)"] == "杨家堂村"


@pytest.mark.parametrize("code", ["-1", "-SY-001", "SY_001", "A.B"])
def test_a_plain_code_is_exact_even_with_a_leading_minus(code: str) -> None:
    """A code of letters, digits, - _ . cannot make a spreadsheet call anything, and must
    read back exactly: it is how records find their village."""
    assert guard_code(code) == code
    assert rows(villages_csv([village(code=code)]))[0]["name"] == code


def test_a_code_that_is_not_plain_is_guarded() -> None:
    assert guard_code("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert guard_code("@SUM(1)") == "'@SUM(1)"


def test_the_file_imports_back_with_the_same_codes(tmp_path: Path) -> None:
    villages = [
        village(code="SY-SAN-001"),
        village(code="-7", name_en="-minus", name_zh="=1+1", latitude=28.5, longitude=119.5),
        village(code="NEW-1A2B3C4D", name_en="", provisional=True),
    ]
    path = tmp_path / "villages.csv"
    path.write_bytes(villages_csv(villages))
    back = {row["code"]: row for row in read_registry(path)}
    assert set(back) == {"SY-SAN-001", "-7", "NEW-1A2B3C4D"}
    raw = path.read_text("utf-8-sig")
    assert "'=1+1" in raw and "'-minus" in raw  # guarded in the file: visibly not a formula
    assert (back["-7"]["name_zh"], back["-7"]["name_en"]) == ("=1+1", "-minus")  # as they were
    assert back["-7"]["latitude"] == 28.5


def test_form_titles_in_forms_csv_are_guarded() -> None:
    fd = FormDef(
        form_id="f", version="1", title="=1+1", sha256="0" * 64, definition=b"", added_at="x"
    )
    assert rows(forms_index([fd]))[0]["title"] == guard("=1+1") == "'=1+1"
