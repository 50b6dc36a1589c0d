"""The hybrid logical clock, with a fake wall clock, and its persistence across restarts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldsurvey.core.store import HLC, open_store, parse_hlc
from fieldsurvey.core.store.hlc import MAX_COUNTER, format_hlc


class FakeWall:
    def __init__(self, millis: int) -> None:
        self.millis = millis

    def __call__(self) -> int:
        return self.millis


def key(stamp: str) -> tuple[int, int]:
    millis, counter, _ = parse_hlc(stamp)
    return millis, counter


def test_follows_the_wall_clock_and_counts_within_a_millisecond() -> None:
    wall = FakeWall(1_000)
    clock = HLC("node-a", wall=wall)
    assert clock.now() == "000000000001000-00000-node-a"
    assert clock.now() == "000000000001000-00001-node-a"
    wall.millis = 1_005
    assert clock.now() == "000000000001005-00000-node-a"


def test_never_goes_backwards_when_the_wall_clock_does() -> None:
    wall = FakeWall(5_000)
    clock = HLC("a", wall=wall)
    first = clock.now()
    wall.millis = 1_000  # the laptop's clock was set back an hour
    second, third = clock.now(), clock.now()
    assert first < second < third
    assert key(second) == (5_000, 1) and key(third) == (5_000, 2)
    wall.millis = 6_000
    assert key(clock.now()) == (6_000, 0)


def test_update_jumps_past_a_remote_clock_ahead_of_ours() -> None:
    wall = FakeWall(1_000)
    clock = HLC("a", wall=wall)
    clock.now()
    remote = format_hlc(9_000, 7, "b")
    assert key(clock.update(remote)) == (9_000, 8)
    assert key(clock.now()) == (9_000, 9)  # wall is still behind: keep counting
    assert key(clock.update(format_hlc(2_000, 0, "c"))) == (9_000, 10)  # a remote behind us
    wall.millis = 20_000
    assert key(clock.update(format_hlc(9_000, 99, "b"))) == (20_000, 0)


def test_update_with_equal_millis_takes_the_larger_counter() -> None:
    clock = HLC("a", wall=FakeWall(0), last=format_hlc(3_000, 4, "a"))
    assert key(clock.update(format_hlc(3_000, 10, "b"))) == (3_000, 11)


def test_a_full_counter_borrows_the_next_millisecond() -> None:
    clock = HLC("a", wall=FakeWall(10), last=format_hlc(10, MAX_COUNTER, "a"))
    assert key(clock.now()) == (11, 0)


def test_last_restores_a_clock() -> None:
    clock = HLC("a", wall=FakeWall(0), last=format_hlc(50, 3, "z"))
    assert key(clock.now()) == (50, 4)
    assert clock.last.endswith("-a")


@pytest.mark.parametrize(
    "bad", ["", "12-3-a", "000000000000001-00000-", "00000000000000x-00000-a", "nonsense"]
)
def test_malformed_stamps_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_hlc(bad)
    with pytest.raises(ValueError):
        HLC("a").update(bad)


def test_node_ids_may_contain_dashes() -> None:
    assert parse_hlc(format_hlc(1, 2, "5d0f7f8e-24d8-4f3e")) == (1, 2, "5d0f7f8e-24d8-4f3e")


_events = st.lists(
    st.one_of(
        st.tuples(st.just("tick"), st.integers(0, 10**6)),
        st.tuples(st.just("recv"), st.integers(0, 10**6), st.integers(0, 500)),
    ),
    min_size=1,
    max_size=60,
)


@given(events=_events)
def test_stamps_strictly_increase_and_text_order_is_clock_order(events) -> None:
    wall = FakeWall(0)
    clock = HLC("n", wall=wall)
    issued: list[str] = []
    for event in events:
        wall.millis = event[1]
        if event[0] == "tick":
            issued.append(clock.now())
        else:
            remote = format_hlc(event[1], event[2], "r")
            issued.append(clock.update(remote))
            assert key(issued[-1]) > key(remote)
    assert [key(s) for s in issued] == sorted({key(s) for s in issued})
    assert issued == sorted(issued)


def test_store_clock_never_goes_back_across_a_restart(database: Path | str) -> None:
    with open_store(database) as store:
        future = format_hlc(key(store.hlc_now())[0] + 10 * 86_400_000, 0, "remote")
        received = store.hlc_update(future)
    with open_store(database) as store:
        after = store.hlc_now()
        assert key(after) > key(received)
        assert after.endswith(store.device_id)


def test_a_stamp_far_ahead_is_not_followed() -> None:
    """A package from a laptop whose date was years ahead must not drag this clock along."""
    wall = [1_780_000_000_000]
    clock = HLC("here", wall=lambda: wall[0])
    far = format_hlc(wall[0] + 5 * 365 * 24 * 3600 * 1000, 0, "wrong-date-laptop")
    stamp = clock.update(far)
    assert parse_hlc(stamp)[0] == wall[0]
    near = format_hlc(wall[0] + 3600 * 1000, 7, "slightly-ahead")
    assert clock.update(near) > near  # an hour ahead is followed, as clocks drift
