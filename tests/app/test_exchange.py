"""The exchange page and the export dialog: the work runs on the worker, with progress and
cancel, and the result is shown plainly."""

from __future__ import annotations

import threading
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

from fieldsurvey.app.dialogs.export import ExportDialog
from fieldsurvey.app.exchange_support import export_module, not_exported_count
from fieldsurvey.app.i18n import set_language
from fieldsurvey.app.views.exchange import ExchangeView
from fieldsurvey.core.errors import FieldSurveyError


def test_exchange_view_counts_what_is_not_exported(qtbot, workspace):
    view = ExchangeView(workspace)
    qtbot.addWidget(view)
    expected = f"Records not yet exported: {not_exported_count(workspace)}"
    qtbot.waitUntil(lambda: view.pending.text() == expected)
    assert view.export_button.isEnabled() == (export_module() is not None)


@pytest.mark.skipif(export_module() is None, reason="core.exchange.export is not there yet")
def test_export_dialog_writes_a_package(qtbot, workspace, tmp_path):
    dialog = ExportDialog(workspace, export_module())
    qtbot.addWidget(dialog)
    target = tmp_path / "out.zip"
    dialog.path.setText(str(target))
    dialog.since_last.setChecked(False)
    progress: list[tuple[int, int]] = []
    dialog.progress.valueChanged.connect(lambda v: progress.append((v, dialog.progress.maximum())))
    dialog.start()
    assert not dialog.options.isEnabled() and dialog.cancel_button.isVisibleTo(dialog)
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=20000)
    assert target.is_file() and target.stat().st_size > 0
    assert dialog.folder_button.isVisibleTo(dialog)
    assert dialog.message.text().startswith("Exported 6 records")
    assert progress, "progress reached the dialog"


class _Cancelled(FieldSurveyError):
    pass


@dataclass
class _Options:
    out: Path
    since_last: bool = False
    since: object = None
    form_id: str | None = None
    status: str = "complete"
    lang: str = "en"
    labels: bool = False


def _slow_module(started: threading.Event) -> types.ModuleType:
    """An export that reports progress, then waits for Cancel (on the worker thread)."""

    def export_package(ws, options, *, progress, cancelled):
        progress(1, 10, "records")
        started.set()
        while not cancelled():
            threading.Event().wait(0.01)
        raise _Cancelled("cancelled")

    module = types.ModuleType("fake_export")
    module.ExportOptions = _Options
    module.export_package = export_package
    module.ExportCancelled = _Cancelled
    return module


def test_export_can_be_cancelled(qtbot, workspace, tmp_path):
    started = threading.Event()
    dialog = ExportDialog(workspace, _slow_module(started))
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "x.zip"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress.maximum() == 10)
    during = dialog.message.text()
    dialog.reject()  # closing the window while exporting means cancel
    assert during == "Exporting… 10%"  # not the core's name for the step, "records"
    assert dialog.isVisible() or not dialog.result()
    qtbot.waitUntil(lambda: dialog.job is None)
    assert dialog.message.text() == "Export cancelled; no package was written."
    assert dialog.start_button.isVisibleTo(dialog) and dialog.options.isEnabled()
    assert not dialog.progress.isVisibleTo(dialog)  # no empty bar left behind
    assert not (tmp_path / "x.zip").exists()


class _Nothing(FieldSurveyError):
    pass


def _module_with_nothing_to_export() -> types.ModuleType:
    def export_package(ws, options, *, progress, cancelled):
        raise _Nothing("nothing to export: no complete records changed since the last export")

    module = types.ModuleType("fake_export")
    module.ExportOptions = _Options
    module.export_package = export_package
    module.ExportCancelled = _Cancelled
    module.NothingToExport = _Nothing
    return module


def test_nothing_to_export_is_said_in_the_ui_language(qtbot, workspace, tmp_path):
    set_language("zh")
    dialog = ExportDialog(workspace, _module_with_nothing_to_export())
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "x.zip"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.job is None)
    text = dialog.message.text()
    assert text.startswith("没有新的记录可导出") and "nothing" not in text
    assert "取消勾选" in text  # says how to export them again


def test_a_missing_folder_is_refused_before_exporting(qtbot, workspace, tmp_path):
    set_language("zh")
    dialog = ExportDialog(workspace, _module_with_nothing_to_export())
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "no such folder" / "x"))
    dialog.start()
    assert dialog.job is None and dialog.options.isEnabled()
    assert dialog.message.text().startswith("文件夹") and "不存在" in dialog.message.text()
    assert dialog.path.text().endswith("x.zip")  # the missing ".zip" was added


def test_open_folder_that_cannot_open_says_where_the_package_is(qtbot, workspace, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    dialog = ExportDialog(workspace, _module_with_nothing_to_export())
    qtbot.addWidget(dialog)
    dialog.result_value = types.SimpleNamespace(path="/media/usb/pkg.zip", records=1, bytes=1)
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: False))
    dialog.open_folder()
    assert "/media/usb/pkg.zip" in dialog.message.text()


def test_an_existing_package_is_replaced_only_when_the_person_agrees(qtbot, workspace, tmp_path):
    target = tmp_path / "from-laptop-2.zip"
    target.write_bytes(b"another laptop's package")
    asked: list[Path] = []
    dialog = ExportDialog(workspace, export_module())
    qtbot.addWidget(dialog)
    dialog.since_last.setChecked(False)
    dialog.path.setText(str(target))
    dialog.ask_replace = lambda out: asked.append(out) or False
    dialog.start()
    assert asked == [target] and dialog.job is None
    assert target.read_bytes() == b"another laptop's package"
    assert "was kept" in dialog.message.text()
    dialog.ask_replace = lambda out: asked.append(out) or True
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=20000)
    assert len(asked) == 2 and target.read_bytes().startswith(b"PK")
