"""Timing helpers: medians over repeated runs, and ratios against a floor timed in the same run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], *, repeat: int = 30, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired_medians(
    fn: Callable[[], object], floor: Callable[[], object], *, repeat: int = 30, warmup: int = 3
) -> tuple[float, float]:
    """Medians of *fn* and *floor*, timed alternately. Where the disk's fsync time drifts from
    second to second, timing one after the other would compare different disks."""
    for _ in range(warmup):
        fn()
        floor()
    mine, base = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        floor()
        middle = time.perf_counter()
        fn()
        base.append(middle - start)
        mine.append(time.perf_counter() - middle)
    return statistics.median(mine), statistics.median(base)


def report(name: str, seconds: float, floor: float, floor_name: str, target: str = "") -> None:
    ratio = seconds / floor if floor > 0 else float("inf")
    extra = f"  target: {target}" if target else ""
    print(
        f"{name:<46} median {seconds * 1000:9.3f} ms   {ratio:7.2f}x {floor_name} ({floor * 1000:.3f} ms){extra}"
    )
