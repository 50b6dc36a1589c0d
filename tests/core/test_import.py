"""Importing packages from several laptops into a coordinator's database, on SQLite and on
PostgreSQL: what merges, what conflicts, that the order of arrival does not matter, and that
a resolution travels onwards."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldsurvey.core.demo import PROFILES
from fieldsurvey.core.exchange.importer import import_packages
from fieldsurvey.core.review import choose, conflicts, decide, duplicates, settle_duplicate
from fieldsurvey.core.store.records import RecordStateError
from fieldsurvey.core.workspace import Workspace
from tests.core.laptops import PROFILE, VILLAGE, Fleet, bring, revision_ids, state


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    f = Fleet(tmp_path)
    yield f
    f.close()


@pytest.fixture
def county(fleet: Fleet, database: Path | str) -> Workspace:
    """The coordinator's database, on each backend."""
    return fleet.laptop("county", database)


def profile() -> dict:
    """A complete village profile of SY-SAN-001, as the demo has it."""
    return copy.deepcopy(next(a for name, _, a in PROFILES if name == "profile/SY-SAN-001"))


def shared_record(fleet: Fleet, *, complete: bool = True) -> tuple[Workspace, Workspace, str]:
    """A profile made on laptop A and handed to laptop B: both hold its first revision."""
    a, b = fleet.laptop("wang"), fleet.laptop("li")
    rid = a.add_record(PROFILE, profile(), village=VILLAGE, complete=complete).record.id
    bring(b, fleet.export(a))
    return a, b, rid


def test_a_new_record_arrives_with_its_whole_history(fleet: Fleet, county: Workspace) -> None:
    a = fleet.laptop("wang")
    rid = a.add_record(PROFILE, {"resident_pop": 400}, village=VILLAGE).record.id
    a.set_values(rid, {"resident_pop": "410"})
    [outcome] = bring(county, fleet.export(a))
    assert outcome.result == "imported" and outcome.added == [rid]
    assert [r.id for r in county.history(rid)] == [r.id for r in a.history(rid)]
    assert county.record(rid).answers_dict() == a.record(rid).answers_dict()
    assert county.record(rid).head_revision_id == a.record(rid).head_revision_id


def test_edits_of_different_fields_on_two_laptops_merge(fleet: Fleet, county: Workspace) -> None:
    a, b, rid = shared_record(fleet)
    a.set_values(rid, {"resident_pop": "500"})
    b.set_values(rid, {"households": "330"})
    outcomes = bring(county, fleet.export(a), fleet.export(b))
    assert outcomes[1].merged == [rid] and not outcomes[1].conflicts
    record = county.record(rid)
    answers = record.answers_dict()
    assert (answers["resident_pop"], answers["households"]) == (500, 330)
    assert answers["elderly_share"] == pytest.approx(42.4)  # 212 / 500 %: recomputed
    head = county.history(rid)[-1]
    assert head.kind == "merge" and len(head.parents_list()) == 2
    assert record.head_revision_id == head.id and record.conflicts == 0


def test_the_same_field_edited_on_two_laptops_is_a_conflict_holding_both(
    fleet: Fleet, county: Workspace
) -> None:
    a, b, rid = shared_record(fleet)
    a.set_values(rid, {"resident_pop": "410"})
    b.set_values(rid, {"resident_pop": "420", "households": "325"})
    outcomes = bring(county, fleet.export(a), fleet.export(b))
    assert outcomes[1].conflicts == {rid: 1}
    [view] = conflicts(county, rid)
    assert view.shown == "resident_pop" and view.base == 486
    assert [(c.value, c.author) for c in view.candidates] == [(410, "wang"), (420, "li")]
    assert all(c.created_at and c.hlc for c in view.candidates)  # who and when
    assert [r.id for r in county.records(status="conflict")] == [rid]
    assert county.record(rid).answers_dict()["households"] == 325  # merged meanwhile
    assert county.record(rid).status == "complete"
    with pytest.raises(RecordStateError, match="open conflict"):
        county.set_values(rid, {"households": "1"})


