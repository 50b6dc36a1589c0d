"""Packages an import must refuse, whole: the reason is named and the database is exactly as
it was (the same bytes, on SQLite)."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldsurvey.core.exchange.importer import PackageOutcome, import_packages
from fieldsurvey.core.exchange.schema import content_hash
from fieldsurvey.core.keys import SETTING_SIGNING_KEY, device_key
from fieldsurvey.core.workspace import Workspace
from tests.core.laptops import PROFILE, VILLAGE, Fleet, bring, state
from tests.core.packages import put_records, rebag, records_of, rewrite


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    f = Fleet(tmp_path)
    yield f
    f.close()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused_unchanged(ws: Workspace, package: Path, reason: str) -> PackageOutcome:
    """Import *package* into *ws* (closed and reopened around it, so the file's bytes can be
    compared): refused naming *reason*, and not one byte of the database changed."""
    path = ws.store.path
    before_state = state(ws)
    ws.close()
    before = file_digest(path)
    ws2 = Workspace.open(path, create=False)
    try:
        [outcome] = import_packages(ws2, [package])
        assert outcome.result == "refused", outcome
        assert any(reason in r for r in outcome.reasons), outcome.reasons
        assert not (outcome.added or outcome.villages_added or outcome.forms_added)
        assert state(ws2) == before_state
    finally:
        ws2.close()
    assert file_digest(path) == before
    return outcome


def a_record(fleet: Fleet) -> tuple[Workspace, str]:
    a = fleet.laptop("wang")
    rid = a.add_record(PROFILE, {"resident_pop": 400}, village=VILLAGE).record.id
    return a, rid


def test_a_tampered_package_is_refused_and_the_database_unchanged(
    fleet: Fleet, tmp_path: Path
) -> None:
    a, rid = a_record(fleet)
    county = fleet.laptop("county")
    package = fleet.export(a)
    bad = rewrite(
        package,
        tmp_path / "bad.zip",
        change={"data/records.jsonl": lambda b: b.replace(b"400", b"900")},
    )
    refused_unchanged(county, bad, "checksum does not match")


def forged_package(fleet: Fleet, a: Workspace, rid: str, folder: Path) -> Path:
    """Another machine claims to be laptop A: A's database copied, with a key of its own,
    and a change to A's record. (Closes A.)"""
    forged_db = folder / "forged.db"
    a.close()
    shutil.copy(fleet.folder / "wang" / "wang.db", forged_db)
    forger = Workspace.open(forged_db)
    forger.store.set_setting(SETTING_SIGNING_KEY, "")
    forger.set_values(rid, {"resident_pop": "1"})
    package = fleet.export(forger)
    forger.close()
    return package


def test_a_forged_key_for_a_known_device_is_refused(fleet: Fleet, tmp_path: Path) -> None:
    a, rid = a_record(fleet)
    county = fleet.laptop("county")
    bring(county, fleet.export(a))
    package = forged_package(fleet, a, rid, tmp_path)
    refused_unchanged(county, package, "is known here with a different key")


