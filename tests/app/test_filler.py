"""The form filler driven as an enumerator would: keyboard first, real widgets, no sleeps."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from fieldsurvey.app.filler import FormFiller, dialogs
from fieldsurvey.core.workspace import Workspace

try:  # tests/app is a folder of modules; should it become a package, import from there
    import filler_fixtures as fx
except ModuleNotFoundError:  # pragma: no cover
    from tests.app import filler_fixtures as fx

editor, problem_text = fx.editor, fx.problem_text
# fixtures, registered under their names (filler_ws, make_filler, ...)
fixture_filler_template = fx.fixture_filler_template
fixture_filler_db = fx.fixture_filler_db
fixture_filler_ws = fx.fixture_filler_ws
fixture_make_filler = fx.fixture_make_filler


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def test_fill_a_village_profile_by_keyboard(make_filler, qtbot, filler_ws):
    f = make_filler(form_id="village_profile")
    township = editor(f, "township")
    qtbot.keyClicks(township, "Xi")  # keyboard search in the drop-down
    assert f.answers()["township"] == "xiping"
    qtbot.keyClick(township, Qt.Key.Key_Tab)
    village = focused()
    assert village is editor(f, "village")
    names = [village.itemText(i) for i in range(village.count())]  # filtered by township
    assert names and all("SY-XP-" in n for n in names)
    qtbot.keyClicks(village, "Heng")
    qtbot.keyClick(village, Qt.Key.Key_Return)  # takes the match and moves on
    assert f.answers()["village"] == "SY-XP-001"
    assert focused() is editor(f, "gps")  # Enter went on to the next question
    name = editor(f, "enumerator_name")
    assert name.text() == filler_ws.enumerator  # ${username}: nobody retypes their own name
    qtbot.keyClick(name, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(name, "Wang Fang")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert focused() is editor(f, "respondent_name")
    qtbot.keyClicks(focused(), "Li Ming")
    qtbot.keyClicks(editor(f, "respondent_role"), "Village P")
    consent = editor(f, "consent")
    assert f.pages[1].not_applicable.isVisibleTo(f.pages[1])  # population waits for consent
    qtbot.keyClick(consent, Qt.Key.Key_Space)
    assert f.answers()["consent"] == "OK"
    assert not f.pages[1].not_applicable.isVisibleTo(f.pages[1])
    qtbot.keyClick(consent, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert f.nav.currentRow() == 1
    remarks = editor(f, "enumerator_remarks")  # multi-line: Ctrl+PgUp still changes section
    assert f.nav.currentRow() == 8
    qtbot.keyClick(remarks, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert f.nav.currentRow() == 7
    f.go_to_section(1)
    registered = editor(f, "registered_pop")
    qtbot.keyClicks(registered, "1,234")
    qtbot.keyClick(registered, Qt.Key.Key_Return)
    qtbot.keyClicks(focused(), "1000")
    assert f.answers()["registered_pop"] == 1234
    assert f.answers()["resident_pop"] == 1000
    with qtbot.waitSignal(f.saved, timeout=2000) as saved:
        qtbot.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    record = filler_ws.record(saved.args[0])
    assert record.status == "draft"
    stored = record.answers_dict()
    assert stored["village"] == "SY-XP-001" and stored["registered_pop"] == 1234
    assert stored["respondent_role"] == "party_secretary"
    assert record.village_code == "SY-XP-001"


SMALL_FORM = [
    [
        "type",
        "name",
        "label::English (en)",
        "label::中文 (zh)",
        "required",
        "constraint",
        "relevant",
    ],
    ["text", "farm", "Farm name", "农场名称", "yes", "", ""],
    ["integer", "plots", "Plots", "地块数", "yes", ". > 0", ""],
    ["select_one yn", "organic", "Organic?", "有机？", "yes", "", ""],
    ["text", "certifier", "Certifier", "认证机构", "yes", "", "${organic} = 'yes'"],
]
SMALL_CHOICES = [
    ["list_name", "name", "label::English (en)", "label::中文 (zh)"],
    ["yn", "yes", "Yes", "是"],
    ["yn", "no", "No", "否"],
]


def test_finalise_a_small_form_by_keyboard(make_filler, qtbot, filler_ws, xlsform):
    filler_ws.add_form(
        xlsform(SMALL_FORM, SMALL_CHOICES, [["form_id", "version"], ["farm_visit", "1"]])
    )
    f = make_filler(form_id="farm_visit")
    assert f.top.finalise.toolTip().count("Ctrl+Shift+F") == 1
    farm = editor(f, "farm")
    qtbot.keyClicks(farm, "Green Hill")
    qtbot.keyClick(farm, Qt.Key.Key_Return)
    qtbot.keyClicks(focused(), "3")
    assert not f.question("certifier").isVisibleTo(f)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClick(focused(), Qt.Key.Key_Space)  # the first radio button: Yes
    assert f.answers()["organic"] == "yes"
    assert f.question("certifier").isVisibleTo(f)  # relevance shows it at once
    # Finalising now is refused: the certifier is required, and the list says so.
    qtbot.keyClick(
        focused(),
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert f.panel.isVisible() and f.panel.list.count() == 1
    assert focused() is editor(f, "certifier")
    assert problem_text(f, "certifier") == "This answer is required."
    qtbot.keyClicks(focused(), "Zhejiang Organic")
    with qtbot.waitSignal(f.finalised, timeout=2000):
        qtbot.keyClick(
            focused(),
            Qt.Key.Key_F,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    record = filler_ws.record(f.record_id)
    assert record.status == "complete"
    assert record.answers_dict()["plots"] == 3
    assert f.is_read_only()


def test_relevance_shows_and_hides_the_other_role(make_filler, qtbot):
    f = make_filler(form_id="village_profile")
    other = f.question("respondent_role_other")
    assert not other.isVisibleTo(f)
    role = editor(f, "respondent_role")
    assert isinstance(role, QComboBox)
    role.setCurrentIndex(role.findData("other"))
    role.activated.emit(role.currentIndex())
    assert other.isVisibleTo(f)
    qtbot.keyClicks(other.editor.focus_target(), "Retired teacher")
    role.setCurrentIndex(role.findData("director"))
    role.activated.emit(role.currentIndex())
    assert not other.isVisibleTo(f)
    assert f.answers()["respondent_role_other"] == "Retired teacher"  # hidden, not lost


def test_a_constraint_shows_after_leaving_and_blocks_finalising(make_filler, qtbot):
    f = make_filler(form_id="village_profile")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    registered = editor(f, "registered_pop")
    qtbot.keyClicks(registered, "100")
    resident = editor(f, "resident_pop")
    qtbot.keyClicks(resident, "200")  # more than 1.5 × registered
    assert problem_text(f, "resident_pop") == ""  # not while still typing
    qtbot.keyClick(resident, Qt.Key.Key_Tab)
    assert focused() is not resident
    assert problem_text(f, "resident_pop") == (
        "Resident population cannot exceed 1.5 × the registered population."
    )
    assert any(i.path == "resident_pop" for i in f.sync.issues())
    assert not f.finalise()
    assert f.panel.isVisible()
    assert f.status == "draft"
    assert f.save_draft()  # a draft keeps the broken answer; only finalising needs it fixed
    assert f.ws.record(f.record_id).answers_dict()["resident_pop"] == 200
    qtbot.keyClick(resident, Qt.Key.Key_Backspace)
    qtbot.keyClick(resident, Qt.Key.Key_Backspace)  # "2": allowed now
    assert problem_text(f, "resident_pop") == ""


def test_a_repeat_row_is_added_moved_and_removed(make_filler, qtbot, monkeypatch):
    f = make_filler(form_id="practice_assessment")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    f.go_to("stakeholder")
    repeat = f.sync.widgets[((), "stakeholder")]
    assert repeat.empty.isVisibleTo(f)
    qtbot.mouseClick(repeat.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(repeat.add_button, Qt.MouseButton.LeftButton)
    rows = f.answers()["stakeholder"]
    assert len(rows) == 2 and rows[0]["_row_id"] != rows[1]["_row_id"]
    first = f.question("stakeholder[1]/stakeholder_name")
    qtbot.keyClicks(first.editor.focus_target(), "Songyang Tea Cooperative")
    frame = repeat.frames[rows[0]["_row_id"]]
    qtbot.mouseClick(frame.down, Qt.MouseButton.LeftButton)
    moved = f.answers()["stakeholder"]
    assert moved[1]["stakeholder_name"] == "Songyang Tea Cooperative"
    assert f.question("stakeholder[2]/stakeholder_name") is first  # the same widget moved
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda *a: asked.append(a[2]) or False)
    qtbot.mouseClick(frame.remove, Qt.MouseButton.LeftButton)
    assert asked and len(f.answers()["stakeholder"]) == 2  # declined: kept
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    qtbot.mouseClick(frame.remove, Qt.MouseButton.LeftButton)
    assert [r["_row_id"] for r in f.answers()["stakeholder"]] == [moved[0]["_row_id"]]
    asked.clear()
    monkeypatch.setattr(dialogs, "confirm", lambda *a: asked.append(a[2]) or True)
    only = repeat.frames[moved[0]["_row_id"]]
    qtbot.mouseClick(only.remove, Qt.MouseButton.LeftButton)  # empty: no question asked
    assert not asked and f.answers()["stakeholder"] == []


def test_repeat_count_follows_the_number_of_cooperatives(make_filler, qtbot):
    f = make_filler(form_id="village_profile")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    count = editor(f, "num_cooperatives")
    qtbot.keyClicks(count, "3")
    repeat = f.sync.widgets[((), "cooperative")]
    assert len(f.answers()["cooperative"]) == 3 and len(repeat.frames) == 3
    assert f.question("cooperative[2]/coop_name").title.text().startswith("Name of cooperative 2")
    qtbot.keyClick(count, Qt.Key.Key_Tab)  # rows made after the page: still next in Tab order
    assert focused() is editor(f, "cooperative[1]/coop_name")
    qtbot.keyClicks(editor(f, "cooperative[3]/coop_name"), "Daxiang Tea")
    count = editor(f, "num_cooperatives")
    qtbot.keyClick(count, Qt.Key.Key_Backspace)
    qtbot.keyClicks(count, "1")
    # empty rows go; the one holding a name stays
    rows = f.answers()["cooperative"]
    assert [r.get("coop_name") for r in rows] == ["Daxiang Tea"]
    assert list(repeat.frames) == [rows[0]["_row_id"]]
    qtbot.keyClick(count, Qt.Key.Key_Backspace)
    qtbot.keyClicks(count, "0")  # no rows wanted, but one holds data: kept, and flagged
    assert len(f.answers()["cooperative"]) == 1
    assert not repeat.isVisibleTo(f)  # the repeat is not relevant with 0 cooperatives
    qtbot.keyClick(count, Qt.Key.Key_Backspace)
    qtbot.keyClicks(count, "2")
    rows = f.answers()["cooperative"]
    assert len(rows) == 2 and rows[0]["coop_name"] == "Daxiang Tea"
    qtbot.keyClicks(editor(f, "cooperative[2]/coop_name"), "Yuyan Bamboo")
    count = editor(f, "num_cooperatives")
    qtbot.keyClick(count, Qt.Key.Key_Backspace)
    qtbot.keyClicks(count, "1")
    assert len(f.answers()["cooperative"]) == 2  # both hold names: nothing removed
    assert repeat.problem.message == "Expected 1 rows, found 2."
    assert [fr.remove.isVisibleTo(f) for fr in repeat.frames.values()] == [False, True]


def test_the_form_language_switches_labels_to_chinese(make_filler, qtbot):
    f = make_filler(form_id="village_profile", form_lang="en")
    assert "Township" in f.question("township").title.text()
    f.top.lang.setCurrentIndex(f.top.lang.findData("zh"))
    assert "乡镇" in f.question("township").title.text()
    assert f.nav.item(0).text() == "基本信息"
    assert f.top.title.text() != ""
    combo = editor(f, "township")
    assert "西屏街道" in [combo.itemText(i) for i in range(combo.count())]
    assert f.top.save.text() == "Save draft"  # the UI language did not change


def test_a_plain_label_column_is_a_language_to_switch_to(make_filler, filler_ws, xlsform):
    form = xlsform(
        [
            ["type", "name", "label", "label::Français (fr)"],
            ["text", "crop", "Main crop", "Culture"],
        ],
        settings=[["form_id", "version"], ["crops", "1"]],
    )
    filler_ws.add_form(form)
    f = make_filler(form_id="crops")
    names = [f.top.lang.itemText(i) for i in range(f.top.lang.count())]
    assert names == ["Default language", "Français"] and f.top.lang.isVisibleTo(f)
    assert f.question("crop").title.text().startswith("Main crop")  # not French for English
    f.top.lang.setCurrentIndex(f.top.lang.findData("fr"))
    assert f.question("crop").title.text().startswith("Culture")
    f.top.lang.setCurrentIndex(0)
    assert f.question("crop").title.text().startswith("Main crop")


def test_letters_in_a_number_are_refused_and_the_draft_is_kept(make_filler, qtbot, filler_ws):
    f = make_filler(form_id="village_profile", form_lang="zh")
    qtbot.keyClicks(editor(f, "respondent_name"), "Li Ming")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    registered = editor(f, "registered_pop")
    qtbot.keyClicks(registered, "12a")
    assert registered.text() == "12"
    assert problem_text(f, "registered_pop") == "请输入整数。"  # in the form's language, at once
    qtbot.keyClicks(registered, "0")
    assert problem_text(f, "registered_pop") == ""
    assert f.save_draft()
    stored = filler_ws.record(f.record_id).answers_dict()
    assert stored["registered_pop"] == 120 and stored["respondent_name"] == "Li Ming"


def test_a_refused_key_leaves_no_problem_once_the_field_is_left(make_filler, qtbot):
    """ "12a" keeps 12: the warning flashes at the key, and goes when the field is left, so
    finalising is not blocked by a problem the enumerator cannot see the cause of."""
    f = make_filler(form_id="village_profile")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    qtbot.keyClicks(editor(f, "registered_pop"), "1000")
    households = editor(f, "households")
    qtbot.keyClicks(households, "12a")
    assert households.text() == "12" and problem_text(f, "households")
    qtbot.keyClick(households, Qt.Key.Key_Tab)
    assert problem_text(f, "households") == "" and f.answers()["households"] == 12
    start = editor(f, "interview_start")
    qtbot.keyClicks(start, "09:3x")
    assert problem_text(f, "interview_start")
    qtbot.keyClicks(start, "0")
    qtbot.keyClick(start, Qt.Key.Key_Tab)
    assert problem_text(f, "interview_start") == "" and f.answers()["interview_start"] == "09:30"
    gps = f.question("gps").editor
    qtbot.keyClicks(gps.edits[0], "28.5x")
    assert problem_text(f, "gps")
    qtbot.keyClicks(gps.edits[1], "119.4")
    qtbot.keyClick(gps.edits[1], Qt.Key.Key_Tab)
    assert problem_text(f, "gps") == "" and f.answers()["gps"] == "28.5 119.4"


def test_a_draft_survives_the_widget_being_destroyed(make_filler, qtbot, filler_db, filler_ws):
    f = make_filler(form_id="village_profile")
    record_id = f.record_id
    qtbot.keyClicks(editor(f, "respondent_name"), "Zhou Hua")
    f.timer.setInterval(50)
    f.timer.start()
    qtbot.waitUntil(lambda: not f._unautosaved, timeout=3000)
    f.deleteLater()  # no flush, no close: a crash or a power cut
    qtbot.waitUntil(
        lambda: not any(isinstance(w, FormFiller) for w in QApplication.topLevelWidgets())
    )
    filler_ws.close()
    again = Workspace.open(filler_db)
    try:
        pending = [p for p in again.pending_autosaves() if p["record_id"] == record_id]
        assert pending and pending[0]["answers"]["respondent_name"] == "Zhou Hua"
        assert pending[0]["form_id"] == "village_profile"
        back = FormFiller(
            again, form_id="village_profile", record_id=record_id, answers=pending[0]["answers"]
        )
        qtbot.addWidget(back)
        assert back.record_id == record_id
        assert editor(back, "respondent_name").text() == "Zhou Hua"
        assert back.save_draft()  # the recovered work becomes the record
        assert again.record(record_id).answers_dict()["respondent_name"] == "Zhou Hua"
        assert not [p for p in again.pending_autosaves() if p["record_id"] == record_id]
        back.close()
    finally:
        again.close()


def test_a_final_record_opens_read_only_and_edit_makes_a_revision(make_filler, qtbot, filler_ws):
    record = next(r for r in filler_ws.records(form_id="village_profile") if r.status == "complete")
    before = len(filler_ws.history(record.id))
    f = make_filler(form_id="village_profile", record_id=record.id)
    assert f.is_read_only()
    name = editor(f, "respondent_name")
    assert name.isReadOnly() and not f.top.save.isVisible() and f.top.edit.isVisible()
    assert not f.save_draft()
    qtbot.mouseClick(f.top.edit, Qt.MouseButton.LeftButton)
    assert not f.is_read_only() and not name.isReadOnly()
    name.selectAll()
    qtbot.keyClicks(name, "Chen Jie")
    assert f.save_draft()
    history = filler_ws.history(record.id)
    assert len(history) == before + 1
    assert filler_ws.record(record.id).answers_dict()["respondent_name"] == "Chen Jie"
    assert filler_ws.record(record.id).status == "complete"  # still passes: stays final


@pytest.mark.parametrize("status", ["draft"])
def test_an_existing_draft_shows_its_answers_and_problems(make_filler, filler_ws, status):
    record = next(r for r in filler_ws.records(form_id="village_profile") if r.status == status)
    f = make_filler(form_id="village_profile", record_id=record.id)
    assert not f.is_read_only()
    answers = record.answers_dict()
    assert editor(f, "respondent_name").text() == (answers.get("respondent_name") or "")