def test_a_resolution_is_a_two_parent_revision_that_travels_onwards(
    fleet: Fleet, county: Workspace, tmp_path: Path
) -> None:
    a, b, rid = shared_record(fleet)
    a.set_values(rid, {"resident_pop": "410"})
    b.set_values(rid, {"resident_pop": "420"})
    bring(county, fleet.export(a), fleet.export(b))
    [view] = conflicts(county, rid)
    li = next(c for c in view.candidates if c.author == "li")
    done = choose(county, rid, "resident_pop", take=li.revision)
    assert done.remaining == 0 and done.revision_id
    resolution = county.history(rid)[-1]
    assert resolution.id == done.revision_id and resolution.kind == "merge"
    assert sorted(resolution.parents_list()) == sorted(c.revision for c in view.candidates)
    assert county.record(rid).answers_dict()["resident_pop"] == 420
    assert county.record(rid).conflicts == 0 and not county.records(status="conflict")
    # the county's package brings the resolution back to laptop A, and on to the office
    package = fleet.export(county)
    [back] = bring(a, package)
    assert back.fast_forwarded == [rid] or back.merged == [rid]
    assert a.record(rid).answers_dict()["resident_pop"] == 420 and a.record(rid).conflicts == 0
    office = fleet.laptop("office", tmp_path / "office.db")
    bring(office, package)
    assert revision_ids(office) == revision_ids(county)
    assert state(office)[rid] == state(county)[rid]


def test_every_order_of_arrival_gives_the_same_state(fleet: Fleet, tmp_path: Path) -> None:
    a, b, rid = shared_record(fleet)
    c = fleet.laptop("zhao")
    bring(c, fleet.export(a))
    a.set_values(rid, {"resident_pop": "410", "cooperative[1]/coop_name": "Tea co-op"})
    b.set_values(rid, {"resident_pop": "420", "households": "325"})
    c.set_values(rid, {"pop_over_60": "200"})
    other = c.add_record("practice_assessment", {}, village=VILLAGE, lenient=True).record.id
    packages = [fleet.export(a), fleet.export(b), fleet.export(c)]
    states = []
    for n, order in enumerate(itertools.permutations(packages)):
        ws = fleet.laptop(f"coordinator{n}", tmp_path / f"order{n}.db")
        bring(ws, *order)
        states.append(state(ws))
    assert all(s == states[0] for s in states[1:])
    shown = states[0][rid]
    assert shown["answers"]["households"] == 325 and shown["answers"]["pop_over_60"] == 200
    assert shown["answers"]["cooperative"][0]["coop_name"] == "Tea co-op"
    assert list(shown["conflicts"]) == ["resident_pop"] and other in states[0]


def test_importing_again_changes_nothing(fleet: Fleet, county: Workspace) -> None:
    a, b, rid = shared_record(fleet)
    a.set_values(rid, {"resident_pop": "410"})
    b.set_values(rid, {"households": "325"})
    packages = [fleet.export(a), fleet.export(b)]
    bring(county, *packages)
    before, revisions = state(county), revision_ids(county)
    again = bring(county, *packages, *reversed(packages))
    assert [o.result for o in again] == ["already had"] * 4
    assert all(o.already_had == 1 and not o.revisions for o in again)
    assert state(county) == before and revision_ids(county) == revisions


def test_an_older_package_after_a_newer_one_is_already_had(fleet: Fleet, county: Workspace) -> None:
    a = fleet.laptop("wang")
    rid = a.add_record(PROFILE, {"resident_pop": 400}, village=VILLAGE).record.id
    old = fleet.export(a)
    a.set_values(rid, {"resident_pop": "410"})
    new = fleet.export(a)
    bring(county, new)
    [outcome] = bring(county, old)
    assert outcome.result == "already had"
    assert county.record(rid).answers_dict()["resident_pop"] == 410


