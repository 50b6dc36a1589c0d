"""Filling by keyboard, as a tired enumerator does: Enter moves on, Ctrl+PgDown changes
section, Ctrl+S saves wherever the cursor is, and the messages keep up with the fixes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

try:  # tests/app is a folder of modules; should it become a package, import from there
    import filler_fixtures as fx
except ModuleNotFoundError:  # pragma: no cover
    from tests.app import filler_fixtures as fx

editor = fx.editor
fixture_filler_template = fx.fixture_filler_template
fixture_filler_db = fx.fixture_filler_db
fixture_filler_ws = fx.fixture_filler_ws
fixture_make_filler = fx.fixture_make_filler

CTRL = Qt.KeyboardModifier.ControlModifier


def focused():
    return QApplication.focusWidget()


def test_enter_in_a_date_moves_to_the_next_question_and_keeps_the_date(make_filler, qtbot):
    """Enter used to step through the date's year, month and day and then onto its "clear"
    button, so the next digits changed the date and a Space erased it."""
    f = make_filler(form_id="village_profile", village_code="SY-SAN-001")
    date = editor(f, "survey_date")
    before = f.answers()["survey_date"]
    assert before  # today, by default
    qtbot.keyClick(date, Qt.Key.Key_Return)
    assert focused() is editor(f, "interview_start")
    qtbot.keyClicks(focused(), "0930")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # past the time's "clear" button too
    assert focused() is editor(f, "consent")
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    answers = f.answers()
    assert answers["survey_date"] == before
    assert answers["interview_start"] == "09:30"
    assert answers["consent"] == "OK"


def test_enter_after_a_repeat_row_goes_to_the_next_row_not_its_buttons(make_filler, qtbot):
    f = make_filler(form_id="village_profile", village_code="SY-SAN-001")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    count = editor(f, "num_cooperatives")
    qtbot.keyClicks(count, "2")
    qtbot.keyClick(count, Qt.Key.Key_Return)
    turnover = editor(f, "cooperative[1]/coop_turnover")
    qtbot.keyClicks(turnover, "120")
    qtbot.keyClick(turnover, Qt.Key.Key_Return)
    assert focused() is editor(f, "cooperative[2]/coop_name")


def test_ctrl_s_in_a_drop_down_saves(make_filler, qtbot, filler_ws):
    """A drop-down took Ctrl+S for its type-to-search: nothing was saved, nothing said."""
    f = make_filler(form_id="village_profile", village_code="SY-SAN-001")
    role = editor(f, "respondent_role")
    qtbot.keyClick(role, Qt.Key.Key_Down)
    assert f.answers()["respondent_role"] == "party_secretary"
    with qtbot.waitSignal(f.saved, timeout=2000):
        qtbot.keyClick(role, Qt.Key.Key_S, CTRL)
    assert filler_ws.record(f.record_id).answers_dict()["respondent_role"] == "party_secretary"
    with qtbot.waitSignal(f.saved, timeout=2000):  # the form-language drop-down as well
        qtbot.keyClick(f.top.lang, Qt.Key.Key_S, CTRL)


def test_ctrl_pgdown_lands_in_the_first_question_of_the_next_section(make_filler, qtbot):
    f = make_filler(form_id="village_profile", village_code="SY-SAN-001")
    consent = editor(f, "consent")
    qtbot.keyClick(consent, Qt.Key.Key_Space)
    qtbot.keyClick(consent, Qt.Key.Key_PageDown, CTRL)
    assert f.nav.currentRow() == 1
    assert focused() is _target(f, "registered_pop")


def test_next_section_is_never_a_button_that_does_nothing(make_filler, qtbot):
    """Before consent no later section applies; Next used to do nothing at all."""
    f = make_filler(form_id="village_profile", village_code="SY-SAN-001")
    assert f.nav.currentRow() == 0
    qtbot.mouseClick(f.body.bottom.next, Qt.MouseButton.LeftButton)
    assert f.nav.currentRow() == 1
    page = f.pages[1]
    assert page.not_applicable.isVisibleTo(page)  # which says why there is nothing to fill


def test_the_refusal_banner_follows_the_fixes(make_filler, qtbot):
    f = make_filler(form_id="village_profile", village_code="SY-SAN-001")
    consent = editor(f, "consent")
    qtbot.keyClick(consent, Qt.Key.Key_Space)
    assert not f.finalise()
    first = f.banner.text()
    assert first.startswith("Not finalised: ")
    registered = editor(f, "registered_pop")
    qtbot.keyClicks(registered, "1000")
    qtbot.keyClick(registered, Qt.Key.Key_Return)
    assert f.banner.text().startswith("Not finalised: ")
    assert f.banner.text() != first  # the count went down with the answer
    assert f"{f.sync.blocking_count()} problem(s)" in f.banner.text()


def test_the_banner_says_when_every_problem_is_fixed(make_filler, qtbot, filler_ws, xlsform):
    filler_ws.add_form(
        xlsform(
            [["type", "name", "label", "required"], ["text", "farm", "Farm name", "yes"]],
            None,
            [["form_id", "version"], ["farm_note", "1"]],
        )
    )
    f = make_filler(form_id="farm_note")
    assert not f.finalise()
    farm = editor(f, "farm")
    qtbot.keyClicks(farm, "Green Hill")
    assert f.banner.text() == "Every problem is fixed: you can finalise now."
    assert f.finalise()


def test_a_final_record_being_edited_is_saved_not_saved_as_a_draft(make_filler, filler_ws):
    final = next(r for r in filler_ws.records() if r.status == "complete")
    f = make_filler(form_id=final.form_id, record_id=final.id)
    assert f.top.edit.isVisible()
    f.top.edit.click()
    assert f.top.save.text() == "Save"  # it stays final when saved: "Save draft" misled
    assert "stays complete" in f.top.save.toolTip()


def test_arrows_and_the_wheel_never_change_a_date(make_filler, qtbot):
    """Down pressed out of habit to move on made 2026-11-29 into 2025-11-29, silently; the
    mouse wheel scrolling the form over the field did the same."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    f = make_filler(form_id="village_profile")
    date = editor(f, "survey_date")
    before = f.answers()["survey_date"]
    assert before  # today(), the form's default
    date.setFocus()
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
        qtbot.keyClick(date, key)
    qtbot.keyClick(date, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    centre = QPointF(date.rect().center())
    wheel = QWheelEvent(centre, QPointF(date.mapToGlobal(QPoint(5, 5))), QPoint(0, 0),
                        QPoint(0, -120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(date, wheel)
    assert f.answers()["survey_date"] == before
    qtbot.keyClick(date, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert f.nav.currentRow() == 1 and f.answers()["survey_date"] == before


def test_after_edit_the_text_boxes_look_typeable_again(make_filler, qtbot, filler_ws):
    from fieldsurvey.core.demo import demo_id

    def background(widget) -> tuple[int, int, int]:
        colour = widget.grab().toImage().pixelColor(4, widget.height() - 4)
        return colour.red(), colour.green(), colour.blue()

    f = make_filler(form_id="village_profile", record_id=demo_id("profile/SY-SAN-001"))
    name = editor(f, "respondent_name")
    locked = background(name)
    assert locked == (0xF1, 0xF1, 0xF1)  # greyed like the drop-downs
    f.edit()
    assert not name.isReadOnly() and background(name) != locked


# -- leaving the last question of a section ----------------------------------------------------
# Tab and Enter from the last answer of a section went back up the page, to an earlier answer
# with its text selected, so the next keys typed replaced it.

POPULATION = [
    ("registered_pop", "1000"),
    ("resident_pop", "620"),
    ("households", "300"),
    ("resident_households", "210"),
    ("pop_over_60", "150"),
    ("left_behind_elderly", "40"),
    ("left_behind_children", "20"),
    ("outmigrant_workers", "100"),
    ("returnees", "10"),
    ("returnee_entrepreneurs", "3"),  # shown once there are returnees
    ("new_villagers", "5"),
]

LAST_OF_EACH_SECTION = [
    "consent",
    "population_trend",
    "leading_enterprise",
    "eco_problems",
    "water_supply",
    "num_cooperatives",
    "urban_partnership",
    "photo_other",
    "enumerator_remarks",
]


def _question_at(f, widget):
    from fieldsurvey.app.filler.focus import question_of

    return question_of(widget, f)


def _target(f, path):
    """The widget that takes the keys for *path*, without moving the cursor there."""
    return f.question(path).editor.focus_target()


def test_tab_from_the_last_question_goes_on_to_the_next_section_button(make_filler, qtbot):
    f = make_filler(form_id="village_profile", village_code="SY-SAN-001")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    editor(f, "registered_pop")
    for name, text in POPULATION:  # typed through, Enter after each
        assert focused() is _target(f, name)
        qtbot.keyClicks(focused(), text)
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
    trend = _target(f, "population_trend")
    assert focused() is trend
    qtbot.keyClick(trend, Qt.Key.Key_Down)
    answers = f.answers()
    assert answers["resident_pop"] == 620 and answers["population_trend"]
    qtbot.keyClick(trend, Qt.Key.Key_Tab)
    assert _question_at(f, focused()) is None  # not back up in the section
    assert focused() is f.body.bottom.next
    qtbot.keyClicks(focused(), "15")
    assert f.answers() == answers  # nothing typed over
    qtbot.keyClick(focused(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is trend  # and Shift+Tab comes back to where it left


def test_no_section_tabs_back_up_from_its_last_question(make_filler, qtbot):
    f = make_filler(form_id="village_profile", village_code="SY-SAN-001")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    for index, name in enumerate(LAST_OF_EACH_SECTION):
        last = editor(f, name)
        buttons = getattr(f.question(name).editor, "buttons", [])
        if buttons:  # a box per choice: the last box
            last = buttons[-1]
            last.setFocus(Qt.FocusReason.OtherFocusReason)
        assert f.nav.currentRow() == index
        answers = f.answers()
        multiline = name == "enumerator_remarks"  # where Enter starts a new line
        for key in (Qt.Key.Key_Tab,) if multiline else (Qt.Key.Key_Tab, Qt.Key.Key_Return):
            last.setFocus(Qt.FocusReason.OtherFocusReason)
            qtbot.keyClick(last, key)
            landed = focused()
            assert _question_at(f, landed) is None, (name, key, landed)
            bottom = f.body.bottom
            assert landed is (bottom.next if bottom.next.isEnabled() else bottom.previous)
            qtbot.keyClicks(landed, "7")
            assert f.answers() == answers, (name, key)


def test_shift_tab_from_the_first_question_goes_to_the_section_list(make_filler, qtbot):
    f = make_filler(form_id="village_profile", village_code="SY-SAN-001")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    first = editor(f, "registered_pop")
    qtbot.keyClicks(first, "1000")
    qtbot.keyClick(first, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is f.nav and f.nav.currentRow() == 1
    qtbot.keyClick(f.nav, Qt.Key.Key_Tab)
    assert focused() is first


def test_enter_on_the_last_field_of_the_last_row_does_not_go_back_up(make_filler, qtbot):
    f = make_filler(form_id="village_profile", village_code="SY-SAN-001")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    count = editor(f, "num_cooperatives")
    qtbot.keyClicks(count, "2")
    qtbot.keyClick(count, Qt.Key.Key_Return)
    for row in (1, 2):
        name = _target(f, f"cooperative[{row}]/coop_name")
        assert focused() is name
        qtbot.keyClicks(name, f"Coop {row}")
        qtbot.keyClick(name, Qt.Key.Key_Return)
        kind = _target(f, f"cooperative[{row}]/coop_type")
        assert focused() is kind
        qtbot.keyClick(kind, Qt.Key.Key_Down)
        qtbot.keyClick(kind, Qt.Key.Key_Tab)
        for field, text in (
            ("coop_members", "30"),
            ("coop_founded", "2010"),
            ("coop_turnover", "120"),
        ):
            assert focused() is _target(f, f"cooperative[{row}]/{field}")
            qtbot.keyClicks(focused(), text)
            qtbot.keyClick(focused(), Qt.Key.Key_Return)
    answers = f.answers()
    assert [r["coop_turnover"] for r in answers["cooperative"]] == [120, 120]
    assert _question_at(f, focused()) is None
    assert focused() is f.body.bottom.next
    qtbot.keyClicks(focused(), "9")
    assert f.answers() == answers


def test_enter_in_a_drop_down_moves_to_the_next_question(make_filler, qtbot):
    f = make_filler(form_id="village_profile", village_code="SY-SAN-001")
    role = editor(f, "respondent_role")
    qtbot.keyClick(role, Qt.Key.Key_Down)
    qtbot.keyClick(role, Qt.Key.Key_Return)
    assert f.answers()["respondent_role"] == "party_secretary"
    assert focused() is _target(f, "respondent_phone")


def test_enter_in_a_check_box_moves_to_the_next_question(make_filler, qtbot):
    f = make_filler(form_id="village_profile", village_code="SY-SAN-001")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    boxes = f.question("main_industries").editor.buttons
    assert len(boxes) == 13
    qtbot.keyClick(editor(f, "main_industries"), Qt.Key.Key_Space)  # Space still ticks
    assert f.answers()["main_industries"] == ["tea"]
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert focused() is _target(f, "tea_area")  # the question tea brought up
    boxes[4].setFocus(Qt.FocusReason.TabFocusReason)  # and from any box of the question
    qtbot.keyClick(boxes[4], Qt.Key.Key_Return)
    assert focused() is _target(f, "tea_area")
    assert f.answers()["main_industries"] == ["tea"]
    consent = editor(f, "consent")  # a single box, the last of its section
    qtbot.keyClick(consent, Qt.Key.Key_Return)
    assert f.answers()["consent"] == "OK"
    assert focused() is f.body.bottom.next


def test_enter_in_radio_buttons_moves_to_the_next_question(make_filler, qtbot):
    f = make_filler(form_id="village_profile", village_code="SY-SAN-001")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    first = editor(f, "traditional_village")
    qtbot.keyClick(first, Qt.Key.Key_Space)
    qtbot.keyClick(first, Qt.Key.Key_Return)  # past the other buttons and "clear"
    assert f.answers()["traditional_village"] == "national"
    batch = _target(f, "traditional_village_batch")  # brought up by the answer
    assert focused() is batch
    qtbot.keyClick(batch, Qt.Key.Key_Return)
    assert focused() is _target(f, "historic_buildings")


def test_enter_on_next_section_goes_on_to_its_first_question(make_filler, qtbot):
    """Filling by Enter alone: the last answer's Enter stops at Next section, the next Enter
    goes to the next section's first question."""
    f = make_filler(form_id="village_profile", village_code="SY-SAN-001")
    consent = editor(f, "consent")
    qtbot.keyClick(consent, Qt.Key.Key_Space)
    qtbot.keyClick(consent, Qt.Key.Key_Return)
    assert focused() is f.body.bottom.next
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert f.nav.currentRow() == 1
    assert focused() is _target(f, "registered_pop")
