"""Hybrid logical clock (Kulkarni et al.): wall-clock-like stamps that never go backwards.

A stamp is ``"<millis:015>-<counter:05>-<node>"``; fixed-width fields make text order the
clock order, with the node id breaking ties between devices. Clocks only order what is shown;
merging never depends on them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

MAX_COUNTER = 99_999
MAX_AHEAD_MILLIS = 24 * 3600 * 1000  # a received stamp further ahead of this clock is not followed


def wall_millis() -> int:
    return time.time_ns() // 1_000_000


def format_hlc(millis: int, counter: int, node: str) -> str:
    return f"{millis:015d}-{counter:05d}-{node}"


def parse_hlc(stamp: str) -> tuple[int, int, str]:
    """``(millis, counter, node)`` of a stamp; ValueError if it is not one."""
    parts = stamp.split("-", 2)
    if (
        len(parts) != 3
        or len(parts[0]) != 15
        or len(parts[1]) != 5
        or not (parts[0].isdigit() and parts[1].isdigit())
        or not parts[2]
    ):
        raise ValueError(f"not a clock stamp: {stamp!r}")
    return int(parts[0]), int(parts[1]), parts[2]


class HLC:
    """The clock of one node. Thread-safe; *wall* is injectable for tests."""

    def __init__(
        self,
        node_id: str,
        *,
        wall: Callable[[], int] = wall_millis,
        last: str | None = None,
    ) -> None:
        if not node_id:
            raise ValueError("a clock needs a node id")
        self.node_id = node_id
        self._wall = wall
        self._lock = threading.Lock()
        self._millis = 0
        self._counter = 0
        if last:
            self.observe(last)

    @property
    def last(self) -> str:
        """The latest stamp issued or observed, in this node's name."""
        return format_hlc(self._millis, self._counter, self.node_id)

    def observe(self, stamp: str) -> None:
        """Never issue a stamp at or below *stamp* (e.g. the last one saved before a restart)."""
        millis, counter, _node = parse_hlc(stamp)
        with self._lock:
            if (millis, counter) > (self._millis, self._counter):
                self._millis, self._counter = millis, counter

    def now(self) -> str:
        """A stamp for a local event, later than every stamp issued or observed before."""
        with self._lock:
            wall = self._wall()
            if wall > self._millis:
                self._set(wall, 0)
            else:
                self._set(self._millis, self._counter + 1)
            return self.last

    def update(self, remote: str) -> str:
        """A stamp for receiving *remote*: later than it and than everything local, unless
        *remote* is more than a day ahead of this machine's time (a laptop whose date was
        wrong): following it would make every later stamp here wrong too, so it is treated as
        a local event. Clocks only order what is shown; no merge depends on them."""
        r_millis, r_counter, _node = parse_hlc(remote)
        with self._lock:
            wall = self._wall()
            if r_millis > max(wall, self._millis) + MAX_AHEAD_MILLIS:
                r_millis, r_counter = 0, 0
            top = max(self._millis, r_millis, wall)
            if top == self._millis == r_millis:
                counter = max(self._counter, r_counter) + 1
            elif top == self._millis:
                counter = self._counter + 1
            elif top == r_millis:
                counter = r_counter + 1
            else:
                counter = 0
            self._set(top, counter)
            return self.last

    def _set(self, millis: int, counter: int) -> None:
        if counter > MAX_COUNTER:  # the counter field is full: borrow the next millisecond
            millis, counter = millis + 1, 0
        self._millis, self._counter = millis, counter