def test_a_package_from_a_newer_fieldsurvey_names_the_version_needed(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, rid = a_record(fleet)
    county = fleet.laptop("county")
    monkeypatch.setattr("fieldsurvey.core.exchange.export.PACKAGE_FORMAT", "9")
    monkeypatch.setattr("fieldsurvey.core.exchange.export.__version__", "7.2.0")
    package = fleet.export(a)
    refused_unchanged(county, package, "written by FieldSurvey 7.2.0")


def test_a_package_needing_a_form_it_does_not_carry_is_refused(
    fleet: Fleet, tmp_path: Path
) -> None:
    a, rid = a_record(fleet)
    county = Workspace.open(tmp_path / "empty.db")  # no forms at all
    county.configure(enumerator="county")
    key = device_key(a.store)

    def drop_forms(data: dict[str, bytes]) -> None:
        for name in [n for n in data if n.startswith("data/forms/") and n.endswith(".xlsx")]:
            del data[name]
        data["data/forms/forms.csv"] = b"form_id,version,title,sha256,file,added_at\r\n"

    package = rebag(fleet.export(a), tmp_path / "formless.zip", key, drop_forms)
    refused_unchanged(county, package, "which neither the package nor this database has")


def test_a_package_that_breaks_halfway_is_rolled_back_whole(fleet: Fleet, tmp_path: Path) -> None:
    """The second record of the package reuses a revision id the county holds, with other
    content: the first record, already written, goes with the rest."""
    a, rid = a_record(fleet)
    county = fleet.laptop("county")
    bring(county, fleet.export(a))
    fresh = a.add_record(PROFILE, {"resident_pop": 7}, village="SY-SAN-002").record.id
    key = device_key(a.store)
    held = county.history(rid)[0].id

    def reuse_an_id(data: dict[str, bytes]) -> None:
        records = records_of(data)
        for record in records:
            rev = record["revisions"][0]
            if record["id"] == rid:
                rev["answers"]["resident_pop"] = 999  # same id, other content
                rev["hash"] = content_hash(record["id"], rev)
        put_records(data, records)

    assert fresh < rid or fresh > rid  # whichever comes first, nothing of it may stay
    package = rebag(fleet.export(a), tmp_path / "halfway.zip", key, reuse_an_id)
    refused_unchanged(county, package, f"revision {held} of record {rid} is not the same")


def test_a_record_filed_under_a_village_nobody_has_is_refused(fleet: Fleet, tmp_path: Path) -> None:
    a, rid = a_record(fleet)
    county = fleet.laptop("county")
    key = device_key(a.store)

    def lose_the_village(data: dict[str, bytes]) -> None:
        records = records_of(data)
        records[0]["village_code"] = "SY-NOWHERE-9"
        put_records(data, records)

    package = rebag(fleet.export(a), tmp_path / "nowhere.zip", key, lose_the_village)
    outcome = refused_unchanged(county, package, "village 'SY-NOWHERE-9'")
    assert "SY-NOWHERE-9" in outcome.reasons_zh[0] and "村庄" in outcome.reasons_zh[0]


def test_a_missing_file_is_refused_with_its_reason(fleet: Fleet, tmp_path: Path) -> None:
    county = fleet.laptop("county")
    [outcome] = import_packages(county, [tmp_path / "not-here.zip"])
    assert outcome.result == "refused" and "cannot read the file" in outcome.reasons[0]


def test_one_refused_package_does_not_stop_the_others(fleet: Fleet, tmp_path: Path) -> None:
    a, rid = a_record(fleet)
    county = fleet.laptop("county")
    good = fleet.export(a)
    bad = rewrite(good, tmp_path / "bad.zip", drop=("data/records.jsonl",))
    outcomes = import_packages(county, [bad, good])
    assert [o.result for o in outcomes] == ["refused", "imported"]
    assert county.record(rid)


def test_a_package_of_the_first_format_still_imports(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, rid = a_record(fleet)
    county = fleet.laptop("county")
    monkeypatch.setattr("fieldsurvey.core.exchange.export.PACKAGE_FORMAT", "1")
    [outcome] = bring(county, fleet.export(a))
    assert outcome.added == [rid]


def test_a_malformed_record_is_refused_as_verify_refuses_it(fleet: Fleet, tmp_path: Path) -> None:
    a, rid = a_record(fleet)
    new = a.add_village(name_zh="新村", name_en="Xincun")  # would be added, if anything were
    a.add_record(PROFILE, {"resident_pop": 7}, village=new.code)
    county = fleet.laptop("county")
    key = device_key(a.store)

    def break_the_second(data: dict[str, bytes]) -> None:
        records = records_of(data)
        del records[1]["form_id"]
        put_records(data, records)

    package = rebag(fleet.export(a), tmp_path / "malformed.zip", key, break_the_second)
    refused_unchanged(county, package, "records.jsonl line 2: missing form_id")


def test_counts_that_disagree_with_bag_info_are_refused(fleet: Fleet, tmp_path: Path) -> None:
    a, rid = a_record(fleet)
    county = fleet.laptop("county")
    key = device_key(a.store)

    def add_a_record(data: dict[str, bytes]) -> None:
        records = records_of(data)
        twin = json.loads(json.dumps(records[0]))
        twin["id"] = "ffffffff-ffff-4fff-bfff-ffffffffffff"
        [rev] = twin["revisions"]
        rev["id"] = twin["head_revision"] = "eeeeeeee-eeee-4eee-beee-eeeeeeeeeeee"
        rev["hash"] = content_hash(twin["id"], rev)
        put_records(data, [*records, twin])

    package = rebag(fleet.export(a), tmp_path / "counts.zip", key, add_a_record)
    refused_unchanged(county, package, "bag-info says FieldSurvey-Record-Count '1', found 2")


def _set_answer(key: str, value: object):
    def change(rev: dict) -> None:
        rev["answers"][key] = value

    return change


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_set_answer("a/b", 1), "answer name 'a/b' is not a question name"),
        (_set_answer("", 1), "answer name '' is not a question name"),
        (_set_answer("cooperative", [{"_row_id": "x/y"}]), "has no usable _row_id"),
        (
            _set_answer("cooperative", [{"_row_id": "r"}, {"_row_id": "r"}]),
            "two rows with the same _row_id",
        ),
        (lambda rev: rev.update(created_at="yesterday"), "created_at is not a time"),
        (lambda rev: rev.update(hlc="999999999999999-99999-x"), "is not a plausible time"),
    ],
    ids=["slash-in-name", "empty-name", "slash-in-row-id", "same-row-id", "bad-time", "clock"],
)
def test_crafted_answers_and_times_are_refused(
    fleet: Fleet, tmp_path: Path, change, reason: str
) -> None:
    """A package anyone can sign with a new key: what it says is checked, never trusted."""
    a, rid = a_record(fleet)
    county = fleet.laptop("county")
    key = device_key(a.store)

    def craft(data: dict[str, bytes]) -> None:
        records = records_of(data)
        rev = records[0]["revisions"][0]
        change(rev)
        rev["hash"] = content_hash(records[0]["id"], rev)
        put_records(data, records)

    package = rebag(fleet.export(a), tmp_path / "crafted.zip", key, craft)
    refused_unchanged(county, package, reason)


def test_a_forged_key_in_the_same_import_run_is_refused(fleet: Fleet, tmp_path: Path) -> None:
    """Two packages claiming one device in the same run: the first pins its key, and the
    second, with another key, is refused."""
    a, rid = a_record(fleet)
    county = fleet.laptop("county")
    genuine = fleet.export(a)
    forged = forged_package(fleet, a, rid, tmp_path)
    outcomes = import_packages(county, [genuine, forged])
    assert [o.result for o in outcomes] == ["imported", "refused"]
    assert "known here with a different key" in outcomes[1].reasons[0]
    assert county.record(rid).answers_dict()["resident_pop"] == 400
