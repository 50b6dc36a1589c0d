"""Run database work off the UI thread and hand the answer back to it (Anki's CollectionOp).

Every list query, export or import goes through ``worker().run(fn, ...)``: *fn* runs on the
one background thread, and ``on_done(result)`` or ``on_error(exc)`` is then called on the UI
thread through a queued signal. One thread is enough (SQLite serialises writers anyway), keeps
the order of requests, and means a view never has two of its own queries racing.

SQLite connections are not shared across threads: *fn* opens its own short session with
``ws.store.session(write=False)``; SQLAlchemy's pool hands each thread a connection of its own
for the length of that session.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QApplication

from fieldsurvey.app.collector import install_collector

log = logging.getLogger(__name__)


class Job:
    """One piece of background work; *fn* may take the job to report progress or check cancel."""

    def __init__(
        self,
        fn: Callable[..., Any],
        *,
        relay: _Relay,
        owner: QObject | None,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_progress: Callable[[int, int, str], None] | None,
        with_job: bool,
    ) -> None:
        self.fn = fn
        self.owner = owner
        self.on_done = on_done
        self.on_error = on_error
        self.on_progress = on_progress
        self.with_job = with_job
        self.finished = False
        self._relay = relay
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, done: int, total: int, message: str = "") -> None:
        """Called from *fn* on the worker thread; delivered to ``on_progress`` on the UI thread."""
        self._relay.progressed.emit(self, int(done), int(total), str(message))

    def owner_alive(self) -> bool:
        return self.owner is None or shiboken6.isValid(self.owner)


class _Relay(QObject):
    """Lives on the UI thread; its signals are emitted from the worker thread."""

    finished = Signal(object, bool, object)  # job, ok, result or exception
    progressed = Signal(object, int, int, str)


class _Task(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.job: Job | None = job

    def run(self) -> None:
        # The task itself is deleted on this thread, at a time Qt chooses: it must not be what
        # keeps the job (and the widgets its callbacks hold) alive.
        job, self.job = self.job, None
        if job is None:
            return
        try:
            result = job.fn(job) if job.with_job else job.fn()
        except BaseException as exc:  # delivered to on_error on the UI thread
            job._relay.finished.emit(job, False, exc)
        else:
            job._relay.finished.emit(job, True, result)


class Worker(QObject):
    """One background thread for the whole app."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)  # keep the thread: no start-up cost per query
        self._relay = _Relay(self)
        self._relay.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._relay.progressed.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self._jobs: set[Job] = set()
        # The job delivered last. The worker thread still holds it for a moment after it signals
        # (its task is deleted there), and its callbacks may be the last reference to a widget:
        # the UI thread keeps it until the next delivery, when that task has surely returned.
        self._retired: list[Job] = []

    def run(
        self,
        fn: Callable[..., Any],
        *,
        owner: QObject | None = None,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        with_job: bool = False,
    ) -> Job:
        """Queue *fn*; callbacks are skipped if *owner* (a widget) has been deleted meanwhile."""
        job = Job(
            fn,
            relay=self._relay,
            owner=owner,
            on_done=on_done,
            on_error=on_error,
            on_progress=on_progress,
            with_job=with_job,
        )
        self._jobs.add(job)
        self._pool.start(_Task(job))
        return job

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def wait(self, msecs: int = -1) -> bool:
        """Block until the queue is empty (shutting down); pending results are then delivered
        by the next turn of the event loop."""
        done = self._pool.waitForDone(msecs)
        if done:
            self._retired.clear()
        return done

    def shutdown(self, msecs: int = 30000) -> bool:
        for job in list(self._jobs):
            job.cancel()
        self._pool.clear()
        return self.wait(msecs)

    @Slot(object, bool, object)
    def _deliver(self, job: Job, ok: bool, value: Any) -> None:
        self._jobs.discard(job)
        self._retired = [job]  # one thread, in order: every earlier task has returned
        job.finished = True
        if not job.owner_alive():
            return
        if ok:
            if job.on_done is not None:
                job.on_done(value)
        elif job.on_error is not None:
            job.on_error(value)
        else:
            log.error("background work failed", exc_info=value)

    @Slot(object, int, int, str)
    def _progress(self, job: Job, done: int, total: int, message: str) -> None:
        if job.on_progress is not None and not job.finished and job.owner_alive():
            job.on_progress(done, total, message)


_shared: dict[str, Worker] = {}


def worker() -> Worker:
    """The app's one worker, created on first use and owned by the QApplication."""
    found = _shared.get("worker")
    if found is None or not shiboken6.isValid(found):
        install_collector()  # a second thread must never run the cycle collector
        found = Worker(QApplication.instance())
        _shared["worker"] = found
    return found
