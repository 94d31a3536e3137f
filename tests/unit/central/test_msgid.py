"""Msgids: the documented layout, the slot partition, and never a repeat."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from platform_fakes import FIXMEDINS, MemoryCounter

from offline_store.sequence import SqliteMsgidCounter
from terminal.central.errors import MsgidSpaceExhausted
from terminal.central.msgid import MsgidAllocator, MsgidCounter

NOON = datetime(2026, 11, 23, 12, 0, 0, 250_000)


class FakeTime:
    def __init__(self, start: datetime) -> None:
        self.now = start
        self.slept = 0.0

    def clock(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += timedelta(seconds=seconds)


def allocator(counter: MsgidCounter, time: FakeTime, slot: int = 3, k: int = 1) -> MsgidAllocator:
    return MsgidAllocator(FIXMEDINS, slot, k, counter, time.clock, sleep=time.sleep)


def test_layout_is_code_second_slot_counter() -> None:
    msgid = allocator(MemoryCounter(), FakeTime(NOON)).next()
    assert msgid == FIXMEDINS + "20261123120000" + "3" + "000"
    assert len(msgid) == 30


def test_slot_digits_take_their_share_of_the_sequence() -> None:
    make = allocator(MemoryCounter(), FakeTime(NOON), slot=42, k=2)
    assert [make.next()[-4:] for _ in range(3)] == ["4200", "4201", "4202"]


def test_two_slots_of_one_institution_never_collide() -> None:
    time = FakeTime(NOON)
    a = allocator(MemoryCounter(), time, slot=1)
    b = allocator(MemoryCounter(), time, slot=2)
    ids = [a.next() for _ in range(500)] + [b.next() for _ in range(500)]
    assert len(set(ids)) == 1000


def test_an_exhausted_second_waits_for_the_next_one() -> None:
    time = FakeTime(NOON)
    make = allocator(MemoryCounter(), time, k=3)  # one counter digit: 10 per second
    ids = [make.next() for _ in range(11)]
    assert len(set(ids)) == 11
    assert ids[10] == FIXMEDINS + "20261123120001" + "003" + "0"
    assert 0.7 < time.slept < 0.8


def test_a_clock_stepping_back_never_repeats_a_msgid(tmp_path: Path) -> None:
    time = FakeTime(NOON)
    make = allocator(SqliteMsgidCounter(tmp_path / "seq.db"), time)
    first = [make.next() for _ in range(5)]
    time.now = NOON - timedelta(hours=1)
    later = [make.next() for _ in range(5)]
    assert len(set(first + later)) == 10


def test_the_sqlite_counter_survives_a_restart(tmp_path: Path) -> None:
    time = FakeTime(NOON)
    before = allocator(SqliteMsgidCounter(tmp_path / "seq.db"), time).next()
    after = allocator(SqliteMsgidCounter(tmp_path / "seq.db"), time).next()
    assert before != after


def test_a_clock_stuck_behind_an_exhausted_second_is_a_typed_error() -> None:
    time = FakeTime(NOON)
    counter = MemoryCounter()
    counter.second, counter.value = "20261123130000", 999
    make = MsgidAllocator(FIXMEDINS, 3, 1, counter, time.clock, sleep=time.sleep, max_wait=2)
    with pytest.raises(MsgidSpaceExhausted):
        make.next()


@pytest.mark.parametrize(("slot", "k"), [(10, 1), (-1, 1), (0, 4), (1, 0)])
def test_a_slot_outside_its_digits_is_refused(slot: int, k: int) -> None:
    with pytest.raises(ValueError):
        MsgidAllocator(FIXMEDINS, slot, k, MemoryCounter())


@given(
    steps=st.lists(st.integers(min_value=-5_000, max_value=3_000), min_size=1, max_size=60),
    k=st.integers(min_value=0, max_value=3),
)
def test_msgids_never_repeat_whatever_the_clock_does(steps: list[int], k: int) -> None:
    time = FakeTime(NOON)
    make = allocator(MemoryCounter(), time, slot=0, k=k)
    made = []
    for step in steps:
        time.now += timedelta(milliseconds=step)
        try:
            msgid = make.next()
        except MsgidSpaceExhausted:
            continue  # a used-up second with the clock stuck behind it: refused, not reused
        assert len(msgid) == 30 and msgid[12:].isdigit()
        made.append(msgid)
    assert len(set(made)) == len(made)
