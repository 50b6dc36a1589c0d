"""Fixtures for the form filler's tests (imported by tests/app/test_filler*.py).

Each fixture function is named ``fixture_<name>`` and registered under ``<name>``: a test module
imports the functions and asks for the fixtures by name, without its arguments shadowing imports.

A demo database is initialised once per run and copied for each test; every filler is shown
at 1280×800 with the bundled CJK font, so focus, layout and Chinese text behave as on screen.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from fieldsurvey.app.filler import FormFiller  # noqa: E402
from fieldsurvey.app.fonts import install_fonts  # noqa: E402
from fieldsurvey.app.i18n import set_language  # noqa: E402
from fieldsurvey.core.demo import add_demo_data  # noqa: E402
from fieldsurvey.core.workspace import Workspace  # noqa: E402

SIZE = (1280, 800)


@pytest.fixture(scope="session", name="filler_template")
def fixture_filler_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("filler-template") / "t.db"
    ws = Workspace.open(path)
    ws.initialise(enumerator="Test", device="Laptop")
    add_demo_data(ws)
    ws.close()
    return path


@pytest.fixture(name="filler_db")
def fixture_filler_db(filler_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "t.db"
    for suffix in ("", "-wal"):
        source = filler_template.with_name(filler_template.name + suffix)
        if source.exists():
            shutil.copy(source, target.with_name(target.name + suffix))
    return target


@pytest.fixture(name="filler_ws")
def fixture_filler_ws(filler_db: Path, qapp: QApplication) -> Iterator[Workspace]:
    install_fonts(qapp)
    set_language("en")
    ws = Workspace.open(filler_db)
    yield ws
    set_language("en")
    ws.close()


@pytest.fixture(name="make_filler")
def fixture_make_filler(filler_ws: Workspace, qtbot: Any) -> Callable[..., FormFiller]:
    """Make and show a FormFiller; pass ``ws=`` to use another workspace."""

    def make(ws: Workspace | None = None, **kwargs: Any) -> FormFiller:
        filler = FormFiller(ws or filler_ws, **kwargs)
        qtbot.addWidget(filler)
        filler.resize(*SIZE)
        filler.show()
        qtbot.waitExposed(filler)
        filler.activateWindow()
        qtbot.waitUntil(filler.isActiveWindow, timeout=2000)  # focus moves only in the active one
        filler.timer.setInterval(60_000)  # tests that want the autosave fire it themselves
        return filler

    return make


def editor(filler: FormFiller, path: str) -> QWidget:
    """The widget that takes the keyboard for the question at *path*."""
    q = filler.question(path)
    assert q is not None, path
    filler.go_to(path)
    assert q.editor is not None
    return q.editor.focus_target()


def problem_text(filler: FormFiller, path: str) -> str:
    q = filler.question(path)
    assert q is not None, path
    return q.problem_message()
