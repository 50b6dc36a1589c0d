"""The main window driven by keyboard and by a person in a hurry: where the cursor goes,
that focus never closes a record, that Enter never destroys work, and that nothing typed in
Settings is lost by leaving the page."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from fieldsurvey.app.main_window import SETTINGS, VILLAGES, MainWindow
from fieldsurvey.app.navigation import OpenRequest
from fieldsurvey.app.ui import confirm

VILLAGE = "SY-SAN-001"  # 杨家堂村 Yangjiatang, no profile in the demo data


@pytest.fixture
def win(qtbot, workspace, settle):
    """The window, shown and active (focus only moves in the active window)."""
    window = MainWindow(workspace, remember=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.waitUntil(lambda: window.villages.model.rowCount() > 0)
    settle()
    yield window
    window.close()


def focused():
    return QApplication.focusWidget()


def answer_next_box(qtbot, key=Qt.Key.Key_Return):
    """Press *key* in the next message box, as a person pressing Enter out of habit."""

    def press():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, press)
            return
        qtbot.keyClick(QApplication.focusWidget() or box, key)

    QTimer.singleShot(10, press)


def open_profile(win, qtbot):
    win.open_record(OpenRequest("village_profile", village_code=VILLAGE))
    assert win.record_page is not None
    return win.record_page


def test_an_opened_record_puts_the_cursor_in_its_first_empty_answer(win, qtbot):
    page = open_profile(win, qtbot)
    gps = page.filler.question("gps")
    assert gps.isAncestorOf(focused())  # township and village were filled for the village


def test_shift_tab_from_back_does_not_close_the_record(win, qtbot):
    page = open_profile(win, qtbot)
    page.back_button.setFocus()
    qtbot.keyClick(page.back_button, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert win.record_page is page  # the list on the left took focus, and that is all
    assert win.stack.currentWidget() is page


def test_changing_section_from_the_last_question_keeps_the_record_open(win, qtbot):
    """Focus falling onto the page list used to make Villages current and close the record."""
    page = open_profile(win, qtbot)
    filler = page.filler
    filler.go_to("consent")
    consent = focused()
    qtbot.keyClick(consent, Qt.Key.Key_Space)
    qtbot.keyClick(consent, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert win.record_page is page and win.stack.currentWidget() is page
    assert filler.nav.currentRow() == 1
    assert filler.question("registered_pop").isAncestorOf(focused())


def test_back_puts_the_cursor_in_the_list_the_record_came_from(win, qtbot, settle):
    open_profile(win, qtbot)
    qtbot.keyClick(focused(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    settle()
    assert win.record_page is None
    assert focused() is win.villages.table


def test_a_village_is_found_and_its_profile_started_by_keyboard(win, qtbot, settle):
    view = win.villages
    view.search.setFocus()
    qtbot.keyClicks(view.search, "yangjia")
    view.apply_filter()
    settle()
    assert view.count.text() == "1 village"
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    settle()
    assert view.panel.village.code == VILLAGE
    qtbot.keyClick(view.table, Qt.Key.Key_Tab)  # Tab leaves the list...
    assert focused() is not view.table
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # ...Enter goes on to the village's buttons
    settle()
    assert focused() is view.panel.profile_button
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # and Enter there starts the profile
    assert win.record_page is not None
    assert win.record_page.filler.answers()["village"] == VILLAGE


def test_enter_on_a_record_opens_it_and_tab_leaves_the_list(win, qtbot, settle):
    win.nav.setCurrentRow(1)
    view = win.records
    settle()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    qtbot.keyClick(view.table, Qt.Key.Key_Tab)
    assert focused() is not view.table
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert win.record_page is not None


def test_a_village_added_under_a_township_filter_is_shown(win, qtbot, settle, monkeypatch):
    from fieldsurvey.app.dialogs import add_village

    view = win.villages
    chishou = view.township.findData("chishou")
    assert chishou > 0
    view.township.setCurrentIndex(chishou)
    settle()

    def fill(dialog):  # the dialog, as a person fills it: Anmin, no code
        dialog.name_zh.setText("新杨村")
        dialog.name_en.setText("Xinyang")
        dialog.township.setCurrentIndex(dialog.township.findData(("anmin", "安民乡")))
        dialog.accept()
        return True

    monkeypatch.setattr(add_village.AddVillageDialog, "exec", fill)
    view.add_village()
    settle()
    assert view.model.rowCount() == 1
    assert view.panel.village is not None and view.panel.village.name_zh == "新杨村"
    assert view.panel.village.code.startswith("NEW-")


def test_the_add_village_message_goes_once_the_name_is_typed(qtbot, workspace):
    from fieldsurvey.app.dialogs.add_village import AddVillageDialog

    dialog = AddVillageDialog(workspace, [])
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.error.text()
    qtbot.keyClicks(dialog.name_en, "Xin")
    assert dialog.error.text() == ""


def test_enter_in_a_confirmation_does_not_delete(qtbot):
    answer_next_box(qtbot)
    assert not confirm(None, "Delete draft", "Delete this draft?", "Delete draft")


def test_leaving_settings_keeps_the_new_enumerator(win, qtbot, workspace):
    """A new enumerator typed a name and went to work without pressing Save: the records
    carried the previous name."""
    win.nav.setCurrentRow(SETTINGS)
    view = win.settings_view
    view.enumerator.selectAll()
    qtbot.keyClicks(view.enumerator, "Li Na")
    qtbot.keyClick(win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert win.stack.currentWidget() is win.villages
    assert workspace.enumerator == "Li Na"
    assert win.enumerator_label.text() == "Enumerator: Li Na"


def test_leaving_settings_applies_a_new_language_and_goes_where_asked(win, qtbot):
    win.nav.setCurrentRow(SETTINGS)
    view = win.settings_view
    view.ui_language.setCurrentIndex(view.ui_language.findData("zh"))
    win.nav.setCurrentRow(VILLAGES)
    assert win.nav.item(VILLAGES).text() == "村庄"
    assert win.stack.currentWidget() is win.villages
    assert win.statusBar().currentMessage() == "已保存。"


def test_closing_from_settings_keeps_what_was_typed(win, qtbot, workspace):
    win.nav.setCurrentRow(SETTINGS)
    view = win.settings_view
    view.device.selectAll()
    qtbot.keyClicks(view.device, "Laptop 7")
    win.close()
    assert workspace.device_name == "Laptop 7"


def test_recovered_work_is_named_by_village_and_says_it_is_unsaved(win, qtbot, workspace):
    from fieldsurvey.app.dialogs.recover import RecoveryDialog, recovery_request

    workspace.autosave(
        "0f0e0d0c-0000-4000-8000-000000000001",
        "village_profile",
        {"respondent_name": "Ye Jianguo"},
        village=VILLAGE,
    )
    pending = workspace.pending_autosaves()
    dialog = RecoveryDialog(workspace, pending, win)
    qtbot.addWidget(dialog)
    assert "杨家堂村 Yangjiatang" in dialog.items.item(0).text()  # not only SY-SAN-001
    win.open_record(recovery_request(workspace, pending[0]))
    filler = win.record_page.filler
    assert filler.banner.isVisible() and filler.banner.text().startswith("Recovered answers")
    assert filler.top.status.text() == "Draft · Unsaved changes"


def test_a_refused_file_is_explained_in_the_ui_language(win, tmp_path, monkeypatch):
    from fieldsurvey.app import main_window
    from fieldsurvey.app.i18n import set_language

    set_language("zh")
    shown: list[str] = []
    monkeypatch.setattr(main_window, "show_error", lambda _w, _title, text: shown.append(text))
    foreign = tmp_path / "notes.db"
    foreign.write_text("hello")
    assert not win.switch_database(str(foreign))
    assert shown and shown[0].startswith("FieldSurvey 无法打开此数据库")
