"""What a person can get wrong at the command line gets a message and an exit code (README),
never a traceback: odd files, odd numbers, a closed pipe, Ctrl-C."""

from __future__ import annotations

import errno
import importlib.abc
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from fieldsurvey.cli import EXIT_INTERRUPTED, main
from fieldsurvey.core.errors import EXIT_INVALID_DATA, EXIT_OK, EXIT_REFUSED
from fieldsurvey.core.exchange import EXIT_CANCELLED, atomic
from fieldsurvey.core.exchange.payload import Payload
from tests.conftest import REPO
from tests.core.test_cli import run


def add(capsys, db: str, tmp_path: Path, text: str) -> tuple[int, str, str]:
    data = tmp_path / "answers.json"
    data.write_text(text, encoding="utf-8")
    return run(
        capsys, "--db", db, "records", "add", "--form", "village_profile", "--data", str(data)
    )


@pytest.mark.parametrize("name", ["registered_pop", "collective_income"])
def test_a_number_too_big_for_a_float_is_a_problem(capsys, db, tmp_path, name) -> None:
    code, _, err = add(capsys, db, tmp_path, f'{{"{name}": {"9" * 400}}}')
    assert code == EXIT_INVALID_DATA and f"{name}: Enter a" in err


@pytest.mark.parametrize(
    "text", ['{"registered_pop": ' + "9" * 5000 + "}", "[" * 100_000], ids=["digits", "depth"]
)
def test_json_python_will_not_read_is_refused(capsys, db, tmp_path, text) -> None:
    code, _, err = add(capsys, db, tmp_path, text)
    assert code == EXIT_REFUSED and "not valid JSON" in err


def test_a_reader_that_goes_away_ends_quietly(db) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "fieldsurvey", "--db", db, "villages", "list", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # as `| head` does once it has its lines
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait() == EXIT_OK
    assert "Traceback" not in err and "Exception ignored" not in err


class _InterruptImport(importlib.abc.MetaPathFinder):
    """A Ctrl-C while the commands are still being imported."""

    def find_spec(self, name, path=None, target=None):
        if name == "fieldsurvey.cli.run":
            raise KeyboardInterrupt
        return None


def test_ctrl_c_while_starting_is_one_line(monkeypatch, capsys) -> None:
    monkeypatch.delitem(sys.modules, "fieldsurvey.cli.run", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_InterruptImport(), *sys.meta_path])
    assert main(["records", "list"]) == EXIT_INTERRUPTED
    assert capsys.readouterr().err == "fieldsurvey: interrupted\n"


def _demo(capsys, db: str) -> None:
    assert run(capsys, "--db", db, "demo")[0] == EXIT_OK


def test_ctrl_c_during_export_is_a_cancel(capsys, db, tmp_path, monkeypatch) -> None:
    _demo(capsys, db)

    def interrupted(self, tick) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Payload, "write", interrupted)
    out = tmp_path / "usb"
    out.mkdir()
    code, _, err = run(capsys, "--db", db, "export", "--out", str(out / "pkg.zip"))
    assert code == EXIT_CANCELLED and "export cancelled" in err
    assert list(out.iterdir()) == []


def test_a_folder_that_refuses_fsync_still_gets_its_package(
    capsys, db, tmp_path, monkeypatch
) -> None:
    _demo(capsys, db)
    real_open, real_fsync, folders = os.open, os.fsync, set()

    def tracking_open(path, flags, *args):
        fd = real_open(path, flags, *args)
        if os.path.isdir(path):
            folders.add(fd)
        return fd

    def fat_stick(fd: int) -> None:  # FAT and some network file systems: EINVAL for a folder
        if fd in folders:
            raise OSError(errno.EINVAL, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "open", tracking_open)
    monkeypatch.setattr(atomic.os, "fsync", fat_stick)
    out = tmp_path / "pkg.zip"
    code, printed, err = run(capsys, "--db", db, "export", "--out", str(out))
    assert code == EXIT_OK, err
    assert zipfile.is_zipfile(out) and f"wrote {out}" in printed
    code, _, err = run(
        capsys, "--db", db, "export", "--out", str(tmp_path / "b.zip"), "--since-last"
    )
    assert "nothing to export" in err  # the first export was remembered


def test_damaged_workbooks_are_reported_not_raised(capsys, tmp_path) -> None:
    good = (REPO / "forms" / "village_profile.xlsx").read_bytes()
    half = tmp_path / "half.xlsx"
    with zipfile.ZipFile(REPO / "forms" / "village_profile.xlsx") as src:
        with zipfile.ZipFile(half, "w") as out:
            for info in src.infolist():
                data = src.read(info.filename)
                out.writestr(info, data[: len(data) // 2] if "sheet1" in info.filename else data)
    csv_named_xlsx = tmp_path / "form.xlsx"
    csv_named_xlsx.write_text("type,name,label\ntext,a,A\n", encoding="utf-8")
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good[:3000])
    code, _, err = run(capsys, "forms", "check", str(half), str(csv_named_xlsx), str(truncated))
    assert code == EXIT_REFUSED
    assert err.count("workbook: not a readable .xlsx workbook") == 3


def test_a_choice_file_that_is_not_text_is_a_located_problem(capsys, tmp_path) -> None:
    (tmp_path / "village_profile.xlsx").write_bytes(
        (REPO / "forms" / "village_profile.xlsx").read_bytes()
    )
    (tmp_path / "villages.csv").write_bytes(b"PK\x03\x04\xaa\xbb" * 100)
    code, _, err = run(capsys, "forms", "check", str(tmp_path / "village_profile.xlsx"))
    assert code == EXIT_REFUSED
    assert "column 'type' (A): choice file 'villages.csv' cannot be read (not UTF-8 text)" in err


def test_a_form_added_from_a_usb_stick_uses_the_database_registry(capsys, db, tmp_path) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    (stick / "village_profile.xlsx").write_bytes(
        (REPO / "forms" / "village_profile.xlsx").read_bytes()
    )  # no villages.csv beside it: the registry is in the database
    code, out, err = run(capsys, "--db", db, "forms", "add", str(stick / "village_profile.xlsx"))
    assert code == EXIT_OK, err
    code, out, err = run(capsys, "--db", db, "forms", "list", "--json")
    assert {f["form_id"] for f in json.loads(out)} == {"village_profile", "practice_assessment"}


def test_a_whole_number_beyond_64_bits_is_refused_not_stored(capsys, db, tmp_path) -> None:
    code, out, err = add(capsys, db, tmp_path, '{"registered_pop": 1e30}')
    assert code == EXIT_INVALID_DATA, out
    assert "registered_pop: Enter a whole number from -9223372036854775808" in err


def test_json_true_for_a_text_question_is_refused(capsys, db, tmp_path) -> None:
    code, out, err = add(capsys, db, tmp_path, '{"respondent_name": true}')
    assert code == EXIT_INVALID_DATA, out
    assert "respondent_name: Enter text." in err


def test_one_mistyped_number_is_one_problem(capsys, db, tmp_path) -> None:
    """'12OO' for the registered population is said once: not also "required", nor that the
    five questions compared with it exceed it."""
    from fieldsurvey.core.demo import PROFILES

    answers = {**PROFILES[0][2], "registered_pop": "12OO"}
    data = tmp_path / "answers.json"
    data.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(
        capsys, "--db", db, "records", "add", "--form", "village_profile", "--data", str(data),
        "--complete",
    )  # fmt: skip
    assert code == EXIT_INVALID_DATA
    assert err.splitlines()[1:] == ["  registered_pop: Enter a whole number."], err
