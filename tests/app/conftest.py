"""Fixtures for the desktop app's tests: off-screen Qt, a demo workspace, private settings.

Self-contained on purpose (the filler's tests import their own helpers from
``filler_fixtures.py``).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from fieldsurvey.app.i18n import set_language  # noqa: E402
from fieldsurvey.core.demo import add_demo_data  # noqa: E402
from fieldsurvey.core.workspace import Workspace  # noqa: E402

ENUMERATOR = "Test Enumerator"
DEVICE = "Test Laptop"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One initialised demo database per run; each test gets a copy (0.3 s saved per test)."""
    path = tmp_path_factory.mktemp("template") / "demo.db"
    ws = Workspace.open(path, create=True)
    ws.initialise(enumerator=ENUMERATOR, device=DEVICE)
    add_demo_data(ws)
    ws.close()
    return path


@pytest.fixture
def workspace(demo_template: Path, tmp_path: Path, qapp):
    target = tmp_path / "fieldsurvey.db"
    for suffix in ("", "-wal"):
        source = demo_template.with_name(demo_template.name + suffix)
        if source.exists():
            shutil.copy(source, target.with_name(target.name + suffix))
    ws = Workspace.open(target, create=False)
    yield ws
    from fieldsurvey.app.worker import worker

    worker().wait()
    qapp.processEvents()
    ws.close()


@pytest.fixture(autouse=True)
def private_settings(tmp_path_factory: pytest.TempPathFactory, qapp):
    """QSettings go to a temporary folder, and every test starts in English."""
    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    set_language("en")
    yield folder
    set_language("en")


@pytest.fixture
def settle(qapp):
    """Run the worker's queue to the end and deliver its results."""
    from fieldsurvey.app.worker import worker

    def run() -> None:
        for _ in range(3):
            worker().wait()
            qapp.processEvents()

    return run


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory):
    """Two laptops' packages with conflicting edits of one record (``package_fixtures``)."""
    try:
        from package_fixtures import make_packages
    except ModuleNotFoundError:  # pragma: no cover (should tests/app become a package)
        from tests.app.package_fixtures import make_packages

    return make_packages(tmp_path_factory.mktemp("laptops"))


@pytest.fixture
def conflicted(workspace, packages):
    """The workspace after importing both laptops' packages: the record's id, with three
    conflicts and a possible duplicate of the demo's Sanxi profile."""
    from fieldsurvey.core.exchange.importer import import_packages

    import_packages(workspace, [packages.a, packages.b])
    return packages.record_id
