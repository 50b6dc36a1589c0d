"""The command-line contract: outputs, JSON shapes and exit codes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fieldsurvey.cli import main
from tests.conftest import REPO


@pytest.fixture
def db(tmp_path: Path, capsys) -> str:
    path = str(tmp_path / "field.db")
    assert main(["--db", path, "init", "--enumerator", "Wang Li", "--device", "Laptop 3"]) == 0
    capsys.readouterr()
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def add_profile(
    capsys, db: str, tmp_path: Path, data: dict | None = None, *extra: str
) -> tuple[int, str, str]:
    """``records add --form village_profile`` with *data* (the GOOD answers by default)."""
    path = write_json(tmp_path, GOOD if data is None else data)
    return run(
        capsys, "--db", db, "records", "add", "--form", "village_profile", "--data", path, *extra
    )


def write_json(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


GOOD = {
    "township": "sandu",
    "village": "SY-SAN-002",
    "registered_pop": 800,
    "resident_pop": 500,
    "households": 200,
    "consent": "OK",
    "respondent_name": "叶建华",
    "num_cooperatives": 1,
    "cooperative": [{"coop_name": '茶叶合作社, "A"', "coop_type": "tea"}],
}


def test_programme_forms_pass_the_check(capsys):
    files = sorted(str(p) for p in (REPO / "forms").glob("*.xlsx"))
    code, out, err = run(capsys, "forms", "check", *files)
    assert code == 0, err
    assert out.count(": ok") == 2


def test_forms_check_exits_3_with_every_located_problem(capsys, xlsform):
    bad = xlsform(
        [
            ["type", "name", "label", "relevant"],
            ["integr", "a", "A"],
            ["text", "b", "B", "${zz}"],
            ["begin_group", "g", "G"],
        ]
    )
    code, _, err = run(capsys, "forms", "check", str(bad))
    assert code == 3
    assert "row 2, column 'type' (A): unknown question type 'integr'" in err
    assert "row 3, column 'relevant' (D): ${zz} does not name a question" in err
    assert "row 4, column 'type' (A): begin_group 'g' is never closed" in err


def test_init_lists_programme_forms_and_villages(capsys, db):
    code, out, _ = run(capsys, "--db", db, "forms", "list", "--json")
    assert code == 0
    assert {f["form_id"] for f in json.loads(out)} == {"village_profile", "practice_assessment"}
    code, out, _ = run(capsys, "--db", db, "villages", "list", "--json")
    villages = json.loads(out)
    assert len(villages) > 50
    assert {"code", "name_zh", "name_en", "township", "latitude", "longitude"} <= set(villages[0])


def test_add_show_set_history(capsys, db, tmp_path):
    code, out, err = add_profile(capsys, db, tmp_path)
    assert code == 0, err
    uuid = out.strip()
    assert len(uuid) == 36

    code, out, _ = run(capsys, "--db", db, "records", "show", uuid, "--json")
    shown = json.loads(out)
    assert shown["status"] == "draft" and shown["village_code"] == "SY-SAN-002"
    assert shown["answers"]["registered_pop"] == 800  # a number, not text
    row = shown["answers"]["cooperative"][0]
    assert row["coop_name"] == '茶叶合作社, "A"' and len(row["_row_id"]) == 36

    code, out, err = run(
        capsys,
        "--db",
        db,
        "records",
        "set",
        uuid[:8],
        "resident_pop=520",
        "cooperative[1]/coop_members=40",
    )
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "records", "show", uuid, "--json")
    answers = json.loads(out)["answers"]
    assert answers["resident_pop"] == 520 and answers["cooperative"][0]["coop_members"] == 40
    assert answers["cooperative"][0]["_row_id"] == row["_row_id"]  # the row keeps its identity

    code, out, _ = run(capsys, "--db", db, "records", "history", uuid, "--json")
    history = json.loads(out)
    assert len(history) == 2
    assert history[1]["parents"] == [history[0]["id"]]
    assert "resident_pop" in history[1]["changed"]
    assert history[0]["hlc"] < history[1]["hlc"]


def test_invalid_data_exits_1_and_saves_nothing(capsys, db, tmp_path):
    bad = {**GOOD, "registered_pop": "many", "resident_pop": 5000, "nonsense": 1}
    code, out, err = add_profile(capsys, db, tmp_path, bad)
    assert code == 1 and out == ""
    assert "registered_pop: Enter a whole number." in err
    assert "nonsense: No question has this name." in err
    assert run(capsys, "--db", db, "records", "list", "--json")[1].strip() == "[]"


def test_complete_requires_required_answers(capsys, db, tmp_path):
    code, _, err = add_profile(capsys, db, tmp_path, None, "--complete")
    assert code == 1
    assert "respondent_role: This question is required." in err
    assert "enumerator_name:" not in err  # its default, ${username}, filled it as in the app


def test_set_with_a_bad_value_is_refused_and_keeps_the_record(capsys, db, tmp_path):
    uuid = add_profile(capsys, db, tmp_path)[1].strip()
    code, _, err = run(capsys, "--db", db, "records", "set", uuid, "households=0")
    assert code == 1 and "households:" in err
    assert len(json.loads(run(capsys, "--db", db, "records", "history", uuid, "--json")[1])) == 1


def test_usage_errors_exit_2(capsys, db):
    assert run(capsys, "--db", db, "records", "show", "00000000-0000")[0] == 2
    assert run(capsys, "--db", db, "records", "add", "--form", "no_such_form", "--data", "x.json")[
        0
    ] in (2, 3)
    with pytest.raises(SystemExit) as info:
        main(["records", "frobnicate"])
    assert info.value.code == 2


def test_a_file_that_is_not_ours_is_refused_unchanged(capsys, tmp_path):
    other = tmp_path / "notes.db"
    other.write_bytes(b"just some notes, not a database" * 10)
    before = hashlib.sha256(other.read_bytes()).hexdigest()
    code, _, err = run(capsys, "--db", str(other), "records", "list")
    assert code == 3 and "not a FieldSurvey database" in err
    assert hashlib.sha256(other.read_bytes()).hexdigest() == before


def test_missing_database_is_refused_without_creating_it(capsys, tmp_path):
    path = tmp_path / "nowhere.db"
    code, _, err = run(capsys, "--db", str(path), "records", "list")
    assert code == 3 and "fieldsurvey init" in err or "does not exist" in err
    assert not path.exists()


def test_demo_is_idempotent(capsys, db):
    assert run(capsys, "--db", db, "demo")[0] == 0
    first = json.loads(run(capsys, "--db", db, "records", "list", "--json")[1])
    assert run(capsys, "--db", db, "demo")[0] == 0
    assert json.loads(run(capsys, "--db", db, "records", "list", "--json")[1]) == first
    assert {r["status"] for r in first} == {"draft", "complete"}


def test_villages_import_reports_bad_rows(capsys, db, tmp_path):
    csv = tmp_path / "reg.csv"
    csv.write_text(
        "code,name_zh,latitude,longitude\nX-1,新村,28.4,119.5\nX-2,坏村,200,119.5\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "--db", db, "villages", "import", str(csv))
    assert code == 3 and "row 3, column 'latitude'" in err


def test_console_script_runs_as_module():
    out = subprocess.run(
        [sys.executable, "-m", "fieldsurvey", "--help"], capture_output=True, text=True, check=True
    )
    assert "records" in out.stdout


def test_villages_add_makes_a_provisional_code_and_the_forms_accept_it(capsys, db, tmp_path):
    code, out, err = run(
        capsys, "--db", db, "villages", "add", "--name-zh", "新村", "--township", "sandu"
    )
    assert code == 0, err
    new_code = out.strip()
    assert new_code.startswith("NEW-")
    data = {**GOOD, "village": new_code}
    code, out, err = add_profile(capsys, db, tmp_path, data)
    assert code == 0, err
    assert (
        run(capsys, "--db", db, "villages", "add", "--code", new_code, "--name-zh", "重复")[0] == 1
    )


def test_duplicate_copies_answers_with_new_row_ids(capsys, db, tmp_path):
    original = add_profile(capsys, db, tmp_path)[1].strip()
    code, out, err = run(capsys, "--db", db, "records", "duplicate", original)
    assert code == 0, err
    copy_id = out.strip()
    first = json.loads(run(capsys, "--db", db, "records", "show", original, "--json")[1])["answers"]
    second = json.loads(run(capsys, "--db", db, "records", "show", copy_id, "--json")[1])["answers"]
    assert second["respondent_name"] == first["respondent_name"]
    assert second["cooperative"][0]["_row_id"] != first["cooperative"][0]["_row_id"]


def test_no_display_gets_a_message_not_an_abort(capsys, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run(capsys)
    assert code == 5 and "no graphical display" in err
