"""`records set`, `records show` and `records duplicate` over every kind of answer: select
lists, geopoints, repeat rows (including the first one), and records of older form versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldsurvey.cli import main
from fieldsurvey.core.errors import EXIT_INVALID_DATA, EXIT_OK, EXIT_USAGE
from fieldsurvey.core.i18n import MESSAGES
from fieldsurvey.core.workspace import Workspace
from tests.core.test_cli import run

SURVEY = [
    ["type", "name", "label", "relevant", "calculation", "parameters"],
    ["start", "started", "", "", "", ""],
    ["text", "t", "Text", "", "", ""],
    ["integer", "i", "Int", "", "", ""],
    ["decimal", "d", "Dec", "", "", ""],
    ["select_one yn", "s1", "S1", "", "", ""],
    ["select_multiple fruit", "sm", "SM", "", "", ""],
    ["date", "dt", "Date", "", "", ""],
    ["time", "tm", "Time", "", "", ""],
    ["dateTime", "dtt", "When", "", "", ""],
    ["geopoint", "g", "Geo", "", "", ""],
    ["note", "n", "Note ${t}", "", "", ""],
    ["calculate", "c", "", "", "${i} + 1", ""],
    ["image", "img", "Photo", "", "", ""],
    ["acknowledge", "ack", "Ack", "", "", ""],
    ["range", "r", "Range", "", "", "start=0 end=10 step=2"],
    ["begin_repeat", "rep", "Rep", "", "", ""],
    ["text", "rt", "Row text", "", "", ""],
    ["begin_repeat", "sub", "Sub", "", "", ""],
    ["integer", "si", "Sub int", "", "", ""],
    ["end_repeat", "", "", "", "", ""],
    ["end_repeat", "", "", "", "", ""],
]
CHOICES = [
    ["list_name", "name", "label"],
    ["yn", "yes", "Yes"],
    ["yn", "no", "No"],
    ["fruit", "a", "Apple"],
    ["fruit", "b", "Banana"],
    ["fruit", "c", "Cherry"],
]
FULL = {
    "t": "hello",
    "i": 3,
    "d": 2.5,
    "s1": "yes",
    "sm": "a b",
    "dt": "2024-01-02",
    "tm": "10:30",
    "dtt": "2024-01-02T10:30:00",
    "g": "30.1 119.2 10 5",
    "img": "p.jpg",
    "ack": "OK",
    "r": 4,
    "rep": [{"rt": "one", "sub": [{"si": 1}]}],
}


@pytest.fixture
def db(tmp_path: Path, xlsform, capsys) -> str:
    path = str(tmp_path / "field.db")
    form = xlsform(SURVEY, CHOICES, [["form_id", "version"], ["kinds", "1"]])
    assert main(["--db", path, "init"]) == EXIT_OK
    assert main(["--db", path, "forms", "add", str(form)]) == EXIT_OK
    capsys.readouterr()
    return path


def new_record(capsys, db: str, tmp_path: Path, answers: dict) -> str:
    data = tmp_path / "answers.json"
    data.write_text(json.dumps(answers), encoding="utf-8")
    code, out, err = run(
        capsys, "--db", db, "records", "add", "--form", "kinds", "--data", str(data)
    )
    assert code == EXIT_OK, err
    return out.strip()


def answers(capsys, db: str, uuid: str) -> dict:
    return json.loads(run(capsys, "--db", db, "records", "show", uuid, "--json")[1])["answers"]


def test_show_prints_every_kind_of_answer(capsys, db, tmp_path) -> None:
    uuid = new_record(capsys, db, tmp_path, FULL)
    code, out, err = run(capsys, "--db", db, "records", "show", uuid)
    assert code == EXIT_OK, err
    for line in (
        "Text: hello",
        "Int: 3",
        "Dec: 2.5",
        "S1: Yes (yes)",
        "SM: Apple (a), Banana (b)",
        "Date: 2024-01-02",
        "Time: 10:30",
        "When: 2024-01-02T10:30:00",
        "Geo: 30.1 119.2 10 5",
        "c: 4",
        "Photo: p.jpg",
        "Ack: OK",
        "Range: 4",
        "Rep [1]",
        "  Row text: one",
        "  Sub [1]",
        "    Sub int: 1",
    ):
        assert line in out.splitlines() or any(o.startswith(line) for o in out.splitlines()), line


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        ("sm=a,c", ["a", "c"]),
        ("sm=b c", ["b", "c"]),
        ('sm=["c","a"]', ["c", "a"]),
        ("sm=", None),
        ("g=28.45 119.49", "28.45 119.49"),
        ("g=28.45,119.49,300,4.5", "28.45 119.49 300 4.5"),
    ],
)
def test_set_select_multiple_and_geopoint(capsys, db, tmp_path, assignment, expected) -> None:
    uuid = new_record(capsys, db, tmp_path, FULL)
    code, _, err = run(capsys, "--db", db, "records", "set", uuid, assignment)
    assert code == EXIT_OK, err
    assert answers(capsys, db, uuid)[assignment.split("=")[0]] == expected


def test_set_fills_repeat_rows_and_adds_the_next_one(capsys, db, tmp_path) -> None:
    uuid = new_record(capsys, db, tmp_path, {"t": "no rows yet"})
    code, _, err = run(
        capsys, "--db", db, "records", "set", uuid, "rep[1]/rt=first", "rep[1]/sub[1]/si=7"
    )
    assert code == EXIT_OK, err
    code, _, err = run(capsys, "--db", db, "records", "set", uuid, "rep[2]/rt=second")
    assert code == EXIT_OK, err
    rows = answers(capsys, db, uuid)["rep"]
    assert [r["rt"] for r in rows] == ["first", "second"]
    assert rows[0]["sub"][0]["si"] == 7 and all(r["_row_id"] for r in rows)
    code, _, err = run(capsys, "--db", db, "records", "set", uuid, "rep[1]/rt=changed")
    assert code == EXIT_OK
    again = answers(capsys, db, uuid)["rep"]
    assert again[0]["rt"] == "changed" and again[0]["_row_id"] == rows[0]["_row_id"]


@pytest.mark.parametrize(
    ("assignment", "code", "message"),
    [
        ("rep[5]/rt=x", EXIT_USAGE, "'rep' has rows 1 to 1; 2 adds a row"),
        ("rep[1]/sub[3]/si=1", EXIT_USAGE, "'sub' has rows 1 to 1; 2 adds a row"),
        ("rep=x", EXIT_USAGE, "'rep' is a repeat; set its answers as rep[1]/NAME=VALUE"),
        ("rt=x", EXIT_USAGE, "'rt' is inside 'rep'; write it as rep[1]/rt=VALUE"),
        ("rep[1]/si=1", EXIT_USAGE, "'si' is inside 'sub'; write it as rep[1]/sub[1]/si=VALUE"),
        ("rep[1]/t=x", EXIT_USAGE, "'t' is not inside a repeat; write just t=VALUE"),
        ("t[1]/rt=x", EXIT_USAGE, "'t' is not a repeat in this form"),
        ("sub[1]/si=1", EXIT_USAGE, "'sub' is inside 'rep'; write it as rep[1]/sub[1]/NAME=VALUE"),
        ("nope=1", EXIT_INVALID_DATA, "nope: no question has this name"),
        ("n=1", EXIT_INVALID_DATA, "n: a note holds no answer"),
    ],
)
def test_set_paths_that_do_not_fit_say_how(capsys, db, tmp_path, assignment, code, message) -> None:
    uuid = new_record(capsys, db, tmp_path, FULL)
    before = answers(capsys, db, uuid)
    got, _, err = run(capsys, "--db", db, "records", "set", uuid, assignment)
    assert got == code and message in err, err
    assert answers(capsys, db, uuid) == before


def test_duplicate_of_a_record_from_an_older_version(tmp_path: Path, xlsform) -> None:
    with Workspace.open(tmp_path / "w.db") as ws:
        ws.initialise()
        ws.add_form(xlsform(SURVEY, CHOICES, [["form_id", "version"], ["kinds", "1"]]))
        old = ws.add_record("kinds", FULL).record
        dropped = {"d", "rt"}  # a question and a question inside the repeat, gone in v2
        v2 = [row for row in SURVEY if row[1] not in dropped]
        ws.add_form(xlsform(v2, CHOICES, [["form_id", "version"], ["kinds", "2"]]))
        saved = ws.duplicate(old.id)
        copy = saved.record
        assert copy.form_version == "2"
        copied = copy.answers_dict()
        assert copied["t"] == "hello" and copied["sm"] == ["a", "b"] and "d" not in copied
        assert copied["rep"][0]["sub"][0]["si"] == 1 and "rt" not in copied["rep"][0]
        assert copied["img"] is None  # photos stay with the first filling
        assert copied["ack"] is None  # an acknowledgement is given anew
        assert saved.dropped == ["d", "rt"]  # the answers left behind, for the person to hear


def test_duplicate_drops_answers_the_new_version_refuses(tmp_path: Path, xlsform) -> None:
    with Workspace.open(tmp_path / "w.db") as ws:
        ws.initialise()
        ws.add_form(xlsform(SURVEY, CHOICES, [["form_id", "version"], ["kinds", "1"]]))
        old = ws.add_record("kinds", FULL).record
        fewer = [row for row in CHOICES if row[1] != "b"]  # Banana is no longer a choice
        retyped = [["date", "t", "Text", "", "", ""] if r[1] == "t" else r for r in SURVEY]
        ws.add_form(xlsform(retyped, fewer, [["form_id", "version"], ["kinds", "2"]]))
        saved = ws.duplicate(old.id)
        copied = saved.record.answers_dict()
        assert copied["sm"] is None and copied["t"] is None and copied["i"] == 3
        assert saved.dropped == ["sm", "t"]
        assert ws.duplicate(saved.record.id).dropped == []  # the same version: nothing lost


def test_duplicate_gives_defaults_and_consent_afresh(capsys, tmp_path: Path) -> None:
    """The village profile's survey date defaults to today(), the enumerator's name to
    ${username}, and consent is an acknowledge question: a copy starts with today's date, the
    person now at the laptop, and no consent."""
    import datetime as dt

    from tests.core.test_cli import GOOD

    db = str(tmp_path / "field.db")
    assert main(["--db", db, "init", "--enumerator", "Wang Li"]) == EXIT_OK
    data = {**GOOD, "survey_date": "2020-05-01", "enumerator_name": "Ye Fang"}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run(capsys, "--db", db, "records", "add", "--form", "village_profile", "--data", str(path))
    [original] = json.loads(run(capsys, "--db", db, "records", "list", "--json")[1])
    code, out, err = run(capsys, "--db", db, "records", "duplicate", original["uuid"])
    assert code == EXIT_OK, err
    copied = answers(capsys, db, out.strip())
    first = answers(capsys, db, original["uuid"])
    assert first["consent"] == "OK" and copied["consent"] is None
    assert copied["survey_date"] == dt.date.today().isoformat()
    assert copied["enumerator_name"] == "Wang Li" and first["enumerator_name"] == "Ye Fang"
    assert copied["respondent_name"] == first["respondent_name"]  # the rest is copied
    assert copied["village"] == first["village"] == "SY-SAN-002"


def history_length(capsys, db: str, uuid: str) -> int:
    return len(json.loads(run(capsys, "--db", db, "records", "history", uuid, "--json")[1]))


@pytest.mark.parametrize("assignment", ["c=5", "c=", "rep[1]/sub[1]/si=2 c=5"])
def test_a_calculation_cannot_be_set(capsys, db, tmp_path, assignment) -> None:
    uuid = new_record(capsys, db, tmp_path, FULL)
    before = answers(capsys, db, uuid)
    got, _, err = run(capsys, "--db", db, "records", "set", uuid, *assignment.split())
    assert got == EXIT_INVALID_DATA, err
    assert f"c: {MESSAGES['read_only']['en']}" in err and "nothing was saved" in err
    assert answers(capsys, db, uuid) == before and history_length(capsys, db, uuid) == 1


def test_a_read_only_question_cannot_be_set(capsys, tmp_path: Path, xlsform) -> None:
    survey = [
        ["type", "name", "label", "read_only", "default", "calculation"],
        ["integer", "n", "N", "", "", ""],
        ["text", "code", "Code", "yes", "A-1", ""],
        ["decimal", "half", "Half", "yes", "", "${n} div 2"],
    ]
    db = str(tmp_path / "field.db")
    assert main(["--db", db, "init"]) == EXIT_OK
    form = xlsform(survey, (), [["form_id", "version"], ["ro", "1"]])
    assert main(["--db", db, "forms", "add", str(form)]) == EXIT_OK
    capsys.readouterr()
    data = tmp_path / "a.json"
    data.write_text('{"n": 4}', encoding="utf-8")
    uuid = run(capsys, "--db", db, "records", "add", "--form", "ro", "--data", str(data))[1]
    for assignment in ("code=B-2", "half=7"):
        got, _, err = run(capsys, "--db", db, "records", "set", uuid.strip(), assignment)
        name = assignment.split("=")[0]
        assert got == EXIT_INVALID_DATA and f"{name}: {MESSAGES['read_only']['en']}" in err
    assert history_length(capsys, db, uuid.strip()) == 1


def test_a_set_that_changes_nothing_makes_no_revision(capsys, db, tmp_path) -> None:
    uuid = new_record(capsys, db, tmp_path, FULL)
    before = json.loads(run(capsys, "--db", db, "records", "show", uuid, "--json")[1])
    for same in ("i=3", "t=hello", "sm=a,b", "rep[1]/rt=one", "d=2.50", "i=3 g=30.1,119.2,10,5"):
        got, out, err = run(capsys, "--db", db, "records", "set", uuid, *same.split())
        assert got == EXIT_OK, err
        assert f"revision {before['head_revision']}" in out  # the head it already had
    assert json.loads(run(capsys, "--db", db, "records", "show", uuid, "--json")[1]) == before
    assert history_length(capsys, db, uuid) == 1
    with Workspace.open(db) as ws:
        saved = ws.set_values(uuid, {"i": "3"})
        assert not saved.changed and saved.revision_id == saved.record.head_revision_id
        changed = ws.set_values(uuid, {"i": "4"})
        assert changed.changed and changed.revision_id != saved.revision_id


def test_an_unchanged_save_makes_no_revision(tmp_path: Path, xlsform) -> None:
    """The app's explicit save of answers as they were, and finalising a complete record
    again: no empty revision, and nothing queued again for `export --since-last`."""
    with Workspace.open(tmp_path / "w.db") as ws:
        ws.initialise()
        ws.add_form(xlsform(SURVEY, CHOICES, [["form_id", "version"], ["kinds", "1"]]))
        record = ws.add_record("kinds", FULL, complete=True).record
        stored = ws.record(record.id)
        for complete in (None, True):
            saved = ws.save_answers(record.id, stored.answers_dict(), complete=complete)
            assert not saved.changed and saved.revision_id == record.head_revision_id
        given = {**stored.answers_dict(), "c": 99}  # c is worked out again: still 4
        saved = ws.save_answers(record.id, given, lenient=True)
        assert not saved.changed
        assert ws.record(record.id).updated_at == stored.updated_at
        assert len(ws.history(record.id)) == 1
        reopened = ws.save_answers(record.id, stored.answers_dict(), complete=False)
        assert reopened.changed and reopened.record.status == "draft"  # the status changed
        assert len(ws.history(record.id)) == 2


def test_a_change_made_elsewhere_keeps_the_apps_unsaved_work(tmp_path: Path, xlsform) -> None:
    with Workspace.open(tmp_path / "w.db") as ws:
        ws.initialise()
        ws.add_form(xlsform(SURVEY, CHOICES, [["form_id", "version"], ["kinds", "1"]]))
        record = ws.add_record("kinds", FULL).record
        ws.autosave(record.id, "kinds", {**FULL, "t": "typed before the power cut"})
        ws.set_values(record.id, {"i": "9"})  # `fieldsurvey records set` after the crash
        [pending] = ws.pending_autosaves()
        assert pending["answers"]["t"] == "typed before the power cut"
        ws.save_answers(record.id, pending["answers"])  # recovered and saved in the app
        assert ws.pending_autosaves() == []


def test_export_of_an_old_version_record_with_no_village(tmp_path: Path, xlsform) -> None:
    import zipfile

    from fieldsurvey.core.exchange import ExportOptions, export_package

    with Workspace.open(tmp_path / "w.db") as ws:
        ws.initialise()
        ws.add_form(xlsform(SURVEY, CHOICES, [["form_id", "version"], ["kinds", "1"]]))
        old = ws.add_record("kinds", FULL, complete=True).record
        v2 = [row for row in SURVEY if row[1] != "d"]
        ws.add_form(xlsform(v2, CHOICES, [["form_id", "version"], ["kinds", "2"]]))
        result = export_package(ws, ExportOptions(out=tmp_path / "pkg.zip"))
    assert result.records == 1 and result.warnings == [
        f"record {old.id}: photo 'p.jpg' not included: the file is missing"
    ]
    with zipfile.ZipFile(result.path) as zf:
        names = zf.namelist()
        (table,) = [n for n in names if n.endswith("data/csv/kinds.csv")]
        header, row = zf.read(table).decode("utf-8-sig").splitlines()[:2]
    assert any(n.endswith(f"data/pdf/kinds/no-village_{old.id}.pdf") for n in names)
    assert any(n.endswith("data/forms/kinds-v1.xlsx") for n in names)
    columns = dict(zip(header.split(","), row.split(",")))
    assert columns["d"] == "2.5" and columns["_version"] == "1" and columns["_village_code"] == ""


def test_the_command_line_says_what_a_duplicate_left_behind(tmp_path: Path, xlsform, capsys):

    db = tmp_path / "w.db"
    with Workspace.open(db) as ws:
        ws.initialise()
        ws.add_form(xlsform(SURVEY, CHOICES, [["form_id", "version"], ["kinds", "1"]]))
        old = ws.add_record("kinds", FULL).record
        v2 = [row for row in SURVEY if row[1] != "d"]
        ws.add_form(xlsform(v2, CHOICES, [["form_id", "version"], ["kinds", "2"]]))
    capsys.readouterr()
    assert main(["--db", str(db), "records", "duplicate", old.id]) == 0
    out, err = capsys.readouterr()
    assert len(out.strip()) == 36 and "not copied (this form version no longer asks them): d" in err
