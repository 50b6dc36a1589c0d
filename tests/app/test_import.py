"""Importing packages from the app: the dialog runs the import on the worker with progress
and Cancel, then says what each package did; the exchange page lists past imports and the
devices with their key fingerprints."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from fieldsurvey.app.dialogs.import_dialog import ImportDialog
from fieldsurvey.app.i18n import set_language
from fieldsurvey.app.views.exchange import DEVICES_TAB, ExchangeView
from fieldsurvey.core import review
from fieldsurvey.core.exchange.importer import import_packages


def _import(qtbot, dialog: ImportDialog, paths: list[Path]) -> None:
    with qtbot.waitSignal(dialog.imported, timeout=30000):
        dialog.start(paths)


def test_two_packages_import_and_the_report_says_what_each_did(qtbot, workspace, packages):
    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    progress: list[int] = []
    dialog.progress.valueChanged.connect(progress.append)
    _import(qtbot, dialog, [packages.a, packages.b])
    text = dialog.report.toPlainText()
    assert "2 of 2 package(s) imported." in text
    assert "a-2.zip — Imported · from Laptop A" in text
    assert "1 new record" in text and "1 possible duplicate" in text
    assert "b-1.zip — Imported · from Laptop B" in text
    assert "1 record with conflicting edits to resolve" in text
    assert "wait for a decision on the Review page" in text
    assert dialog.review_button.isVisibleTo(dialog) and dialog.receipts_button.isVisibleTo(dialog)
    assert not dialog.progress.isVisibleTo(dialog) and progress
    assert review.conflicts(workspace, packages.record_id)


def test_the_report_is_in_chinese_and_says_why_a_package_was_refused(
    qtbot, workspace, packages, tmp_path
):
    set_language("zh")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(packages.a.read_bytes()[:-200])  # cut short on the way
    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    _import(qtbot, dialog, [broken, packages.first])
    text = dialog.report.toPlainText()
    assert "broken.zip — 已拒绝" in text and "未导入此数据包中的任何内容" in text
    assert "Imported" not in text and "1 条新记录" in text
    assert dialog.windowTitle() == "导入数据包"


def test_cancel_rolls_back_the_package_in_progress(qtbot, workspace, packages):
    reached = threading.Event()

    def run_import(ws, paths, *, progress, cancelled):
        def gate(done, total, what):
            progress(done, total, what)
            if what.startswith(packages.b.name):  # the second package: wait for Cancel
                reached.set()
                while not cancelled():
                    threading.Event().wait(0.005)

        return import_packages(ws, paths, progress=gate, cancelled=cancelled)

    dialog = ImportDialog(workspace, run_import=run_import)
    qtbot.addWidget(dialog)
    dialog.start([packages.a, packages.b, packages.first])
    qtbot.waitUntil(lambda: reached.is_set() and "(2 of 3)" in dialog.message.text())
    _drop(dialog, [packages.first])  # one import at a time
    assert dialog.message.text().startswith("Wait until this import has finished")
    with qtbot.waitSignal(dialog.imported, timeout=30000):
        dialog.reject()  # closing while importing means cancel
        assert dialog.message.text().startswith("Stopping")
    text = dialog.report.toPlainText()
    assert "a-2.zip — Imported" in text
    assert "b-1.zip — Cancelled" in text and "a-1.zip — Cancelled" in text
    assert "1 of 3 package(s) imported, 2 cancelled." in text
    assert not review.conflicts(workspace, packages.record_id)  # B's edits were rolled back


def test_receipts_are_saved_in_a_chosen_folder(qtbot, workspace, packages, tmp_path):
    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    _import(qtbot, dialog, [packages.first])
    folder = tmp_path / "receipts"
    folder.mkdir()
    dialog.write_receipts(folder)
    qtbot.waitUntil(lambda: "Saved 1 receipt(s)" in dialog.message.text())
    (receipt,) = folder.iterdir()
    assert packages.record_id in receipt.read_text(encoding="utf-8")


def _drop(widget, paths: list[Path]) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    widget.dropEvent(event)
    return event


def test_packages_dropped_on_the_exchange_page_are_imported_and_listed(
    qtbot, workspace, packages, settle
):
    view = ExchangeView(workspace)
    qtbot.addWidget(view)
    settle()
    assert view.history_empty.isVisibleTo(view)
    with qtbot.waitSignal(view.imported, timeout=30000):
        event = _drop(view, [packages.a, Path("notes.txt")])
        assert event.isAccepted()
    settle()
    assert view.history.rowCount() == 1 and not view.history_empty.isVisibleTo(view)
    cells = [view.history.index(0, c).data() for c in range(5)]
    assert cells[1:4] == ["a-2.zip", "Laptop A", "Imported"]
    assert "1 new record" in cells[4]
    # dropped on the dialog that is still open: imported too
    with qtbot.waitSignal(view.imported, timeout=30000):
        _drop(view.import_dialog, [packages.b])
    settle()
    assert view.history.rowCount() == 2
    assert "b-1.zip" in view.import_dialog.report.toPlainText()


def test_devices_are_listed_with_their_fingerprints(qtbot, workspace, packages, conflicted, settle):
    view = ExchangeView(workspace)
    qtbot.addWidget(view)
    settle()
    rows = {
        view.devices.index(r, 0).data(): view.devices.index(r, 1).data()
        for r in range(view.devices.rowCount())
    }
    # two lines of eight groups, to read aloud a line at a time
    assert rows["Laptop A"].replace("\n", " ") == packages.fingerprints["Laptop A"]
    assert rows["Laptop B"].replace("\n", " ") == packages.fingerprints["Laptop B"]
    own = rows["Test Laptop (this computer)"].split("\n")
    assert [len(line.split()) for line in own] == [8, 8]
    assert view.tabs.tabText(DEVICES_TAB) == "Devices (3)"
