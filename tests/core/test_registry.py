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


# -- village codes and townships ---------------------------------------------------------------

BAD_CODES = ["bad code with spaces", "../../x", "=cmd|' /C calc'!A0", "SY/1", "X" * 41, "村1", "ß"]


@pytest.mark.parametrize("code", BAD_CODES)
def test_an_import_refuses_a_code_that_is_no_code(tmp_path: Path, code: str) -> None:
    path = write(tmp_path, f'name,label::简体中文 (zh)\nSY-OK-1,好村\n"{code}",坏村\n')
    with pytest.raises(RefusedError) as refused:
        read_registry(path)
    assert refused.value.details == [
        f"row 3, column 'name': '{code}' is not a village code; use 1 to 40 letters A-Z, "
        "digits, '-' and '_'"
    ]
    assert "第 3 行" in refused.value.localized_details("zh")[0]


def test_an_import_upper_cases_codes(tmp_path: Path) -> None:
    path = write(tmp_path, "code,name_zh\nsy-x-1,一村\nSy_X_2,二村\n")
    assert [r["code"] for r in read_registry(path)] == ["SY-X-1", "SY_X_2"]
    path = write(tmp_path, "code,name_zh\nsy-x-1,一村\nSY-X-1,又一村\n")
    with pytest.raises(RefusedError) as refused:
        read_registry(path)
    assert refused.value.details == ["row 3: village code 'SY-X-1' already appears on row 2"]


@pytest.fixture
def ws(tmp_path: Path):
    from fieldsurvey.core.workspace import Workspace

    with Workspace.open(tmp_path / "w.db") as ws:
        ws.initialise(enumerator="Wang Li")
        yield ws


@pytest.mark.parametrize("code", BAD_CODES)
def test_adding_a_village_refuses_a_code_that_is_no_code(ws, code: str) -> None:
    from fieldsurvey.core.errors import InvalidDataError

    with pytest.raises(InvalidDataError) as refused:
        ws.add_village(code=code, name_zh="坏村")
    assert refused.value.message == (
        f"'{code.strip()}' is not a village code: use 1 to 40 letters A-Z, digits, '-' and '_'"
    )
    assert "村庄编码" in refused.value.localized("zh")
    assert code.upper() not in {v.code for v in ws.villages()}


def test_a_village_code_is_upper_cased(ws) -> None:
    assert (
        ws.add_village(code=" sy-new-001 ", name_zh="新村", township="sandu").code == "SY-NEW-001"
    )
    saved = ws.add_record("village_profile", {"township": "sandu", "village": "SY-NEW-001"})
    assert saved.record.village_code == "SY-NEW-001"
    provisional = ws.add_village(name_zh="无码村")
    assert provisional.code.startswith("NEW-") and provisional.provisional


@pytest.mark.parametrize(
    ("given", "code", "name_zh"),
    [("sandu", "sandu", "三都乡"), ("Sandu", "sandu", "三都乡"), ("三都乡", "sandu", "三都乡")],
)
def test_a_township_by_code_or_chinese_name(ws, given: str, code: str, name_zh: str) -> None:
    village = ws.add_village(code="SY-NEW-002", name_zh="新村", township=given)
    assert (village.township, village.township_zh) == (code, name_zh)


@pytest.mark.parametrize("township", ["nowhere", "Sandu Township", "三都"])
def test_an_unknown_township_is_refused_naming_known_ones(ws, township: str) -> None:
    from fieldsurvey.core.errors import InvalidDataError

    with pytest.raises(InvalidDataError) as refused:
        ws.add_village(code="SY-NEW-003", name_zh="新村", township=township)
    message = refused.value.message
    assert message.startswith(f"township '{township}' is not a known township")
    assert "known codes: anmin, banqiao," in message and message.endswith(", …)")
    assert "SY-NEW-003" not in {v.code for v in ws.villages()}


