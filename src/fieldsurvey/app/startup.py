"""Opening the database at start: first run, and a plain choice when a file is refused.

A missing, locked or foreign file is never a traceback: the person is told what is wrong with
which file and chooses another file, a new database, or to quit. The dialogs are passed in as
functions so tests can answer them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from fieldsurvey import paths
from fieldsurvey.app.dialogs.welcome import Welcome, ask_welcome
from fieldsurvey.app.i18n import set_language, tr
from fieldsurvey.app.prefs import set_ui_language
from fieldsurvey.app.ui import error_text, os_error_text
from fieldsurvey.core.errors import RefusedError
from fieldsurvey.core.workspace import Workspace

OPEN_OTHER, CREATE_NEW, QUIT = "open", "create", "quit"


def db_filter() -> str:
    return tr("FieldSurvey databases (*.db *.sqlite);;All files (*)")


@dataclass(frozen=True)
class Choice:
    action: str  # OPEN_OTHER, CREATE_NEW or QUIT
    path: str | None = None


def refusal_text(message: str) -> str:
    """What the person reads when a database cannot be opened: the core's reason, and what to
    do next."""
    return "\n\n".join(
        [
            tr("FieldSurvey cannot open this database."),
            message,
            tr(
                "You can choose another database file, create a new one, or quit. "
                "Nothing in the file was changed."
            ),
        ]
    )


def ask_refused(message: str, parent: QWidget | None = None) -> Choice:
    """The message box; loops until a file is picked or the person quits."""
    while True:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(tr("Cannot open the database"))
        box.setText(refusal_text(message))
        other = box.addButton(tr("Choose another file…"), QMessageBox.ButtonRole.AcceptRole)
        new = box.addButton(tr("Create a new database…"), QMessageBox.ButtonRole.ActionRole)
        quit_button = box.addButton(tr("Quit"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(other)
        box.setEscapeButton(quit_button)
        box.exec()
        clicked = box.clickedButton()
        if clicked is other:
            path, _ = QFileDialog.getOpenFileName(
                parent, tr("Open a FieldSurvey database"), "", db_filter()
            )
            if path:
                return Choice(OPEN_OTHER, path)
        elif clicked is new:
            path, _ = QFileDialog.getSaveFileName(
                parent, tr("Create a new FieldSurvey database"), "fieldsurvey.db", db_filter()
            )
            if path:
                return Choice(CREATE_NEW, path)
        else:
            return Choice(QUIT)


def is_new(target: str | Path) -> bool:
    if isinstance(target, str) and paths.is_server_url(target):
        return False
    path = Path(target).expanduser()
    return not path.exists() or (path.is_file() and path.stat().st_size == 0)


def create_workspace(target: str | Path, welcome: Welcome) -> Workspace:
    ws = Workspace.open(target, create=True)
    try:
        ws.initialise(enumerator=welcome.enumerator, device=welcome.device or None)
        ws.configure(language=welcome.language)
    except BaseException:
        ws.close()
        raise
    return ws


def name_enumerator(
    ws: Workspace, target: str | Path, welcome: Callable[[str], Welcome | None]
) -> bool:
    """A database made on the command line (``init`` or ``demo``) may know no enumerator; every
    record must say who entered it, so the welcome asks once, as on a first run. True when
    the database knows its enumerator, already or now."""
    if ws.enumerator.strip():
        return True
    answers = welcome(str(target))
    if answers is None:
        return False
    set_language(answers.language)
    set_ui_language(answers.language)
    ws.configure(
        enumerator=answers.enumerator, device=answers.device or None, language=answers.language
    )
    return True


def open_workspace(
    target: str | Path,
    *,
    ask: Callable[[str], Choice] = ask_refused,
    welcome: Callable[[str], Welcome | None] = ask_welcome,
) -> Workspace | None:
    """The workspace to run the app on, or None when the person quits."""
    while True:
        try:
            if is_new(target):
                answers = welcome(str(Path(target).expanduser().absolute()))
                if answers is None:
                    return None
                set_language(answers.language)
                set_ui_language(answers.language)
                return create_workspace(target, answers)
            ws = Workspace.open(target, create=False)
            if not ws.form_defs():  # an empty database made elsewhere: load the forms
                ws.initialise()
            if not name_enumerator(ws, target, welcome):
                ws.close()
                return None
            return ws
        except RefusedError as exc:
            choice = ask(error_text(exc))
        except OSError as exc:  # a folder we may not write to, a full disk
            choice = ask(os_error_text(exc) if exc.filename else f"{target}: {os_error_text(exc)}")
        if choice.action == QUIT or not choice.path:
            return None
        target = choice.path
