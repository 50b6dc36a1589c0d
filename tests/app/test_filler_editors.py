"""The filler's editors, one question type at a time, and its smaller promises."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import QVBoxLayout, QWidget

import fieldsurvey.app.filler as filler_package
from fieldsurvey import paths
from fieldsurvey.app.filler import FormFiller
from fieldsurvey.app.filler.editors import POOR_ACCURACY_M
from fieldsurvey.app.filler.editors.numbers import parse_number
from fieldsurvey.app.i18n import set_language

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

TYPES_FORM = [
    ["type", "name", "label", "parameters", "appearance", "calculation", "default", "read_only"],
    ["decimal", "area", "Area", "", "", "", "", ""],
    ["date", "visit_day", "Visit day", "", "", "", "", ""],
    ["time", "arrived", "Arrived", "", "", "", "", ""],
    ["dateTime", "next_visit", "Next visit", "", "", "", "", ""],
    ["geopoint", "spot", "Spot", "", "", "", "", ""],
    ["range", "score", "Score", "start=1 end=5 step=1", "", "", "", ""],
    ["image", "photo", "Photo", "max-pixels=64", "", "", "", ""],
    ["acknowledge", "seen", "Seen", "", "", "", "", ""],
    ["select_multiple fruit", "fruits", "Fruits", "", "", "", "", ""],
    ["select_one fruit", "best", "Best fruit", "", "minimal", "", "", ""],
    ["calculate", "double", "Twice the area", "", "", "${area} * 2", "", ""],
    ["calculate", "hidden_calc", "", "", "", "${area} * 3", "", ""],
    ["text", "code", "Code", "", "", "", "FS-1", "yes"],
    ["note", "summary", "Area **${area}**, twice **${double}**", "", "", "", "", ""],
]
TYPES_CHOICES = [
    ["list_name", "name", "label", "filter"],
    ["fruit", "pear", "Pear", ""],
    ["fruit", "plum", "Plum", ""],
    ["fruit", "yuzu", "Yuzu", ""],
]


def test_numbers_are_read_the_way_people_write_them():
    assert parse_number("1,234.5", integer=False) == 1234.5
    assert parse_number("１２３", integer=True) == 123
    assert parse_number(" -7 ", integer=True) == -7
    assert parse_number("12a", integer=False) is None
    assert parse_number("1,5", integer=False) is None  # a decimal comma is not fifteen
    assert parse_number("1,00", integer=True) is None
    assert parse_number("1.5", integer=True) is None


def test_each_type_has_its_editor(make_filler, filler_ws, xlsform, qtbot, tmp_path):
    filler_ws.add_form(xlsform(TYPES_FORM, TYPES_CHOICES, [["form_id", "version"], ["types", "1"]]))
    f = make_filler(form_id="types")
    area = editor(f, "area")
    qtbot.keyClicks(area, "1,234.5")
    assert f.answers()["area"] == 1234.5
    assert f.question("double").editor.edit.text() == "2469"  # calculations follow live
    assert f.question("hidden_calc") is None  # no label: not shown
    assert "<b>1234.5</b>" in f.question("summary").title.text()
    code = editor(f, "code")
    assert not code.isEnabled() and code.text() == "FS-1"  # read_only: disabled, with its default

    day = editor(f, "visit_day")
    assert f.answers().get("visit_day") is None and day.text() == "—"  # empty allowed
    qtbot.keyClicks(day, "20230230")  # 30 February cannot be entered
    value = f.answers()["visit_day"]
    assert value.startswith("2023-02-") and value != "2023-02-30"
    qtbot.mouseClick(f.question("visit_day").editor.clear, Qt.MouseButton.LeftButton)
    assert f.answers()["visit_day"] is None and day.text() == "—"
    qtbot.keyClicks(editor(f, "next_visit"), "202605170830")
    assert f.answers()["next_visit"] == "2026-05-17T08:30:00"

    arrived = editor(f, "arrived")
    qtbot.keyClicks(arrived, "0830")
    assert f.answers()["arrived"] == "08:30"
    arrived.clear()
    qtbot.keyClicks(arrived, "25")
    assert arrived.text() == "2"  # hour 25 refused at the keystroke

    spot = f.question("spot").editor
    lat, lon, alt, acc = spot.edits
    qtbot.keyClicks(lat, "95")
    assert lat.text() == "9" and problem_text(f, "spot")  # out of range, refused with a word
    qtbot.keyClicks(lat, ".5")
    qtbot.keyClicks(lon, "119.5")
    assert f.answers()["spot"] == "9.5 119.5"
    qtbot.keyClicks(acc, str(int(POOR_ACCURACY_M) + 30))
    assert spot.warning.isVisibleTo(f) and "80" in spot.warning_text.text()
    assert f.answers()["spot"] == "9.5 119.5 0 80"

    score = editor(f, "score")
    assert f.answers().get("score") is None
    qtbot.keyClick(score, Qt.Key.Key_Up)
    assert f.answers()["score"] == 1
    qtbot.keyClick(score, Qt.Key.Key_Up)
    assert f.answers()["score"] == 2

    qtbot.keyClick(editor(f, "seen"), Qt.Key.Key_Space)
    assert f.answers()["seen"] == "OK"

    boxes = f.question("fruits").editor.buttons
    boxes[2].click()
    boxes[0].click()
    assert f.answers()["fruits"] == ["pear", "yuzu"]  # in the choices' order

    image = tmp_path / "IMG 0001.png"
    big = QImage(200, 100, QImage.Format.Format_RGB32)
    big.fill(QColor("#4a7"))
    assert big.save(str(image))
    photo = f.question("photo").editor
    assert photo.attach(image)
    name = f.answers()["photo"]
    stored = filler_ws.store.path.parent / "media" / f.record_id / name
    assert stored.is_file() and name.endswith("-IMG_0001.png")
    assert max(QImage(str(stored)).width(), QImage(str(stored)).height()) == 64  # max-pixels
    assert not photo.preview.pixmap().isNull()
    assert not photo.attach(tmp_path / "missing.jpg") and photo.error.isVisibleTo(f)
    assert f.answers()["photo"] == name


def test_choice_filters_follow_other_answers(make_filler, qtbot):
    f = make_filler(form_id="village_profile")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    f.go_to("main_industries")
    industries = f.question("main_industries").editor
    leading = f.question("leading_industry")
    codes = [c.name for c in industries.choices]
    industries.buttons[codes.index("tea")].click()
    assert not leading.isVisibleTo(f)  # relevant only with more than one industry
    industries.buttons[codes.index("tourism")].click()
    assert leading.isVisibleTo(f)
    assert [c.name for c in leading.editor.choices] == ["tea", "tourism"]
    combo = leading.editor.combo
    combo.setCurrentIndex(combo.findData("tourism"))
    combo.activated.emit(combo.currentIndex())
    assert f.answers()["leading_industry"] == "tourism"
    industries.buttons[codes.index("bamboo")].click()
    industries.buttons[codes.index("tourism")].click()  # tourism is no longer on offer
    assert [c.name for c in leading.editor.choices] == ["tea", "bamboo"]
    assert f.answers()["leading_industry"] is None


def test_a_village_opened_for_fills_township_and_village(make_filler):
    f = make_filler(form_id="village_profile", village_code="SY-SN-001")
    assert f.answers()["village"] == "SY-SN-001"
    assert f.answers()["township"] == "shuinan"
    assert f.question("village").editor.combo.currentText().startswith("Qiaotou")


def test_ctrl_s_saves_even_when_the_window_binds_ctrl_s_too(filler_ws, qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    other: list[bool] = []
    QShortcut(QKeySequence.StandardKey.Save, host, activated=lambda: other.append(True))
    f = FormFiller(filler_ws, form_id="practice_assessment", parent=host)
    QVBoxLayout(host).addWidget(f)
    host.resize(1280, 800)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    name = editor(f, "assessor_name")
    name.selectAll()  # prefilled with the enumerator's name (default ${username})
    qtbot.keyClicks(name, "Ye Qing")
    with qtbot.waitSignal(f.saved, timeout=2000):
        qtbot.keyClick(name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert filler_ws.record(f.record_id).answers_dict()["assessor_name"] == "Ye Qing"
    assert not other


def test_the_problems_list_jumps_to_the_question(make_filler, qtbot):
    f = make_filler(form_id="practice_assessment")
    assert not f.finalise()
    panel = f.panel
    assert panel.isVisible() and panel.list.count() > 3
    target = next(i for i in range(panel.list.count()) if "Village" in panel.list.item(i).toolTip())
    item = panel.list.item(target)
    rect = panel.list.visualItemRect(item)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert f.focusWidget() is editor(f, "village")


def test_the_ui_speaks_chinese_when_asked(filler_ws, qtbot):
    set_language("zh")
    f = FormFiller(filler_ws, form_id="village_profile")
    qtbot.addWidget(f)
    assert f.top.save.text() == "保存草稿"
    assert f.state.lang == "zh"  # the form follows the UI language unless told otherwise
    assert f.nav.item(0).text() == "基本信息"


def test_every_filler_text_is_translated():
    root = Path(filler_package.__file__).resolve().parent
    catalogue = json.loads(
        (paths.resources_dir() / "translations" / "zh_CN" / "filler.json").read_text("utf-8")
    )
    missing = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            func = getattr(node, "func", None)
            if isinstance(node, ast.Call) and getattr(func, "id", None) == "tr":
                text = node.args[0].value  # type: ignore[attr-defined]
                if not catalogue.get(text):
                    missing.append(f"{path.name}: {text!r}")
    assert not missing, missing


def test_quick_rechecks_agree_with_a_full_evaluation(make_filler, qtbot):
    """Typing in an answer nothing else reads re-checks that answer alone; the result must be
    what evaluating the whole record gives."""
    from fieldsurvey.core.forms.evaluation import evaluate

    f = make_filler(form_id="village_profile")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    qtbot.keyClicks(editor(f, "num_cooperatives"), "2")
    calls: list[bool] = []
    original = f.state.evaluate
    f.state.evaluate = lambda: calls.append(True) or original()

    def problems(ev):
        return sorted((p.path, p.rule, p.message) for p in ev.problems)

    for path, texts in (
        ("respondent_phone", ["1", "3905781234", "5", ""]),  # regex constraint
        ("respondent_name", ["L", ""]),  # required
        ("cooperative[2]/coop_name", ["Y", ""]),  # required, in a repeat row
        ("cooperative[1]/coop_founded", ["1", "990", "0", ""]),  # constraint, in a row
    ):
        target = editor(f, path)
        assert path.split("/")[-1] not in f.state.referenced
        for text in texts:
            if text:
                qtbot.keyClicks(target, text)
            else:
                target.clear()
                target.textEdited.emit("")
            full = evaluate(f.form, f.state.answers, lang=f.state.lang, complete=True)
            assert problems(f.state.evaluation) == problems(full), (path, text)
    assert not calls  # all of it without a full evaluation
    assert "registered_pop" in f.state.referenced  # other answers' rules read it


def test_a_long_whole_number_is_stored_exactly_as_typed(make_filler, qtbot):
    """An 18-digit register number must not pass through a float on its way to the store."""
    f = make_filler(form_id="village_profile")
    qtbot.keyClick(editor(f, "consent"), Qt.Key.Key_Space)
    registered = editor(f, "registered_pop")
    qtbot.keyClicks(registered, "9007199254740993")
    assert f.answers()["registered_pop"] == 9007199254740993
    assert registered.text() == "9007199254740993"
