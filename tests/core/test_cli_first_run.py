"""What a new user meets first: the quick start and its demo database, `--db` wherever it is
typed, exit codes as the README gives them, and output in plain English (or Chinese)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from fieldsurvey import paths
from fieldsurvey.cli import commands, main
from fieldsurvey.cli.parser import build_parser
from fieldsurvey.core.demo import demo_id, demo_ids
from tests.conftest import REPO
from tests.core.test_cli import GOOD, run, write_json

README = (REPO / "README.md").read_text(encoding="utf-8")
SAN_001 = demo_id("profile/SY-SAN-001")


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch) -> Path:
    """The user data folder, moved into the test's folder; no $FIELDSURVEY_DB."""
    folder = tmp_path / "userdata"
    monkeypatch.setattr(paths, "user_data_folder", lambda: folder)
    monkeypatch.delenv("FIELDSURVEY_DB", raising=False)
    return folder


@pytest.fixture
def real_db(tmp_path: Path, capsys) -> str:
    """A field laptop's database with one record of its own."""
    path = str(tmp_path / "field.db")
    assert main(["--db", path, "init", "--enumerator", "Wang Li"]) == 0
    data = write_json(tmp_path, GOOD)
    assert main(["--db", path, "records", "add", "--form", "village_profile", "--data", data]) == 0
    capsys.readouterr()
    return path


def record_ids(capsys, db: str) -> set[str]:
    code, out, err = run(capsys, "--db", db, "records", "list", "--json")
    assert code == 0, err
    return {r["uuid"] for r in json.loads(out)}


# -- 1. the demo has a database of its own ----------------------------------------------------


def test_demo_without_db_fills_a_demo_database_not_the_real_one(capsys, data_folder) -> None:
    code, out, err = run(capsys, "demo")
    assert code == 0, err
    demo_db = data_folder / "fieldsurvey-demo.db"
    assert demo_db == paths.default_demo_db_path()
    assert not (data_folder / "fieldsurvey.db").exists()  # the real database is untouched
    assert f"demo database: {demo_db}" in out
    assert f"open it with: fieldsurvey --db {shlex.quote(str(demo_db))}" in out
    assert record_ids(capsys, str(demo_db)) == demo_ids()
    code, out, _ = run(capsys, "demo", "--path")
    assert code == 0 and out == f"{demo_db}\n"


def test_demo_path_changes_nothing(capsys, data_folder) -> None:
    code, out, _ = run(capsys, "demo", "--path")
    assert code == 0 and out.strip() == str(data_folder / "fieldsurvey-demo.db")
    assert not data_folder.exists()


def test_demo_never_fills_the_real_database_fieldsurvey_db_names(
    capsys, data_folder, tmp_path, monkeypatch
) -> None:
    """$FIELDSURVEY_DB names the real database, even a freshly initialised, empty one: sample
    records there would go out in its next export as real ones."""
    real = tmp_path / "real.db"
    monkeypatch.setenv("FIELDSURVEY_DB", str(real))
    assert run(capsys, "init", "--enumerator", "Li")[0] == 0
    code, out, err = run(capsys, "demo")
    assert code == 0, err
    assert record_ids(capsys, str(real)) == set()
    assert record_ids(capsys, str(data_folder / "fieldsurvey-demo.db")) == demo_ids()
    code, _, err = run(capsys, "--db", str(real), "demo")
    assert code == 3 and "is the real database" in err
    assert record_ids(capsys, str(real)) == set()


def test_demo_refuses_a_database_with_real_records(capsys, real_db) -> None:
    before = record_ids(capsys, real_db)
    code, out, err = run(capsys, "--db", real_db, "demo")
    assert code == 3 and out == ""
    assert "holds records that are not sample records" in err and "--force" in err
    assert record_ids(capsys, real_db) == before
    code, _, err = run(capsys, "demo", "--db", real_db, "--force")
    assert code == 0, err
    assert record_ids(capsys, real_db) == before | demo_ids()