def test_rows_added_on_both_sides_are_kept_and_a_deleted_edited_row_conflicts(
    fleet: Fleet, county: Workspace
) -> None:
    a, b, rid = shared_record(fleet, complete=False)
    a.set_values(rid, {"cooperative[3]/coop_name": "Wang's new row"})
    b.set_values(rid, {"cooperative[3]/coop_name": "Li's new row"})
    answers = b.record(rid).answers_dict()  # Li deletes the tea co-op; Wang edits it
    b.save_answers(rid, {**answers, "cooperative": answers["cooperative"][1:]})
    a.set_values(rid, {"cooperative[1]/coop_members": "140"})
    bring(county, fleet.export(a), fleet.export(b))
    names = [row["coop_name"] for row in county.record(rid).answers_dict()["cooperative"]]
    assert names[0] == "杨家堂茶叶专业合作社"  # kept until someone chooses
    assert sorted(names[1:]) == sorted(["Yangjiatang Homestay Alliance", "Wang's new row",
                                        "Li's new row"])  # fmt: skip
    [view] = conflicts(county, rid)
    assert view.is_row and view.shown == "cooperative[1]"
    deleted = next(c for c in view.candidates if c.deleted)
    kept = next(c for c in view.candidates if not c.deleted)
    assert deleted.author == "li" and kept.value["coop_members"] == 140
    choose(county, rid, view.shown, take=deleted.revision)
    names = [row["coop_name"] for row in county.record(rid).answers_dict()["cooperative"]]
    assert "杨家堂茶叶专业合作社" not in names and len(names) == 3


def test_an_approved_record_changed_in_the_field_is_flagged_not_reopened(
    fleet: Fleet, county: Workspace
) -> None:
    a = fleet.laptop("wang")
    rid = a.add_record(PROFILE, profile(), village=VILLAGE, complete=True).record.id
    bring(county, fleet.export(a))
    decide(county, rid, "approve", "checked by phone")
    assert county.history(rid)[-1].comment == "checked by phone"
    a.set_values(rid, {"households": "321"})  # the laptop never saw the approval
    [outcome] = bring(county, fleet.export(a))
    assert outcome.flagged == [rid]
    record = county.record(rid)
    assert record.status == "complete" and record.review_flag == "changed after review"
    assert record.answers_dict()["households"] == 321
    decide(county, rid, "approve")
    assert county.record(rid).review_flag is None and county.record(rid).status == "approved"


def test_review_decisions_travel_with_their_comments(fleet: Fleet, county: Workspace) -> None:
    a = fleet.laptop("wang")
    rid = a.add_record(PROFILE, profile(), village=VILLAGE, complete=True).record.id
    bring(county, fleet.export(a))
    decide(county, rid, "reject", "households look too low; recount")
    bring(a, fleet.export(county))
    record = a.record(rid)
    assert record.status == "rejected"
    assert a.history(rid)[-1].comment == "households look too low; recount"
    a.set_values(rid, {"households": "340"})  # corrected on the laptop: back to review
    assert a.record(rid).status == "complete"


def test_form_versions_and_villages_the_package_carries_are_added(
    fleet: Fleet, county: Workspace, xlsform
) -> None:
    a = fleet.laptop("wang")
    form = xlsform(
        [["type", "name", "label"], ["text", "crop", "Crop"], ["integer", "area", "Area"]],
        settings=[["form_id", "version", "form_title"], ["crops", "3", "Crops"]],
    )
    a.add_form(form)
    village = a.add_village(name_zh="新村", name_en="Xincun", latitude=28.5, longitude=119.5)
    rid = a.add_record("crops", {"crop": "tea"}, village=village.code).record.id
    [outcome] = bring(county, fleet.export(a))
    assert outcome.forms_added == ["crops 3"] and outcome.villages_added == [village.code]
    assert county.record(rid).village_code == village.code
    assert county.form("crops").version == "3"


def test_possible_duplicates_are_listed_for_review(fleet: Fleet, county: Workspace) -> None:
    a, b = fleet.laptop("wang"), fleet.laptop("li")
    near = a.add_village(
        name_zh="杨家堂村", name_en="Yangjiatang", latitude=28.536, longitude=119.512
    )
    a.add_record(PROFILE, {"resident_pop": 1}, village=near.code, lenient=True)
    first = a.add_record(PROFILE, {"resident_pop": 2}, village=VILLAGE, lenient=True).record.id
    second = b.add_record(PROFILE, {"resident_pop": 3}, village=VILLAGE, lenient=True).record.id
    outcomes = bring(county, fleet.export(a), fleet.export(b))
    kinds = {(d["kind"], d["first"], d["second"]) for o in outcomes for d in o.duplicates}
    assert ("record", first, second) in kinds
    assert ("village", VILLAGE, near.code) in kinds
    [again] = bring(county, fleet.export(a))
    assert again.duplicates == []  # a pair is listed once
    settle_duplicate(county, VILLAGE, near.code, link=True)
    linked = {v.code: v.same_as for v in county.villages()}
    assert linked[near.code] == VILLAGE and linked[VILLAGE] is None
    assert [p.status for p in duplicates(county, status=None) if p.kind == "village"] == ["linked"]


