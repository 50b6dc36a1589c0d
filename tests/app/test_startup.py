"""Starting the app: the first-run welcome, and files that cannot be opened."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton

from fieldsurvey.app import startup
from fieldsurvey.app.dialogs.welcome import Welcome, WelcomeDialog
from fieldsurvey.app.i18n import language
from fieldsurvey.core.store.models import SETTING_LANGUAGE
from fieldsurvey.core.workspace import Workspace


def when_modal(act: Callable[[QDialog], None], tries: int = 200) -> None:
    """Answer the next modal dialog as soon as it is shown."""

    def poll(left: int = tries) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.isVisible():
            act(dialog)
        elif left:
            QTimer.singleShot(10, lambda: poll(left - 1))

    QTimer.singleShot(0, poll)


def test_first_run_welcome_creates_the_database_with_the_names(qtbot, tmp_path):
    target = tmp_path / "new" / "fieldsurvey.db"

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, WelcomeDialog)
        ok = dialog.buttons.buttons()[0]
        assert not ok.isEnabled(), "a name is needed before starting"
        dialog.enumerator.setText("Li Na")
        dialog.device.setText("Laptop 7")
        dialog.language.setCurrentIndex(dialog.language.findData("zh"))
        assert dialog.heading.text() == "欢迎使用 FieldSurvey"  # the dialog follows the choice
        dialog.accept()

    when_modal(fill)
    ws = startup.open_workspace(target)
    assert ws is not None
    try:
        assert target.exists()
        assert ws.enumerator == "Li Na"
        assert ws.device_name == "Laptop 7"
        assert ws.store.get_setting(SETTING_LANGUAGE) == "zh"
        assert language() == "zh"
        assert {d.form_id for d in ws.form_defs()} >= {"village_profile", "practice_assessment"}
        assert ws.villages(), "the registry is loaded on first run"
    finally:
        ws.close()


def test_quitting_the_welcome_creates_nothing(tmp_path):
    target = tmp_path / "fieldsurvey.db"
    assert startup.open_workspace(target, welcome=lambda _path: None) is None
    assert not target.exists()


def test_a_database_made_without_an_enumerator_asks_for_one(tmp_path):
    """`fieldsurvey init` or `demo` make a database nobody named themselves in: the app asks
    before any record can be entered without an enumerator."""
    target = tmp_path / "made-on-the-command-line.db"
    with Workspace.open(target, create=True) as ws:
        ws.initialise()
        assert ws.enumerator == ""
    asked: list[str] = []

    def welcome(path: str) -> Welcome:
        asked.append(path)
        return Welcome(enumerator="Zhou Min", device="Laptop 2", language="en")

    ws = startup.open_workspace(target, welcome=welcome)
    assert ws is not None and asked == [str(target)]
    try:
        assert ws.enumerator == "Zhou Min" and ws.device_name == "Laptop 2"
    finally:
        ws.close()
    again = startup.open_workspace(target, welcome=welcome)  # named once: never asked again
    assert again is not None and len(asked) == 1
    again.close()
    with Workspace.open(target, create=True) as ws:
        ws.configure(enumerator="")
    assert startup.open_workspace(target, welcome=lambda _path: None) is None  # Quit: no window


def test_a_foreign_file_gives_a_message_and_a_choice(tmp_path):
    foreign = tmp_path / "notes.db"
    foreign.write_bytes(b"these are someone's notes, not a database\n")
    before = foreign.read_bytes()
    asked: list[str] = []

    def ask(message: str) -> startup.Choice:
        asked.append(message)
        return startup.Choice(startup.QUIT)

    assert startup.open_workspace(foreign, ask=ask) is None
    assert len(asked) == 1 and "not a FieldSurvey database" in asked[0]
    text = startup.refusal_text(asked[0])
    assert text.startswith("FieldSurvey cannot open this database.")
    assert "Traceback" not in text
    assert foreign.read_bytes() == before


def test_choosing_another_file_after_a_refusal_opens_it(tmp_path, demo_template):
    foreign = tmp_path / "notes.db"
    foreign.write_text("not a database")
    ws = startup.open_workspace(
        foreign, ask=lambda _message: startup.Choice(startup.OPEN_OTHER, str(demo_template))
    )
    assert ws is not None
    try:
        assert ws.store.path == demo_template
    finally:
        ws.close()


def test_a_locked_database_is_refused_with_the_reason(tmp_path, demo_template):
    holder = Workspace.open(demo_template, create=False)
    asked: list[str] = []
    try:
        result = startup.open_workspace(
            demo_template, ask=lambda m: asked.append(m) or startup.Choice(startup.QUIT)
        )
    finally:
        holder.close()
    assert result is None
    assert "open in another FieldSurvey window" in asked[0]


def test_the_real_message_box_offers_three_ways_out(qtbot, tmp_path):
    seen: list[list[str]] = []

    def quit_(dialog: QDialog) -> None:
        assert isinstance(dialog, QMessageBox)
        buttons = [b.text() for b in dialog.findChildren(QPushButton)]
        seen.append(buttons)
        quit_button = next(b for b in dialog.buttons() if b.text() == "Quit")
        quit_button.click()

    foreign = tmp_path / "x.db"
    foreign.write_text("hello")
    when_modal(quit_)
    assert startup.open_workspace(foreign) is None
    assert seen and {"Choose another file…", "Create a new database…", "Quit"} <= set(seen[0])


def test_welcome_answers(qtbot):
    dialog = WelcomeDialog("/tmp/x.db")
    qtbot.addWidget(dialog)
    dialog.enumerator.setText("  Wang Li ")
    assert dialog.answers() == Welcome("Wang Li", dialog.device.text().strip(), "en")