def test_demo_twice_into_the_demo_database_is_fine(capsys, data_folder, tmp_path) -> None:
    """Records tried out in the demo database do not make it someone's real database."""
    assert run(capsys, "demo")[0] == 0
    demo_db = str(paths.default_demo_db_path())
    data = write_json(tmp_path, GOOD)
    assert run(capsys, "--db", demo_db, "records", "add", "--form", "village_profile",
               "--data", data)[0] == 0  # fmt: skip
    code, out, err = run(capsys, "demo")
    assert code == 0 and "sample records added: 0" in out, err
    assert len(record_ids(capsys, demo_db)) == 9


def test_demo_open_without_a_display_prints_the_records(capsys, data_folder, monkeypatch) -> None:
    monkeypatch.setattr(commands, "has_display", lambda: False)
    code, out, err = run(capsys, "demo", "--open")
    assert code == 0, err
    assert SAN_001 in out and "village_profile" in out
    assert "no graphical display" in out
    assert "fieldsurvey --db" in out


def test_demo_open_opens_the_app_on_the_demo_database(capsys, data_folder, monkeypatch) -> None:
    opened: list[str | None] = []
    monkeypatch.setattr(commands, "has_display", lambda: True)
    monkeypatch.setattr(commands, "run_desktop", lambda db: opened.append(db) or 7)
    assert run(capsys, "demo", "--open")[0] == 7  # the app's own exit code
    assert opened == [str(data_folder / "fieldsurvey-demo.db")]


def _quick_start() -> str:
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", README, re.S)
    assert block
    lines = [line for line in block.group(1).splitlines() if not line.startswith("#")]
    assert len(lines) == 1, "the quick start is one command line"
    return lines[0]


