"""``fieldsurvey screenshots`` renders a PNG per screen and language, without touching a
given database."""

from __future__ import annotations

import hashlib

import pytest

from fieldsurvey.app.i18n import language
from fieldsurvey.app.screenshots import LANGS, SCREENS
from fieldsurvey.cli import main


def _filler_importable() -> bool:
    try:
        from fieldsurvey.app.filler import FormFiller  # noqa: F401
    except ImportError:
        return False
    return True


needs_filler = pytest.mark.skipif(
    not _filler_importable(), reason="the form filler is not importable yet"
)
EXPECTED = {f"{screen}_{lang}.png" for screen in SCREENS for lang in LANGS}


@needs_filler
def test_screenshots_command_writes_a_png_per_screen_and_language(tmp_path, capsys):
    out = tmp_path / "shots"
    assert main(["screenshots", "--out", str(out)]) == 0
    assert len(EXPECTED) == 10  # villages, profile, repeat, records, review
    assert EXPECTED == {p.name for p in out.iterdir()}
    for name in EXPECTED:
        data = (out / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000, name
    assert str(out / "villages_en.png") in capsys.readouterr().out
    assert language() == "en", "the UI language is put back afterwards"


@needs_filler
def test_screenshots_of_a_given_database_leave_it_unchanged(tmp_path, demo_template):
    before = hashlib.sha256(demo_template.read_bytes()).hexdigest()
    out = tmp_path / "shots"
    assert main(["--db", str(demo_template), "screenshots", "--out", str(out)]) == 0
    assert EXPECTED == {p.name for p in out.iterdir()}
    assert hashlib.sha256(demo_template.read_bytes()).hexdigest() == before


def test_screenshots_refuse_a_missing_database(tmp_path, capsys):
    missing = tmp_path / "nope.db"
    assert main(["--db", str(missing), "screenshots", "--out", str(tmp_path / "o")]) == 3
    assert "no such database file" in capsys.readouterr().err


@needs_filler
def test_screenshots_of_a_database_without_the_demo_records(tmp_path):
    from fieldsurvey.core.workspace import Workspace

    db = tmp_path / "fresh.db"
    with Workspace.open(db, create=True) as ws:
        ws.initialise()  # what `fieldsurvey init` makes: forms and registry, no records
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    out = tmp_path / "shots"
    assert main(["--db", str(db), "screenshots", "--out", str(out)]) == 0
    assert EXPECTED == {p.name for p in out.iterdir()}
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_screenshots_refuse_a_file_where_the_folder_should_be(tmp_path, capsys):
    in_the_way = tmp_path / "shots"
    in_the_way.write_text("not a folder")
    assert main(["screenshots", "--out", str(in_the_way)]) == 3
    err = capsys.readouterr().err
    assert "cannot write the screenshots there" in err and "Traceback" not in err