def test_a_record_exported_with_its_conflicts_open_arrives_with_them(
    fleet: Fleet, county: Workspace, tmp_path: Path
) -> None:
    a, b, rid = shared_record(fleet)
    a.set_values(rid, {"resident_pop": "410"})
    b.set_values(rid, {"resident_pop": "420", "households": "325"})
    bring(county, fleet.export(a), fleet.export(b))
    office = fleet.laptop("office", tmp_path / "office.db")
    [outcome] = bring(office, fleet.export(county))
    assert outcome.added == [rid] and outcome.conflicts == {rid: 1}
    assert state(office)[rid] == state(county)[rid]
    assert [v.shown for v in conflicts(office, rid)] == ["resident_pop"]


def test_import_report_is_kept_in_the_database(fleet: Fleet, county: Workspace) -> None:
    from fieldsurvey.core.exchange.importer import import_history

    a, b, rid = shared_record(fleet)
    a.set_values(rid, {"resident_pop": "410"})
    bring(county, fleet.export(a))
    [report] = import_history(county)
    assert report["counts"]["added"] == 1 and report["device_name"] == "Laptop wang"
    assert json.dumps(report)  # plain JSON


def test_any_database_imports_any_package(fleet: Fleet) -> None:
    """A coordinator's corrections go back to a field laptop that never had the record."""
    a = fleet.laptop("wang")
    county = fleet.laptop("county")
    rid = county.add_record(PROFILE, {"resident_pop": 5}, village=VILLAGE).record.id
    [outcome] = import_packages(a, [fleet.export(county)])
    assert outcome.added == [rid]


def test_the_consolidated_export_carries_reviewed_records_to_the_office(
    fleet: Fleet, county: Workspace, tmp_path: Path
) -> None:
    a, b, rid = shared_record(fleet)
    answers = {**profile(), "village": "SY-SAN-002"}
    other = b.add_record(PROFILE, answers, village="SY-SAN-002", complete=True).record.id
    b.set_values(rid, {"households": "325"})
    bring(county, fleet.export(a), fleet.export(b))
    decide(county, rid, "approve", "all good")
    decide(county, other, "reject", "wrong village")
    package = fleet.export(county, status="complete")  # finalised: reviewed ones included
    office = fleet.laptop("office", tmp_path / "office.db")
    [outcome] = bring(office, package)
    assert sorted(outcome.added) == sorted([rid, other])
    assert [r.id for r in office.history(rid)] == [r.id for r in county.history(rid)]
    assert (office.record(rid).status, office.record(other).status) == ("approved", "rejected")
    assert state(office) == state(county)


def test_a_package_without_pdf_sheets_imports_the_same(fleet: Fleet, county: Workspace) -> None:
    import zipfile

    a = fleet.laptop("wang")
    rid = a.add_record(PROFILE, profile(), village=VILLAGE, complete=True).record.id
    package = fleet.export(a, pdf="none")
    with zipfile.ZipFile(package) as zf:
        assert not [n for n in zf.namelist() if "/data/pdf/" in n]
        assert [n for n in zf.namelist() if n.endswith("/data/csv/village_profile.csv")]
    [outcome] = bring(county, package)
    assert outcome.added == [rid]


def test_photos_arrive_beside_the_importing_database(fleet: Fleet, county: Workspace) -> None:
    a = fleet.laptop("wang")
    answers = {**profile(), "photo_overview": "overview.jpg"}
    rid = a.add_record(PROFILE, answers, village=VILLAGE, complete=True).record.id
    (a.media_root / rid).mkdir(parents=True)
    (a.media_root / rid / "overview.jpg").write_bytes(b"\xff\xd8 a photo")
    [outcome] = bring(county, fleet.export(a))
    assert outcome.photos_added == 1
    assert (county.media_root / rid / "overview.jpg").read_bytes() == b"\xff\xd8 a photo"
    [again] = bring(county, fleet.export(a))
    assert again.photos_added == 0 and again.result == "already had"
