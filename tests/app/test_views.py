"""The villages and records pages, driven as a person would, against a demo database."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from fieldsurvey.app.models import VillageTableModel
from fieldsurvey.app.views.records import RecordsView, duplicate_request
from fieldsurvey.app.views.villages import VillagesView
from fieldsurvey.core.demo import demo_id
from fieldsurvey.core.forms.model import ROW_ID
from fieldsurvey.core.queries import VillageFilter

ALL_VILLAGES = 71  # rows in forms/villages.csv


def codes(model) -> list[str]:
    return [row.code for row in model.rows()]


def test_villages_search_and_township_narrow_the_rows(qtbot, workspace):
    view = VillagesView(workspace)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == ALL_VILLAGES)
    qtbot.waitUntil(lambda: view.township.count() > 1)

    with qtbot.waitSignal(view.model.loaded):
        view.search.setText("yangjia")  # pinyin, any case
    assert codes(view.model) == ["SY-SAN-001"]

    with qtbot.waitSignal(view.model.loaded):
        view.search.setText("杨家堂")
    assert codes(view.model) == ["SY-SAN-001"]

    with qtbot.waitSignal(view.model.loaded):
        view.search.setText("")
    with qtbot.waitSignal(view.model.loaded):
        view.select_township("sidu")
    assert view.model.rowCount() < ALL_VILLAGES
    assert codes(view.model) and all(c.startswith("SY-SID-") for c in codes(view.model))
    assert view.count.text() == f"{view.model.rowCount()} villages"


def test_villages_show_profile_state_and_assessments(qtbot, workspace):
    view = VillagesView(workspace)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == ALL_VILLAGES)
    rows = {r.code: r for r in view.model.rows()}
    assert (rows["SY-SAN-001"].profile, rows["SY-SAN-001"].assessments) == ("complete", 1)
    assert rows["SY-DDB-001"].profile == "draft"
    assert rows["SY-AM-001"].profile == "none"
    index = view.model.index(codes(view.model).index("SY-DDB-001"), VillageTableModel.PROFILE)
    assert view.model.data(index) == "Draft"

    with qtbot.waitSignal(view.model.loaded):  # sorting happens in SQL and reloads
        view.table.sortByColumn(VillageTableModel.ASSESSMENTS, Qt.SortOrder.DescendingOrder)
    assert view.model.rows()[0].assessments == 1


def test_village_model_loads_lazily_page_by_page(qtbot, workspace):
    model = VillageTableModel(workspace, page_size=20)
    with qtbot.waitSignal(model.loaded):
        model.set_filter(VillageFilter())
    assert model.rowCount() == 20
    assert model.total == ALL_VILLAGES
    assert model.canFetchMore(QModelIndex())
    with qtbot.waitSignal(model.loaded):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 40
    while model.canFetchMore(QModelIndex()):
        with qtbot.waitSignal(model.loaded):
            model.fetchMore(QModelIndex())
    assert model.rowCount() == ALL_VILLAGES
    assert len(set(codes(model))) == ALL_VILLAGES


def test_add_village_without_code_makes_a_provisional_one(qtbot, workspace):
    from fieldsurvey.app.dialogs.add_village import AddVillageDialog

    dialog = AddVillageDialog(workspace, [("sidu", "四都乡")])
    qtbot.addWidget(dialog)
    dialog.name_zh.setText("新发现村")
    dialog.name_en.setText("Xinfaxian")
    dialog.township.setCurrentIndex(1)
    dialog.accept()
    village = dialog.village
    assert village is not None, dialog.error.text()
    assert village.code.startswith("NEW-") and len(village.code) == len("NEW-") + 8
    assert village.provisional
    stored = {v.code: v for v in workspace.villages()}[village.code]
    assert (stored.name_zh, stored.township, stored.provisional) == ("新发现村", "sidu", True)
    assert "NEW-" in dialog.code.placeholderText() or dialog.code.text() == ""


def test_add_village_refuses_a_code_already_in_the_registry(qtbot, workspace):
    from fieldsurvey.app.dialogs.add_village import AddVillageDialog

    dialog = AddVillageDialog(workspace, [])
    qtbot.addWidget(dialog)
    dialog.code.setText("SY-SAN-001")
    dialog.name_zh.setText("重复")
    dialog.accept()
    assert dialog.village is None
    assert "already in the registry" in dialog.error.text()


def _records_view(qtbot, workspace) -> RecordsView:
    view = RecordsView(workspace)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 8)
    return view


def _select(view: RecordsView, record_id: str) -> None:
    row = [item.id for item in view.model.rows()].index(record_id)
    view.table.selectRow(row)


def test_records_filter_by_status(qtbot, workspace):
    view = _records_view(qtbot, workspace)
    with qtbot.waitSignal(view.model.loaded):
        view.set_status_filter("draft")
    assert view.model.rowCount() == 2
    assert {item.status for item in view.model.rows()} == {"draft"}
    with qtbot.waitSignal(view.model.loaded):
        view.set_status_filter("complete")
    assert view.model.rowCount() == 6
    assert view.count.text() == "6 records"


def test_records_text_search_finds_answers(qtbot, workspace):
    view = _records_view(qtbot, workspace)
    with qtbot.waitSignal(view.model.loaded):
        view.search.setText("崖居")  # in the Chenjiapu practice's Chinese name
    assert [i.id for i in view.model.rows()] == [demo_id("assessment/chenjiapu-bookstore")]


def test_delete_draft_works_and_is_disabled_for_finalised(qtbot, workspace, monkeypatch):
    import fieldsurvey.app.views.records as records_module

    view = _records_view(qtbot, workspace)
    complete = demo_id("profile/SY-SAN-001")
    _select(view, complete)
    assert not view.delete_action.isEnabled()
    assert "cannot be deleted" in view.delete_action.toolTip()
    assert not view.buttons[view.delete_action].isEnabled()

    draft = demo_id("assessment/chapai-ecology")
    _select(view, draft)
    assert view.delete_action.isEnabled()
    asked = []
    monkeypatch.setattr(records_module, "confirm", lambda *args: asked.append(args) or True)
    with qtbot.waitSignal(view.model.loaded):
        view.delete_action.trigger()
    assert asked, "deleting must ask first"
    assert workspace.record(draft).deleted
    assert draft not in [i.id for i in view.model.rows()]
    assert view.model.rowCount() == 7


def test_duplicate_copies_answers_without_row_ids_or_metadata(workspace):
    source = demo_id("profile/SY-SAN-001")
    request = duplicate_request(workspace, source)
    original = workspace.record(source).answers_dict()
    assert request.record_id is None and request.form_id == "village_profile"
    assert request.village_code == "SY-SAN-001"
    assert request.answers["respondent_name"] == original["respondent_name"]
    coops = request.answers["cooperative"]
    assert [c["coop_name"] for c in coops] == [c["coop_name"] for c in original["cooperative"]]
    assert all(ROW_ID not in c for c in coops)
    assert not {"photo_overview", "photo_other"} & set(request.answers)


def test_copyable_answers_drop_metadata_photos_and_row_ids(xlsform):
    from fieldsurvey.core.forms.builder import check_form
    from fieldsurvey.core.queries import copy_answers

    path = xlsform(
        [
            ["type", "name", "label"],
            ["start", "started", ""],
            ["today", "day", ""],
            ["deviceid", "device", ""],
            ["text", "name", "Name"],
            ["image", "photo", "Photo"],
            ["begin_repeat", "member", "Member"],
            ["text", "member_name", "Name"],
            ["end_repeat", "", ""],
        ],
        settings=[["form_id", "version"], ["copy_test", "1"]],
    )
    form = check_form(path).form
    assert form is not None
    answers = {
        "started": "2026-10-01T09:00:00",
        "day": "2026-10-01",
        "device": "abc",
        "name": "Li",
        "photo": "a.jpg",
        "member": [{ROW_ID: "r1", "member_name": "A"}, {ROW_ID: "r2", "member_name": "B"}],
    }
    assert copy_answers(form, answers)[0] == {
        "name": "Li",
        "member": [{"member_name": "A"}, {"member_name": "B"}],
    }
    assert answers["member"][0][ROW_ID] == "r1"  # the original is untouched


def test_a_copy_from_an_older_form_version_says_what_it_left_behind(workspace, xlsform, qtbot):
    from fieldsurvey.app.record_page import RecordPage

    def version(number: str, rows: list[list[str]]) -> None:
        survey = [["type", "name", "label"], ["text", "site", "Site"], *rows]
        workspace.add_form(
            xlsform(
                survey, settings=[["form_id", "version"], ["sites", number]], name=f"v{number}.xlsx"
            )
        )

    version("1", [["text", "owner", "Owner"]])
    old = workspace.add_record("sites", {"site": "Dongkeng", "owner": "Ye"}).record.id
    version("2", [["text", "keeper", "Keeper"]])
    request = duplicate_request(workspace, old)
    assert request.answers == {"site": "Dongkeng"} and request.dropped == ("owner",)
    page = RecordPage(workspace, request)
    qtbot.addWidget(page)
    assert "no longer asks them: owner" in page.filler.banner.text()


def test_an_edited_complete_record_saved_with_problems_says_it_is_a_draft_again(workspace, qtbot):
    from fieldsurvey.app.navigation import OpenRequest
    from fieldsurvey.app.record_page import RecordPage

    record = workspace.record(demo_id("profile/SY-SAN-001"))
    page = RecordPage(workspace, OpenRequest(record.form_id, record.id, record.village_code))
    qtbot.addWidget(page)
    said: list[str] = []
    page.status.connect(said.append)
    page.filler.edit()
    page.filler.go_to_section(1)
    elderly = page.filler.question("pop_over_60").editor.edit
    elderly.selectAll()
    qtbot.keyClicks(elderly, "99999")  # more than live in the village
    assert page.save_draft()
    assert workspace.record(record.id).status == "draft"
    assert "no longer complete" in said[-1] and "finalised again" in said[-1]
