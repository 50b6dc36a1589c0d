"""Python's cycle collector runs only on the UI thread.

Left to itself, the collector runs in whichever thread happens to allocate when a threshold is
crossed. When that is the worker thread (reading a form workbook, say) and the garbage holds a
dead widget's wrapper, Qt destroys a widget off the UI thread and the process crashes. So the
automatic collector is switched off, and a timer on the UI thread does the same work with the
same thresholds. Reference counting, which frees almost everything, is untouched.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500
_PROPERTY = "fieldsurvey_collector"


class UiThreadCollector(QObject):
    """Collects generation 0, 1 or 2 from the UI thread when the counts say it is due."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> int:
        """Collect what is due, as the automatic collector would have; returns objects freed."""
        c0, c1, c2 = gc.get_count()
        t0, t1, t2 = self.threshold
        if c0 <= t0:
            return 0
        if c1 <= t1:
            return gc.collect(0)
        if c2 <= t2:
            return gc.collect(1)
        return gc.collect(2)


def install_collector(app: QCoreApplication | None = None) -> UiThreadCollector | None:
    """Switch to UI-thread collection once per application; safe to call again."""
    app = app or QCoreApplication.instance()
    if app is None:
        return None
    found = app.findChild(UiThreadCollector, _PROPERTY)
    if found is None:
        found = UiThreadCollector(app)
        found.setObjectName(_PROPERTY)
    gc.disable()  # someone may have switched it back on
    return found