def test_the_quick_start_installs_and_opens_the_demo_database() -> None:
    line = _quick_start()
    steps = [step.strip() for step in line.split("&&")]
    assert any(step.startswith("pip install .") for step in steps)
    assert steps[-1] == "fieldsurvey demo --open"
    assert "fieldsurvey" not in steps[:-1]  # no bare `fieldsurvey` on the real database


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG data folder")
def test_the_quick_start_works_on_a_machine_without_a_display(tmp_path: Path) -> None:
    """The quick start's fieldsurvey steps, in a fresh home with no display."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "FIELDSURVEY_DB")
    }
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "share"))
    steps = [s.strip() for s in _quick_start().split("&&") if s.strip().startswith("fieldsurvey")]
    for step in steps:
        argv = shlex.split(step)[1:]
        done = subprocess.run(
            [sys.executable, "-m", "fieldsurvey", *argv],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    for record_id in demo_ids():
        assert record_id in done.stdout
    folder = tmp_path / "share" / "FieldSurvey"
    assert (folder / "fieldsurvey-demo.db").is_file()
    assert not (folder / "fieldsurvey.db").exists()


# -- 3. arguments and exit codes ---------------------------------------------------------------


def test_db_after_the_command_means_the_same(capsys, tmp_path) -> None:
    db = str(tmp_path / "x.db")
    code, out, err = run(capsys, "init", "--db", db, "--enumerator", "Li Na")
    assert code == 0, err
    assert f"database: {Path(db).absolute()}" in out or f"database: {db}" in out
    assert run(capsys, "records", "list", "--db", db, "--json")[1].strip() == "[]"
    assert run(capsys, "forms", "list", "--db", db)[0] == 0


def test_every_command_takes_db_after_it() -> None:
    parser = build_parser()

    def leaves(p, words):
        subs = [a for a in p._actions if a.__class__.__name__ == "_SubParsersAction"]
        if not subs:
            yield words, p
        for action in subs:
            for name, child in action.choices.items():
                yield from leaves(child, [*words, name])

    found = list(leaves(parser, []))
    assert len(found) >= 15
    for words, leaf in found:
        assert "--db" in leaf._option_string_actions, " ".join(words)


def test_db_before_and_after_is_a_usage_error(capsys, tmp_path) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--db", str(tmp_path / "a.db"), "records", "list", "--db", str(tmp_path / "b.db")])
    assert info.value.code == 2
    assert "--db given both before and after the command" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["--db", "", "records", "list"], ["records", "list", "--db", " "]]
)
def test_an_empty_db_path_is_a_usage_error(capsys, argv, data_folder) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "an empty path" in capsys.readouterr().err


def test_records_list_refuses_an_unknown_form_as_add_does(capsys, real_db, tmp_path) -> None:
    code, out, err = run(capsys, "--db", real_db, "records", "list", "--form", "bogus")
    assert code == 2 and out == ""
    assert "form 'bogus' is not in the database" in err
    assert "practice_assessment, village_profile" in err
    data = write_json(tmp_path, GOOD)
    add = run(capsys, "--db", real_db, "records", "add", "--form", "bogus", "--data", data)
    assert add[0] == 2
    assert run(capsys, "--db", real_db, "records", "list", "--form", "village_profile")[0] == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["records", "show", "00000000", "--lang", "fr"],
        ["export", "--out", "x.zip", "--lang", "fr"],
    ],
)
def test_lang_is_en_or_zh(capsys, argv) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_a_registry_file_with_mistakes_is_refused_with_3_as_the_readme_says(
    capsys, real_db, tmp_path
) -> None:
    csv = tmp_path / "reg.csv"
    csv.write_text("code,name_zh,latitude\nX-1,新村,28.4\nX-2,坏村,200\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", real_db, "villages", "import", str(csv))
    assert code == 3 and "no village was imported" in err
    exit_codes = README[README.index("**Exit codes:**") :].split("\n\n")[0]
    refused = exit_codes[exit_codes.index("`3`") : exit_codes.index("`4`")]
    assert "village registry CSV with mistakes" in refused and "`villages import`" in refused
    assert "village registry" not in exit_codes[: exit_codes.index("`3`")]


# -- 5. words on the screen -------------------------------------------------------------------


@pytest.fixture
def demo_db(capsys, tmp_path) -> str:
    path = str(tmp_path / "demo.db")
    assert main(["--db", path, "demo"]) == 0
    capsys.readouterr()
    return path


def test_records_show_in_chinese_has_a_chinese_header(capsys, demo_db) -> None:
    code, out, _ = run(capsys, "--db", demo_db, "records", "show", SAN_001[:8], "--lang", "zh")
    assert code == 0
    head = out.splitlines()[:3]
    assert head[0].endswith("[已完成]")
    assert head[1].startswith(f"记录标识：{SAN_001}") and "村庄：SY-SAN-001" in head[1]
    assert "表单：village_profile" in head[1]
    assert head[2].startswith("调查员：") and "创建时间：" in head[2] and "更新时间：" in head[2]
    for word in ("uuid:", "village:", "form:", "enumerator:", "created:", "[complete]"):
        assert word not in "\n".join(head)
    draft = demo_id("profile/SY-DDB-001")
    out = run(capsys, "--db", demo_db, "records", "show", draft, "--lang", "zh")[1]
    assert out.splitlines()[0].endswith("[草稿]")
    out = run(capsys, "--db", demo_db, "records", "show", SAN_001, "--lang", "en")[1]
    assert out.splitlines()[0].endswith("[complete]") and out.splitlines()[1].startswith("uuid: ")


def test_forms_check_counts_in_plain_english(capsys, xlsform) -> None:
    bad = xlsform([["type", "name", "label"], ["integr", "a", "A"]])
    code, _, err = run(capsys, "forms", "check", str(bad))
    assert code == 3 and ": 1 problem\n" in err and "problem(s)" not in err
    good = xlsform([["type", "name", "label"], ["integer", "a", "A"]])
    code, printed, _ = run(capsys, "forms", "check", str(good))
    assert code == 0 and ", 1 question," in printed


def test_an_export_of_one_record_says_1_record(capsys, tmp_path) -> None:
    db = str(tmp_path / "one.db")
    assert main(["--db", db, "init", "--enumerator", "Wang Li"]) == 0
    data = write_json(tmp_path, GOOD)
    assert main(["--db", db, "records", "add", "--form", "village_profile", "--data", data]) == 0
    capsys.readouterr()
    out = tmp_path / "pkg.zip"
    code, printed, err = run(capsys, "--db", db, "export", "--out", str(out), "--status", "all")
    assert code == 0, err
    assert ": 1 record, 1 revision, " in printed
    code, printed, _ = run(capsys, "--db", db, "verify", str(out))
    assert code == 0 and ": 1 record, 1 revision, " in printed
