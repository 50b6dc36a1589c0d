"""The shell: navigation, status bar, shortcuts, remembered geometry, language, records."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction, QKeySequence

from fieldsurvey.app.exchange_support import not_exported_count
from fieldsurvey.app.main_window import (
    EXCHANGE,
    RECORDS,
    REVIEW,
    SETTINGS,
    VILLAGES,
    MainWindow,
)
from fieldsurvey.app.navigation import OpenRequest
from fieldsurvey.app.prefs import qsettings
from fieldsurvey.core.demo import demo_id
from fieldsurvey.core.forms.model import ROW_ID


def _filler_missing() -> bool:
    try:
        from fieldsurvey.app.filler import FormFiller  # noqa: F401
    except ImportError:
        return True
    return False


FILLER_MISSING = _filler_missing()
needs_filler = pytest.mark.skipif(
    FILLER_MISSING, reason="fieldsurvey.app.filler (the form filler) is not importable yet"
)


@pytest.fixture
def window(qtbot, workspace, settle):
    win = MainWindow(workspace)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.villages.model.rowCount() > 0)
    settle()
    yield win
    win.close()
    settle()  # no background query may outlive the window it was loading for


def test_status_bar_shows_database_device_enumerator_and_pending(window, workspace):
    assert window.db_label.text() == "Database: fieldsurvey.db"
    assert window.device_label.text() == "Device: Test Laptop"
    assert window.enumerator_label.text() == "Enumerator: Test Enumerator"
    expected = f"Not exported: {not_exported_count(workspace)}"
    assert window.pending_label.text() == expected


def test_navigation_and_standard_shortcuts(window):
    assert window.stack.currentWidget() is window.villages
    window.nav.setCurrentRow(RECORDS)
    assert window.stack.currentWidget() is window.records
    shortcuts = {a.shortcut().toString() for a in window.findChildren(QAction)}
    for key in (QKeySequence.StandardKey.New, QKeySequence.StandardKey.Open):
        assert QKeySequence(key).toString() in shortcuts
    assert "F5" in shortcuts
    quit_keys = QKeySequence(QKeySequence.StandardKey.Quit).toString() or "Ctrl+Q"
    assert quit_keys in shortcuts  # never an empty Quit shortcut


def test_pages_in_order_with_a_shortcut_each(window):
    names = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert names == ["Villages", "Records", "Review", "Exchange", "Settings"]
    pages = (window.villages, window.records, window.review, window.exchange)
    assert [window.stack.widget(i) for i in (VILLAGES, RECORDS, REVIEW, EXCHANGE)] == list(pages)
    keys = {a.shortcut().toString(): a for a in window.findChildren(QAction)}
    for index in range(len(names)):
        keys[f"Ctrl+{index + 1}"].trigger()
        assert window.nav.currentRow() == index
    assert window.stack.currentWidget() is window.settings_view
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "Import packages…" in texts and "Export package…" in texts


def test_after_an_import_every_list_shows_what_came_in(qtbot, window, packages, settle):
    assert window.records.model.total == 8
    with qtbot.waitSignal(window.exchange.imported, timeout=30000):
        window.exchange.import_packages([packages.a, packages.b])
    settle()
    window.exchange.import_dialog.close()
    assert window.records.model.total == 9
    assert window.review.tree.topLevelItem(0).text(0) == "Conflicting edits (1)"
    assert window.exchange.history.rowCount() == 2


def test_window_geometry_is_remembered(qtbot, workspace, settle):
    first = MainWindow(workspace)
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 500)  # the off-screen "screen" is 800x600
    first.close()
    assert qsettings().value("window/geometry") is not None
    second = MainWindow(workspace)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (700, 500)
    settle()


def test_changing_the_language_applies_at_once(window, workspace):
    window.nav.setCurrentRow(SETTINGS)
    view = window.settings_view
    view.ui_language.setCurrentIndex(view.ui_language.findData("zh"))
    view.save()
    assert window.nav.item(VILLAGES).text() == "村庄"
    assert window.stack.currentWidget() is window.settings_view
    assert workspace.store.get_setting("ui.language") == "zh"
    assert qsettings().value("ui/language") == "zh"


def test_settings_save_names(window, workspace):
    window.nav.setCurrentRow(SETTINGS)
    window.settings_view.enumerator.setText("Zhang Wei")
    window.settings_view.device.setText("Office PC")
    window.settings_view.save()
    assert workspace.enumerator == "Zhang Wei"
    assert workspace.device_name == "Office PC"
    assert window.enumerator_label.text() == "Enumerator: Zhang Wei"


def test_recovered_work_reopens_its_record(workspace):
    from fieldsurvey.app.dialogs.recover import recovery_request

    draft = demo_id("profile/SY-DDB-001")
    workspace.autosave(draft, "village_profile", {"resident_pop": 700}, village="SY-DDB-001")
    never_saved = "0f7c1c1e-0000-4000-8000-000000000001"
    workspace.autosave(never_saved, "practice_assessment", {"practice_name_en": "X"})
    pending = {p["record_id"]: p for p in workspace.pending_autosaves()}
    again = recovery_request(workspace, pending[draft])
    assert (again.record_id, again.village_code, again.answers) == (
        draft,
        "SY-DDB-001",
        {"resident_pop": 700},
    )
    fresh = recovery_request(workspace, pending[never_saved])
    assert fresh.record_id == never_saved and fresh.answers == {"practice_name_en": "X"}
    deleted = demo_id("assessment/chapai-ecology")
    workspace.autosave(deleted, "practice_assessment", {"practice_name_en": "Y"})
    workspace.delete_draft(deleted)
    pending = {p["record_id"]: p for p in workspace.pending_autosaves()}
    anew = recovery_request(workspace, pending[deleted])
    assert anew.record_id is None and anew.recovered_from == deleted


def test_recovery_dialog_discards(qtbot, workspace, monkeypatch):
    import fieldsurvey.app.dialogs.recover as recover

    workspace.autosave(demo_id("profile/SY-DDB-001"), "village_profile", {"households": 1})
    dialog = recover.RecoveryDialog(workspace, workspace.pending_autosaves())
    qtbot.addWidget(dialog)
    monkeypatch.setattr(recover, "confirm", lambda *args: True)
    dialog.discard()
    assert workspace.pending_autosaves() == []


@needs_filler
def test_open_a_record_and_go_back_flushes_the_filler(qtbot, window, monkeypatch):
    record_id = demo_id("profile/SY-SAN-001")
    window.open_record(OpenRequest("village_profile", record_id, "SY-SAN-001"))
    page = window.record_page
    assert page is not None and window.stack.currentWidget() is page
    flushed: list[bool] = []
    original = page.filler.flush
    monkeypatch.setattr(page.filler, "flush", lambda: flushed.append(True) or original())
    page.back_button.click()
    assert flushed and flushed[0]
    assert window.record_page is None
    assert window.stack.currentWidget() is window.villages


@needs_filler
def test_duplicate_as_new_opens_a_filler_with_the_copied_answers(qtbot, window):
    window.nav.setCurrentRow(RECORDS)
    view = window.records
    qtbot.waitUntil(lambda: view.model.rowCount() == 8)
    source = demo_id("assessment/chenjiapu-bookstore")
    view.table.selectRow([i.id for i in view.model.rows()].index(source))
    view.duplicate_action.trigger()
    qtbot.waitUntil(lambda: window.record_page is not None)
    page = window.record_page
    assert page.request.record_id is None
    answers = page.request.answers
    assert answers["practice_name_en"].startswith("Cliff-side bookstore")
    assert all(ROW_ID not in row for row in answers["stakeholder"])
    assert page.filler.record_id != source
    window.close_record()


@needs_filler
def test_recovery_at_start_opens_the_autosaved_answers(qtbot, window, workspace):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from fieldsurvey.app.dialogs.recover import RecoveryDialog

    draft = demo_id("profile/SY-DDB-001")
    answers = workspace.record(draft).answers_dict()
    answers["households"] = 490
    workspace.autosave(draft, "village_profile", answers, village="SY-DDB-001")

    def recover() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, RecoveryDialog):
            dialog.recover()
        else:
            QTimer.singleShot(10, recover)

    QTimer.singleShot(0, recover)
    window.offer_recovery()
    page = window.record_page
    assert page is not None and page.request.record_id == draft
    assert page.filler.answers()["households"] == 490
    window.close_record()
    assert workspace.record(draft).answers_dict()["households"] == 490, "kept as a draft"
    assert workspace.pending_autosaves() == []


@needs_filler
def test_a_record_with_conflicts_sends_the_person_to_the_review_page(
    qtbot, window, workspace, conflicted, settle
):
    window.open_record(OpenRequest("village_profile", conflicted, "SY-SAN-001"))
    page = window.record_page
    assert page.review_button.isVisibleTo(page)
    page.review_button.click()
    assert window.record_page is None and window.stack.currentWidget() is window.review
    assert window.nav.currentRow() == REVIEW
    qtbot.waitUntil(lambda: window.review.panels.currentWidget() is window.review.conflict_panel)
    assert window.review.conflict_panel.record_id == conflicted
    settle()


def test_open_another_database_switches_the_window(window, workspace, demo_template, tmp_path):
    import shutil

    other = tmp_path / "other.db"
    shutil.copy(demo_template, other)
    assert window.switch_database(str(other))
    assert window.ws is not workspace and window.ws.store.path == other
    assert window.db_label.text() == "Database: other.db"
    assert workspace.store.closed
    window.ws.close()


def test_opening_a_database_nobody_named_themselves_in_asks_who(window, tmp_path):
    """`fieldsurvey init` makes a database with no enumerator; switching to it asks, as the
    first run does, before any record can be saved by nobody."""
    from fieldsurvey.app.dialogs.welcome import Welcome
    from fieldsurvey.core.workspace import Workspace

    office = tmp_path / "office.db"
    with Workspace.open(office, create=True) as ws:
        ws.initialise()
    asked: list[str] = []
    window.ask_welcome = lambda path: asked.append(path) or None  # Quit
    before = window.ws
    assert not window.switch_database(str(office))
    assert window.ws is before and asked == [str(office)]
    window.ask_welcome = lambda path: Welcome("Zhou Min", "Office PC", "en")
    assert window.switch_database(str(office))
    assert window.ws.enumerator == "Zhou Min"
    assert "Zhou Min" in window.enumerator_label.text()
    window.ws.close()
