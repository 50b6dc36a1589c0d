"""Render the main screens to PNG, in English and Chinese, for the README and for reviewers.

Runs on a throwaway copy of the data: demo data in a temporary database, or a consistent
snapshot (SQLite's backup API) of ``--db``, so opening records to photograph them never leaves
an autosave in anyone's real database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldsurvey.core.errors import RefusedError

WIDTH, HEIGHT = 1280, 800
LANGS = ("en", "zh")
SCREENS = ("villages", "profile", "repeat", "records", "review")
HALF_FILLED_VILLAGE = "SY-DDB-001"
REPEAT_VILLAGE = "SY-SAN-001"
PROBLEM_QUESTION = "pop_over_60"
REPEAT_QUESTION = "num_cooperatives"  # the question just above the cooperative repeat
SETTLE_SECONDS = 20


def ensure_display() -> None:
    """Headless Linux (CI, a server) has no display: draw off screen instead."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def snapshot(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database, even one open in the app. A database in a
    folder we may not write to (a locked USB stick) is copied file by file first: SQLite needs
    to write beside a WAL database even to read it."""
    try:
        _backup(source, target)
    except sqlite3.OperationalError:
        staged = target.with_name("staged-" + source.name)
        for suffix in ("", "-wal"):
            part = source.with_name(source.name + suffix)
            if part.is_file():
                shutil.copyfile(part, staged.with_name(staged.name + suffix))
        _backup(staged, target)


def _backup(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def demo_workspace(folder: Path, db: str | None) -> Any:
    """A throwaway workspace with the demo records the screens show: demo data alone, or added
    to a copy of *db* (the database itself is never changed)."""
    from fieldsurvey.core.demo import add_demo_data
    from fieldsurvey.core.workspace import Workspace

    path = folder / "screenshots.db"
    if db:
        if not Path(db).is_file():
            raise RefusedError("{db}: no such database file", db=db)
        try:
            snapshot(Path(db), path)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise RefusedError(
                "{db} cannot be read as a FieldSurvey database ({reason})", db=db, reason=exc
            ) from exc
        ws = Workspace.open(path, create=False)
        if not ws.form_defs():
            ws.initialise()
        if not ws.enumerator:
            ws.configure(enumerator="Wang Li")
    else:
        ws = Workspace.open(path, create=True)
        ws.initialise(enumerator="Wang Li", device="Laptop 3")
    add_demo_data(ws)  # the records the screens open; safe on a copy that has them already
    add_conflict(ws, folder)
    return ws


def add_conflict(ws: Any, folder: Path) -> None:
    """Packages from two laptops that changed one record differently, imported: the review
    page then has a record with conflicts to show."""
    from fieldsurvey.app.demo_laptops import laptop_packages
    from fieldsurvey.core.exchange.importer import import_packages

    laptops = folder / "laptops"
    laptops.mkdir(exist_ok=True)
    made = laptop_packages(laptops)
    import_packages(ws, [made.a, made.b])


def prepare_out(out: Path) -> None:
    """The folder for the PNGs, or a plain refusal (a file in the way, a read-only medium)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".fieldsurvey-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise RefusedError(
            "{out}: cannot write the screenshots there ({reason})", out=out, reason=exc
        ) from exc


def settle(app: Any, window: Any, seconds: float = SETTLE_SECONDS) -> None:
    """Let queued work finish and its results be drawn: the worker idle and every list loaded,
    twice in a row (a result may queue more work)."""
    from fieldsurvey.app.table_model import PagedTableModel
    from fieldsurvey.app.worker import worker

    deadline = time.monotonic() + seconds
    calm = 0
    while time.monotonic() < deadline and calm < 3:
        app.processEvents()
        worker().wait(2000)
        app.processEvents()
        busy = worker().busy or any(m.loading for m in window.findChildren(PagedTableModel))
        calm = 0 if busy else calm + 1


def reveal(filler: Any, name: str) -> bool:
    """Show question *name* at the top of its section page (the filler's ``go_to`` shows it
    somewhere on the page; a screenshot wants it first, with nothing cut off above it)."""
    from PySide6.QtWidgets import QScrollArea, QWidget

    go_to = getattr(filler, "go_to", None)
    if callable(go_to):
        go_to(name)
    finder = getattr(filler, "question", None)
    target = finder(name) if callable(finder) else filler.findChild(QWidget, name)
    if target is None:
        return False
    area = target.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    if isinstance(area, QScrollArea) and area.widget() is not None:
        area.widget().layout().activate()
        top = target.mapTo(area.widget(), target.rect().topLeft()).y()
        area.verticalScrollBar().setValue(max(0, top - 2))
    return True


