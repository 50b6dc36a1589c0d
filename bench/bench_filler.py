"""The form filler on a 300-question form with a 50-row repeat: opening it, and typing in it.

Run: QT_QPA_PLATFORM=offscreen python bench/bench_filler.py

(a) constructing and showing the filler with a full record, against building and showing 300
    plain QLineEdits in a QFormLayout;
(b) one keystroke, from the key event until relevance, calculations and problems are applied,
    against the same keystroke in a bare QLineEdit. Target: under 16 ms (one frame).
Saving (autosave slot, draft revision) is timed too: it stays on the UI thread only while it
fits in a frame.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QFormLayout, QLineEdit, QWidget  # noqa: E402

from big_form import big_answers, write_big_form  # noqa: E402
from common import report  # noqa: E402
from fieldsurvey.app.filler import FormFiller  # noqa: E402
from fieldsurvey.app.fonts import install_fonts  # noqa: E402
from fieldsurvey.app.screenshots import quiet_platform_notes  # noqa: E402
from fieldsurvey.core.workspace import Workspace  # noqa: E402

SIZE = (1280, 800)
FRAME = 0.016


def median_of(fn: Callable[[], float], repeat: int) -> float:
    return statistics.median(fn() for _ in range(repeat))


def settle(app: QApplication) -> None:
    for _ in range(3):
        app.processEvents()


def plain_form(app: QApplication) -> float:
    start = time.perf_counter()
    w = QWidget()
    form = QFormLayout(w)
    for i in range(300):
        form.addRow(f"Q{i}", QLineEdit(w))
    w.resize(*SIZE)
    w.show()
    settle(app)
    seconds = time.perf_counter() - start
    w.deleteLater()
    settle(app)
    return seconds


def open_filler(app: QApplication, ws: Workspace, answers: dict) -> float:
    start = time.perf_counter()
    f = FormFiller(ws, form_id="bench_big", answers=answers, form_lang="en")
    f.resize(*SIZE)
    f.show()
    settle(app)
    seconds = time.perf_counter() - start
    f.deleteLater()
    settle(app)
    return seconds


def open_and_visit_all(app: QApplication, ws: Workspace, answers: dict) -> float:
    start = time.perf_counter()
    f = FormFiller(ws, form_id="bench_big", answers=answers, form_lang="en")
    f.resize(*SIZE)
    f.show()
    for i in range(len(f.pages)):
        f.go_to_section(i)
        settle(app)
    seconds = time.perf_counter() - start
    f.deleteLater()
    settle(app)
    return seconds


def keystrokes(
    app: QApplication, target: QWidget, count: int, key: Qt.Key = Qt.Key.Key_A
) -> list[float]:
    """Seconds per key, alternating *key* and Backspace so the text stays short."""
    times = []
    for i in range(count):
        key_now = Qt.Key.Key_Backspace if i % 2 else key
        start = time.perf_counter()
        QTest.keyClick(target, key_now)
        app.processEvents()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    app = QApplication.instance() or QApplication([])
    quiet_platform_notes()  # the off-screen platform's size-hint notes, once per window
    install_fonts(app)
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp) / "bench.db")
        ws.add_form(write_big_form(Path(tmp) / "big.xlsx"))
        answers = big_answers()

        for _ in range(2):  # warm up fonts, icons and caches
            plain_form(app)
            open_filler(app, ws, answers)
        floor = median_of(lambda: plain_form(app), 5)
        seconds = median_of(lambda: open_filler(app, ws, answers), 5)
        report("(a) open filler: 300 questions, 50 rows", seconds, floor, "300 QLineEdits")
        seconds = median_of(lambda: open_and_visit_all(app, ws, answers), 3)
        report("    open, then visit every section", seconds, floor, "300 QLineEdits")

        bare = QLineEdit()
        bare.show()
        keystrokes(app, bare, 10)
        floor = statistics.median(keystrokes(app, bare, 50))

        f = FormFiller(ws, form_id="bench_big", answers=answers, form_lang="en")
        f.resize(*SIZE)
        f.show()
        settle(app)
        f.timer.stop()
        full = {"n": 0}
        evaluate = f.state.evaluate

        def counted() -> object:
            full["n"] += 1
            return evaluate()

        f.state.evaluate = counted  # type: ignore[method-assign]
        cases = (
            ("(b) key in text field q3", "q3", Qt.Key.Key_A, True),
            ("    same, quick re-check off", "q3", Qt.Key.Key_A, False),
            ("    key in number q0 (drives relevance)", "q0", Qt.Key.Key_7, True),
            (
                "    key in row 25 m_age (relevance)",
                "members[25]/m_age",
                Qt.Key.Key_7,
                True,
            ),
            ("    key in row 25 m_name", "members[25]/m_name", Qt.Key.Key_A, True),
        )
        quick = f.state.update_one
        for name, path, key, allow_quick in cases:
            f.state.update_one = quick if allow_quick else (lambda *a: False)  # type: ignore[method-assign]
            q = f.question(path)
            assert q is not None and q.editor is not None, path
            f.go_to(path)
            target = q.editor.focus_target()
            keystrokes(app, target, 6, key)
            full["n"] = 0
            seconds = statistics.median(keystrokes(app, target, 50, key))
            how = "full" if full["n"] else "quick"
            report(f"{name} [{how}]", seconds, floor, "bare QLineEdit key", "< 16 ms")
        f.state.update_one = quick  # type: ignore[method-assign]
        f.state.evaluate = evaluate  # type: ignore[method-assign]

        start = time.perf_counter()
        ev = f.state.evaluate()
        evaluate_s = time.perf_counter() - start
        assert not [p for p in ev.problems if p.rule == "type"]
        report("    one full evaluate()", evaluate_s, floor, "bare QLineEdit key")

        f._unautosaved = True
        autosave = median_of(
            lambda: _timed(lambda: ws.autosave(f.record_id, "bench_big", answers)), 9
        )
        report("autosave (one transaction)", autosave, FRAME, "one frame (16 ms)")
        f._unsaved = True
        draft = _timed(f.save_draft)
        report("save draft (first: makes the record)", draft, FRAME, "one frame (16 ms)")
        draft = median_of(lambda: _timed(f.save_draft), 5)
        report("save draft (a new revision)", draft, FRAME, "one frame (16 ms)")
        f.deleteLater()
        settle(app)
        ws.close()


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
