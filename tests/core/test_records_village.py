"""The village a record is filed under and the village its answers name stay one village:
`records add --village` fills an empty village answer (checked as if typed) and is refused
when the answers name another."""

from __future__ import annotations

import json

import pytest

from fieldsurvey.core.errors import EXIT_INVALID_DATA, EXIT_OK, InvalidDataError
from fieldsurvey.core.workspace import Workspace
from tests.core.test_cli import GOOD, add_profile, run


def show(capsys, db: str, uuid: str) -> dict:
    return json.loads(run(capsys, "--db", db, "records", "show", uuid, "--json")[1])


def test_a_village_other_than_the_answers_is_refused(capsys, db, tmp_path) -> None:
    data = {**GOOD, "township": "sandu", "village": "SY-SAN-001"}
    code, out, err = add_profile(capsys, db, tmp_path, data, "--village", "SY-AM-001")
    assert code == EXIT_INVALID_DATA, out
    assert "SY-SAN-001" in err and "SY-AM-001" in err and "nothing was saved" in err
    assert json.loads(run(capsys, "--db", db, "records", "list", "--json")[1]) == []


def test_the_same_village_in_both_is_fine(capsys, db, tmp_path) -> None:
    data = {**GOOD, "village": "SY-SAN-001"}
    code, out, err = add_profile(capsys, db, tmp_path, data, "--village", "SY-SAN-001")
    assert code == EXIT_OK, err
    record = show(capsys, db, out.strip())
    assert record["village_code"] == record["answers"]["village"] == "SY-SAN-001"


def test_an_empty_village_answer_is_filled_from_the_village_given(capsys, db, tmp_path) -> None:
    data = {k: v for k, v in GOOD.items() if k != "village"}
    code, out, err = add_profile(capsys, db, tmp_path, data, "--village", "SY-SAN-001")
    assert code == EXIT_OK, err
    record = show(capsys, db, out.strip())
    assert record["village_code"] == record["answers"]["village"] == "SY-SAN-001"


def test_the_village_given_is_checked_like_a_typed_answer(capsys, db, tmp_path) -> None:
    data = {k: v for k, v in GOOD.items() if k != "village"}  # township: sandu
    code, _, err = add_profile(capsys, db, tmp_path, data, "--village", "SY-AM-001")
    assert code == EXIT_INVALID_DATA
    assert "village: 'SY-AM-001' is not among the choices the earlier answers allow." in err
    code, _, err = add_profile(capsys, db, tmp_path, data, "--village", "SY-NOWHERE-9")
    assert code == EXIT_INVALID_DATA and "'SY-NOWHERE-9' is not one of the choices" in err


def test_with_no_township_the_village_brings_its_own(tmp_path) -> None:
    """As the app does for a record opened from a village: the township the village's
    choice filter reads is taken from the village's registry row."""
    with Workspace.open(tmp_path / "w.db") as ws:
        ws.initialise()
        saved = ws.add_record("village_profile", {"respondent_name": "叶"}, village="SY-AM-001")
        answers = saved.record.answers_dict()
        assert (answers["village"], answers["township"]) == ("SY-AM-001", "anmin")
        assert saved.record.village_code == "SY-AM-001"
        with pytest.raises(InvalidDataError) as refused:  # the app's lenient draft too
            ws.add_record(
                "village_profile", {"village": "SY-SAN-001"}, village="SY-AM-001", lenient=True
            )
        assert "SY-SAN-001" in refused.value.localized_details("zh")[0]