def half_filled_answers(ws: Any, record_id: str) -> dict[str, Any]:
    """The demo draft profile, with one answer the form refuses (more residents over 60 than
    residents), so the screenshot shows how a problem looks."""
    answers = ws.record(record_id).answers_dict()
    answers[PROBLEM_QUESTION] = int(answers.get("resident_pop") or 500) + 100
    return answers


def render(ws: Any, out: Path, langs: tuple[str, ...] = LANGS) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from fieldsurvey.app.i18n import set_language
    from fieldsurvey.app.main_window import RECORDS, REVIEW, MainWindow
    from fieldsurvey.app.navigation import OpenRequest
    from fieldsurvey.core import queries
    from fieldsurvey.core.demo import demo_id

    app = QApplication.instance()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    profile_draft = demo_id(f"profile/{HALF_FILLED_VILLAGE}")
    profile_repeat = demo_id(f"profile/{REPEAT_VILLAGE}")
    for lang in langs:
        set_language(lang)
        window = MainWindow(ws, remember=False)
        window.resize(WIDTH, HEIGHT)
        window.show()

        def shot(name: str, window: Any = window, lang: str = lang) -> None:
            settle(app, window)
            window.statusBar().clearMessage()
            path = out / f"{name}_{lang}.png"
            image = window.grab().toImage()
            if not image.save(str(path)):
                raise OSError(f"could not write {path}")
            written.append(path)

        settle(app, window)
        window.villages.select_code(REPEAT_VILLAGE)
        shot("villages")
        steps: list[tuple[str, Callable[[], None]]] = [
            (
                "profile",
                lambda window=window: window.open_record(
                    OpenRequest(
                        queries.PROFILE_FORM,
                        profile_draft,
                        HALF_FILLED_VILLAGE,
                        half_filled_answers(ws, profile_draft),
                    )
                ),
            ),
            (
                "repeat",
                lambda window=window: window.open_record(
                    OpenRequest(queries.PROFILE_FORM, profile_repeat, REPEAT_VILLAGE)
                ),
            ),
        ]
        for name, open_it in steps:
            open_it()
            settle(app, window)
            page = window.record_page
            if page is None:
                raise RuntimeError("the form filler could not be opened")
            settle(app, window)
            if name == "profile":
                reveal(page.filler, "resident_pop")  # the answer the problem refers to,
                question = page.filler.question(PROBLEM_QUESTION)  # and, below it, the refused one
                if question is not None and hasattr(question, "focus_editor"):
                    question.focus_editor()
            else:
                reveal(page.filler, REPEAT_QUESTION)
                focused = QApplication.focusWidget()
                if focused is not None:  # a read-only record: no cursor in the picture
                    focused.clearFocus()
            shot(name)
            window.close_record()
        window.nav.setCurrentRow(RECORDS)
        shot("records")
        conflicted = ws.records(status="conflict")
        if conflicted:  # the record with conflicts, side by side
            window.review.select_record(conflicted[0].id)
        window.nav.setCurrentRow(REVIEW)
        shot("review")
        window.hide()
        window.deleteLater()
        app.processEvents()
    return written


def quiet_platform_notes() -> None:
    """The off-screen platform says "does not support propagateSizeHints()" for every window;
    that is noise on the terminal of someone rendering screenshots, not a problem."""
    from PySide6.QtCore import qInstallMessageHandler

    previous: list[Any] = []

    def handler(kind: Any, context: Any, message: str) -> None:
        if "propagateSizeHints" in message:
            return
        if previous and previous[0] is not None:
            previous[0](kind, context, message)
        else:
            print(message, file=sys.stderr)

    previous.append(qInstallMessageHandler(handler))


def run(db: str | None, out: Path) -> list[Path]:
    ensure_display()
    from fieldsurvey.app.i18n import language, set_language
    from fieldsurvey.app.main import application
    from fieldsurvey.app.worker import worker

    prepare_out(out)
    app = application()
    quiet_platform_notes()
    was = language()
    with tempfile.TemporaryDirectory(prefix="fieldsurvey-shots-") as folder:
        ws = demo_workspace(Path(folder), db)
        try:
            return render(ws, out)
        finally:
            set_language(was)
            worker().wait()
            app.processEvents()
            ws.close()
