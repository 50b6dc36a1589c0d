"""The Workspace facade: form versions, autosave recovery, lenient drafts."""

from __future__ import annotations

import pytest

from fieldsurvey.core.errors import InvalidDataError, RefusedError
from fieldsurvey.core.workspace import Workspace

HEAD = ["type", "name", "label", "constraint", "required"]


def form_v(xlsform, version: str, extra: list | None = None):
    rows = [HEAD, ["integer", "households", "Households", ". > 0", "yes"], *(extra or [])]
    return xlsform(
        rows, settings=[["form_id", "version"], ["tiny", version]], name=f"tiny_{version}.xlsx"
    )


@pytest.fixture
def ws(database):
    with Workspace.open(database) as ws:
        ws.initialise(enumerator="Wang Li", device="Laptop 3")
        yield ws


def test_old_records_stay_readable_after_a_new_form_version(ws, xlsform):
    ws.add_form(form_v(xlsform, "1"))
    old = ws.add_record("tiny", {"households": 12}).record
    ws.add_form(form_v(xlsform, "2", [["text", "head", "Head of household", "", "yes"]]))
    assert ws.form("tiny").version == "2"
    assert ws.record(old.id).form_version == "1"
    assert [n.name for n in ws.form("tiny", "1").fields()] == ["households"]
    new = ws.add_record("tiny", {"households": 3, "head": "Ye"}).record
    assert new.form_version == "2"


def test_same_version_with_different_content_is_refused(ws, xlsform):
    ws.add_form(form_v(xlsform, "1"))
    assert ws.add_form(form_v(xlsform, "1"))[1] is False  # the same bytes again: nothing to do
    changed = form_v(xlsform, "1", [["text", "extra", "Extra", "", ""]])
    with pytest.raises(RefusedError, match="version"):
        ws.add_form(changed)


def test_autosave_is_recoverable_and_cleared_by_a_real_save(ws, xlsform):
    ws.add_form(form_v(xlsform, "1"))
    record_id = "7b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3"
    ws.autosave(record_id, "tiny", {"households": 4})
    [pending] = ws.pending_autosaves()
    assert pending["record_id"] == record_id and pending["answers"] == {"households": 4}
    ws.add_record("tiny", pending["answers"], record_id=record_id)
    assert ws.pending_autosaves() == []


def test_lenient_drafts_keep_broken_constraints_but_not_wrong_types(ws, xlsform):
    ws.add_form(form_v(xlsform, "1"))
    saved = ws.add_record("tiny", {"households": 0}, lenient=True)  # constraint broken: kept
    assert saved.record.answers_dict()["households"] == 0
    with pytest.raises(InvalidDataError):
        ws.add_record("tiny", {"households": "many"}, lenient=True)
    with pytest.raises(InvalidDataError):
        ws.add_record("tiny", {"households": 0})  # the command line is strict


def test_finalising_needs_required_answers(ws, xlsform):
    ws.add_form(form_v(xlsform, "1"))
    record = ws.add_record("tiny", {}).record
    with pytest.raises(InvalidDataError, match="problem"):
        ws.save_answers(record.id, {}, complete=True)
    assert ws.save_answers(record.id, {"households": 2}, complete=True).record.status == "complete"
    assert len(ws.history(record.id)) == 2


def test_a_village_outside_the_chosen_township(ws):
    answers = {"township": "sidu", "village": "SY-SAN-001"}  # Sandu's village, Sidu chosen
    with pytest.raises(InvalidDataError) as refused:
        ws.add_record("village_profile", answers)  # the command line: refused, saying why
    assert refused.value.details == [
        "village: 'SY-SAN-001' is not among the choices the earlier answers allow."
    ]
    draft = ws.add_record("village_profile", answers, lenient=True)  # the app's draft: kept
    with pytest.raises(InvalidDataError):
        ws.save_answers(draft.record.id, answers, complete=True)
    assert ws.add_record("village_profile", {**answers, "township": "sandu"}).record.village_code
