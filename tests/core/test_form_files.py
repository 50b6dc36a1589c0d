"""Choice files kept with a form: ``select_one_from_file crops.csv`` beside the workbook is
stored with the form version when it is added, so the form opens on any machine once the CSV
is gone, travels in exchange packages, and cannot change under a version."""

from __future__ import annotations

import hashlib
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import text

from fieldsurvey.cli import main
from fieldsurvey.core.errors import EXIT_OK, EXIT_REFUSED, InvalidDataError, RefusedError
from fieldsurvey.core.exchange import ExportOptions, export_package
from fieldsurvey.core.exchange.verify import verify_package
from fieldsurvey.core.forms.builder import check_form
from fieldsurvey.core.forms.model import ChoiceList, Form
from fieldsurvey.core.forms.problems import FormRejected
from fieldsurvey.core.keys import device_key
from fieldsurvey.core.store import SCHEMA_VERSION, add_form_def, list_form_files, open_store
from fieldsurvey.core.store.db import alembic_config
from fieldsurvey.core.workspace import Workspace
from tests.conftest import write_xlsform
from tests.core.test_exchange_verify import rebag

SURVEY = [
    ["type", "name", "label::English (en)", "label::简体中文 (zh)"],
    ["select_one_from_file crops.csv", "crop", "Main crop", "主要作物"],
    ["integer", "plots", "Plots", "地块数"],
]
SETTINGS = [["form_id", "version", "default_language"], ["crops", "1", "English (en)"]]
CROPS = "name,label::English (en),label::简体中文 (zh)\ntea,Tea,茶\nrice,Rice,水稻\n"
WHERE = "sheet 'survey', row 2, column 'type' (A)"