def test_a_township_only_a_form_knows(ws, xlsform) -> None:
    form = xlsform(
        [["type", "name", "label"], ["select_one township", "township", "Township"]],
        [
            ["list_name", "name", "label::English (en)", "label::简体中文 (zh)"],
            ["township", "newtown", "New Town", "新镇"],
        ],
        [["form_id", "version"], ["towns", "1"]],
    )
    ws.add_form(form)
    assert ws.add_village(code="NT-1", name_zh="甲村", township="newtown").township == "newtown"
    village = ws.add_village(code="NT-2", name_zh="乙村", township="新镇")
    assert (village.township, village.township_zh) == ("newtown", "新镇")


def test_the_store_refuses_a_code_that_is_no_code(ws) -> None:
    from fieldsurvey.core.store.records import BadVillageError, upsert_village

    with ws.store.session() as s, pytest.raises(BadVillageError, match="not a village code"):
        upsert_village(session=s, code="../../x", device_id="d", name_zh="坏村")
    with ws.store.session() as s:
        village = upsert_village(session=s, code=None, device_id="d", name_zh="无码村")
        assert village.code == village.code.upper() and len(village.code) == 36


def test_the_command_line_refuses_bad_villages_as_invalid_data(capsys, tmp_path: Path) -> None:
    from fieldsurvey.cli import main
    from tests.core.test_cli import run

    db = str(tmp_path / "field.db")
    assert main(["--db", db, "init"]) == 0
    capsys.readouterr()
    add = ("--db", db, "villages", "add", "--name-zh", "新村")
    code, _, err = run(capsys, *add, "--code", "=cmd|' /C calc'!A0")
    assert code == 1 and "is not a village code" in err
    code, _, err = run(capsys, *add, "--code", "SY-NEW-9", "--township", "atlantis")
    assert code == 1 and "township 'atlantis' is not a known township" in err
    code, out, err = run(capsys, *add, "--code", "sy-new-9", "--township", "三都乡")
    assert (code, out.strip()) == (0, "SY-NEW-9"), err
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name_zh\nSY-OK-1,好村\n../../x,坏村\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", db, "villages", "import", str(bad))
    assert code == 3 and "row 3, column 'code': '../../x' is not a village code" in err


def test_a_lowercase_code_from_an_older_database_is_found_not_copied(tmp_path: Path) -> None:
    """Codes are upper-cased on entry now; a database from before may hold ``sy-x-001``. The
    registry import, villages add and records add must all reach that village, not make a
    second SY-X-001 beside it that its records never point at."""
    import sqlite3

    from fieldsurvey.core.errors import InvalidDataError
    from fieldsurvey.core.workspace import Workspace

    db = tmp_path / "old.db"
    with Workspace.open(db, create=True) as ws:
        ws.initialise(enumerator="Li", device="L1")
    con = sqlite3.connect(db)
    con.execute("UPDATE villages SET code = 'sy-san-001' WHERE code = 'SY-SAN-001'")
    con.commit()
    con.close()
    registry = write(
        tmp_path,
        "name,label::English (en),label::简体中文 (zh),township\n"
        "SY-SAN-001,Yangjiatang Village,杨家堂村,sandu\n",
    )
    with Workspace.open(db) as ws:
        ws.import_villages(registry)
        matching = [v for v in ws.villages() if v.code.upper() == "SY-SAN-001"]
        assert [(v.code, v.name_en) for v in matching] == [("sy-san-001", "Yangjiatang Village")]
        with pytest.raises(InvalidDataError, match="already in the registry"):
            ws.add_village(code="SY-SAN-001", name_zh="杨家堂村", township="sandu")
        saved = ws.add_record("village_profile", {"consent": "OK"}, village="SY-SAN-001")
        assert saved.record.village_code == "sy-san-001"
        assert saved.record.answers_dict()["village"] == "sy-san-001"


def test_a_package_s_villages_keep_whether_they_are_provisional(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name,label::English (en),provisional\nNEW-1A2B,Xincun,yes\nSY-X-1,Ceshi,no\nSY-X-2,B,\n",
    )
    assert [r.get("provisional") for r in read_registry(path)] == [True, False, None]
