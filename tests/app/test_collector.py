"""The cycle collector never runs on the worker thread, where freeing a dead widget crashes Qt."""

from __future__ import annotations

import gc
import threading
import weakref

from fieldsurvey.app.collector import install_collector
from fieldsurvey.app.worker import worker


def _churn() -> int:
    """Allocate enough container cycles to cross every collection threshold many times."""
    made = 0
    for _ in range(50_000):
        a: list = []
        b = [a]
        a.append(b)
        made += 1
    return made


def test_background_work_never_starts_a_collection_off_the_ui_thread(qapp, settle) -> None:
    main = threading.get_ident()
    seen: list[int] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            seen.append(threading.get_ident())

    install_collector(qapp)
    gc.callbacks.append(note)
    try:
        results: list[int] = []
        for _ in range(4):
            worker().run(_churn, on_done=results.append)
        settle()
    finally:
        gc.callbacks.remove(note)
    assert results == [50_000] * 4
    assert not gc.isenabled()
    assert all(ident == main for ident in seen), "a collection started on the worker thread"


class _Node:
    def __init__(self) -> None:
        self.me = self


def test_cycles_are_still_freed_by_the_ui_thread(qapp, qtbot) -> None:
    install_collector(qapp)
    node = _Node()
    gone = weakref.ref(node)
    del node
    _churn()  # pushes the counts past the thresholds, as a working app does
    qtbot.waitUntil(lambda: gone() is None, timeout=5000)


def test_installing_twice_keeps_one_collector(qapp) -> None:
    first = install_collector(qapp)
    assert install_collector(qapp) is first


class _Traced:
    """A stand-in for a callback that holds the last reference to a widget."""

    freed_on: list[int] = []

    def __call__(self, *args: object) -> None:
        return None

    def __del__(self) -> None:
        _Traced.freed_on.append(threading.get_ident())


def test_a_finished_job_is_freed_on_the_ui_thread(qapp, qtbot, settle) -> None:
    _Traced.freed_on.clear()
    for _ in range(30):
        worker().run(_Traced(), on_done=_Traced())
        qtbot.wait(1)
    settle()
    worker().run(lambda: None)
    settle()
    assert len(_Traced.freed_on) == 60
    assert set(_Traced.freed_on) == {threading.get_ident()}