def make_form(folder: Path, csv: str | bytes | None = CROPS, version: str = "1") -> Path:
    """crops.xlsx in *folder*, with crops.csv beside it unless *csv* is None."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = [SETTINGS[0], ["crops", version, "English (en)"]]
    form = write_xlsform(folder / "crops.xlsx", SURVEY, (), settings)
    if csv is not None:
        data = csv.encode("utf-8") if isinstance(csv, str) else csv
        (folder / "crops.csv").write_bytes(data)
    return form


def crop_choices(form: Form) -> ChoiceList:
    clist = form.choice_list(form.node("crop"))  # type: ignore[arg-type]
    assert clist is not None
    return clist


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "db" / "survey.db") as opened:
        opened.configure(enumerator="王丽", device="Laptop 3")
        yield opened


def snapshot(ws: Workspace) -> dict[str, list]:
    """What adding a form may change: forms, their files and the audit log."""
    with ws.store.session(write=False) as s:
        return {
            table: s.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")).all()
            for table in ("form_defs", "form_files", "audit_log")
        }


def rejected(ws: Workspace, form: Path) -> list[str]:
    before = snapshot(ws)
    with pytest.raises(FormRejected) as info:
        ws.add_form(form)
    assert info.value.exit_code == EXIT_REFUSED
    assert snapshot(ws) == before  # nothing added: no form, no file, no audit entry
    return info.value.details


# -- kept with the form ---------------------------------------------------------------------


def test_the_form_opens_after_its_csv_is_gone_from_another_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "usb"
    db = tmp_path / "db" / "survey.db"
    with Workspace.open(db) as ws:
        fd, added = ws.add_form(make_form(stick))
        assert added and (fd.form_id, fd.version) == ("crops", "1")
    for path in stick.iterdir():
        path.unlink()
    stick.rmdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with Workspace.open(db) as ws:
        clist = crop_choices(ws.form("crops"))
        assert [(c.name, c.labels["zh"]) for c in clist.choices] == [
            ("tea", "茶"),
            ("rice", "水稻"),
        ]
        saved = ws.add_record("crops", {"crop": "rice", "plots": 3}, complete=True)
        assert ws.record(saved.record.id).answers_dict()["crop"] == "rice"
        with pytest.raises(InvalidDataError) as info:
            ws.add_record("crops", {"crop": "maize", "plots": 1})
        assert any("maize" in d and "crop" in d for d in info.value.details)


def test_the_stored_file_is_the_bytes_beside_the_form(ws: Workspace, tmp_path: Path) -> None:
    raw = ("\ufeff" + CROPS).encode("utf-8")  # Excel's "CSV UTF-8" starts with a BOM
    ws.add_form(make_form(tmp_path / "f", raw))
    with ws.store.session(write=False) as s:
        rows = s.execute(text("SELECT form_id, version, file_name, data, sha256 FROM form_files"))
        assert [tuple(r) for r in rows] == [
            ("crops", "1", "crops.csv", raw, hashlib.sha256(raw).hexdigest())
        ]
        (detail,) = s.execute(text("SELECT detail FROM audit_log WHERE action = 'form.add'"))
    assert hashlib.sha256(raw).hexdigest() in detail[0]
    assert crop_choices(ws.form("crops")).get("tea") is not None


def test_the_registry_file_stays_the_villages_table(ws: Workspace, tmp_path: Path) -> None:
    ws.initialise()
    with ws.store.session(write=False) as s:
        assert s.execute(text("SELECT count(*) FROM form_files")).scalar() == 0
    form = ws.form("village_profile")
    village = next(f for f in form.fields() if f.file == "villages.csv")
    assert len(form.choice_list(village).choices) == len(ws.villages())


def test_the_cli_adds_the_form_its_check_accepts(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "x"
    form = make_form(folder)
    db = str(folder / "t.db")
    assert main(["forms", "check", str(form)]) == EXIT_OK
    assert main(["--db", db, "init", "--enumerator", "a", "--device", "b"]) == EXIT_OK
    assert main(["--db", db, "forms", "add", str(form)]) == EXIT_OK
    assert "crops version 1: added" in capsys.readouterr().out
    (folder / "crops.csv").unlink()
    answers = tmp_path / "a.json"
    answers.write_text('{"crop": "tea", "plots": 2}', encoding="utf-8")
    assert main(["--db", db, "records", "add", "--form", "crops", "--data", str(answers)]) == 0


# -- refused, and nothing changes --------------------------------------------------------------


def test_a_missing_csv_names_the_row_and_the_folder(ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "stick"
    (detail,) = rejected(ws, make_form(folder, None))
    assert WHERE in detail
    assert f"choice file 'crops.csv' was not found beside the form, in {folder}" in detail


@pytest.mark.parametrize(
    ("csv", "located"),
    [
        ("code,label\ntea,Tea\n", "choice file 'crops.csv': row 1: no 'name' column"),
        (
            "label,name\nTea,tea\nRice,rice\nTea again,tea\n",
            "choice file 'crops.csv': row 4, column 'name' (B): choice 'tea' already appears on row 2",
        ),
        ("name,label\ntea,Tea\n,Nameless\n", "row 3, column 'name' (A): the choice has no name"),
        (
            b"name,label\ntea,Tea\nrice,Riz \xe9\n",
            "choice file 'crops.csv' cannot be read (not UTF-8 text) at row 3, column 'label' (B)",
        ),
    ],
    ids=["no-name-column", "duplicate", "nameless", "not-utf8"],
)
def test_a_bad_csv_is_located_in_the_file(
    ws: Workspace, tmp_path: Path, csv: str | bytes, located: str
) -> None:
    form = make_form(tmp_path / "f", csv)
    details = rejected(ws, form)
    assert any(WHERE in d and located in d for d in details), details
    checked = check_form(form)  # `forms check` says the same
    assert checked.form is None and any(located in str(p) for p in checked.problems)


def test_a_path_is_not_a_choice_file_name(ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (tmp_path / "crops.csv").write_text(CROPS, encoding="utf-8")
    survey = [SURVEY[0], ["select_one_from_file ../crops.csv", "crop", "Crop", "作物"]]
    (detail,) = rejected(ws, write_xlsform(folder / "p.xlsx", survey, (), SETTINGS))
    assert "not a path" in detail


def test_the_same_version_with_a_changed_csv_is_refused(ws: Workspace, tmp_path: Path) -> None:
    form = make_form(tmp_path / "f")
    ws.add_form(form)
    before = snapshot(ws)
    fd, added = ws.add_form(form)  # the same workbook and file: nothing to do
    assert not added and fd.version == "1" and snapshot(ws) == before
    (tmp_path / "f" / "crops.csv").write_text(CROPS + "maize,Maize,玉米\n", encoding="utf-8")
    with pytest.raises(RefusedError) as info:
        ws.add_form(form)
    assert info.value.exit_code == EXIT_REFUSED
    assert "different choice file 'crops.csv'; raise the version" in info.value.message
    assert "选项文件“crops.csv”" in info.value.localized("zh")
    assert snapshot(ws) == before
    fd, added = ws.add_form(make_form(tmp_path / "g", CROPS + "maize,Maize,玉米\n", version="2"))
    assert added and crop_choices(ws.form("crops")).get("maize")
    assert crop_choices(ws.form("crops", "1")).get("maize") is None


def test_the_store_keeps_files_per_version_and_never_changes_them(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store, store.session() as s:
        add_form_def(
            session=s, form_id="f", version="1", title="F", definition=b"x", files={"a.csv": b"1"}
        )
        add_form_def(
            session=s, form_id="f", version="1", title="F", definition=b"x", files={"a.csv": b"1"}
        )
        with pytest.raises(RefusedError, match="different choice file 'a.csv'"):
            add_form_def(
                session=s,
                form_id="f",
                version="1",
                title="F",
                definition=b"x",
                files={"a.csv": b"2"},
            )
        add_form_def(
            session=s, form_id="f", version="2", title="F", definition=b"y", files={"a.csv": b"2"}
        )
        kept = [(f.version, f.file_name, f.data) for f in list_form_files(session=s)]
        assert kept == [("1", "a.csv", b"1"), ("2", "a.csv", b"2")]
        assert [f.data for f in list_form_files(session=s, key=("f", "2"))] == [b"2"]


# -- migration --------------------------------------------------------------------------------


def test_a_0002_database_gains_form_files_and_keeps_its_forms(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_form = make_form(tmp_path / "old")
    with Workspace.open(path) as ws:
        ws.initialise(enumerator="a", device="b")
        saved = ws.add_record("village_profile", {}, village="SY-SAN-001", lenient=True)
    with open_store(path) as store, store.engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
        conn.exec_driver_sql("PRAGMA user_version = 2")
        # a form kept before files were: its workbook only
        conn.exec_driver_sql(
            "INSERT INTO form_defs VALUES ('crops', '1', 'Crops', ?, ?, '2026-01-01T00:00:00Z')",
            (old_form.read_bytes(), hashlib.sha256(old_form.read_bytes()).hexdigest()),
        )
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0002",)]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "form_files" not in tables
    finally:
        con.close()
    with Workspace.open(path, create=False) as ws:
        assert ws.record(saved.record.id).village_code == "SY-SAN-001"
        assert ws.form("village_profile").form_id == "village_profile"
        with pytest.raises(FormRejected, match="stored form crops 1"):
            ws.form("crops")  # its CSV was never kept, and is not among the programme's forms
        fd, added = ws.add_form(old_form)  # the same workbook again brings its file
        assert not added and fd.version == "1"
        assert crop_choices(ws.form("crops")).get("tea")
        assert [r[4] for r in snapshot(ws)["audit_log"]][-1] == "form.files"
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0004",)]
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        assert con.execute("SELECT file_name FROM form_files").fetchall() == [("crops.csv",)]
    finally:
        con.close()


# -- exchange packages ---------------------------------------------------------------------------


def export(ws: Workspace, out: Path, **options) -> Path:
    return export_package(ws, ExportOptions(out=out, **options)).path


def unzip(path: Path, dest: Path) -> Path:
    with zipfile.ZipFile(path) as zf:
        zf.extractall(dest)
    (top,) = list(dest.iterdir())
    return top / "data"


@pytest.fixture
def filled(ws: Workspace, tmp_path: Path) -> Workspace:
    ws.add_form(make_form(tmp_path / "f"))
    (tmp_path / "f" / "crops.csv").unlink()
    ws.add_record("crops", {"crop": "tea", "plots": 2}, complete=True)
    return ws


def test_a_package_carries_the_csv_and_verifies(filled: Workspace, tmp_path: Path) -> None:
    package = export(filled, tmp_path / "pkg.zip")
    data = unzip(package, tmp_path / "x")
    kept = data / "forms" / "crops-v1-media" / "crops.csv"
    assert kept.read_bytes() == CROPS.encode("utf-8")
    index = pd.read_csv(data / "forms" / "form_files.csv", dtype=str)
    assert index.to_dict("records") == [
        {
            "form_id": "crops",
            "version": "1",
            "name": "crops.csv",
            "sha256": hashlib.sha256(kept.read_bytes()).hexdigest(),
            "file": "forms/crops-v1-media/crops.csv",
        }
    ]
    report = verify_package(package, store=filled.store)
    assert report.ok, report.problems
    again = unzip(export(filled, tmp_path / "again.zip"), tmp_path / "y")
    first = {p.relative_to(data): p.read_bytes() for p in data.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second  # the same data, the same bytes


def test_verify_checks_the_kept_csv(filled: Workspace, tmp_path: Path) -> None:
    package = export(filled, tmp_path / "pkg.zip")
    key = device_key(filled.store)

    def changed(data: dict[str, bytes]) -> None:
        data["data/forms/crops-v1-media/crops.csv"] += "maize,Maize,玉米\n".encode()

    def dropped(data: dict[str, bytes]) -> None:
        del data["data/forms/crops-v1-media/crops.csv"]

    for mutate, words in (
        (changed, "does not match its sha256 in form_files.csv"),
        (dropped, "'forms/crops-v1-media/crops.csv' is missing"),
    ):
        report = verify_package(rebag(package, tmp_path / f"{mutate.__name__}.zip", key, mutate))
        assert report.signature == "valid"
        assert any(words in p for p in report.problems), report.problems


def test_labels_mode_shows_the_csv_label(filled: Workspace, tmp_path: Path) -> None:
    data = unzip(export(filled, tmp_path / "pkg.zip", labels=True, lang="zh"), tmp_path / "x")
    table = pd.read_csv(data / "csv" / "crops.csv", dtype=str)
    assert table["crop"].tolist() == ["茶"]
    codes = unzip(export(filled, tmp_path / "codes.zip"), tmp_path / "y")
    assert pd.read_csv(codes / "csv" / "crops.csv", dtype=str)["crop"].tolist() == ["tea"]
    codebook = pd.read_csv(codes / "csv" / "codebook.csv", dtype=str, keep_default_na=False)
    rows = codebook[(codebook["column"] == "crop") & (codebook["type"] == "choice")]
    assert rows[["choice", "choice_label_en", "choice_label_zh"]].values.tolist() == [
        ["tea", "Tea", "茶"],
        ["rice", "Rice", "水稻"],
    ]
