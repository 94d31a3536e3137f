"""The msgid counter: monotonic across clock steps, refuses to wrap, survives a restart."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kernel.errors import MedtermError
from offline_store.sequence import SequenceExhausted, SqliteMsgidCounter


def test_counts_from_zero_within_one_second(tmp_path: Path) -> None:
    counter = SqliteMsgidCounter(tmp_path / "seq.db")
    got = [counter.allocate("20261123120000", 3) for _ in range(3)]
    assert got == [("20261123120000", 0), ("20261123120000", 1), ("20261123120000", 2)]


def test_new_second_restarts_at_zero(tmp_path: Path) -> None:
    counter = SqliteMsgidCounter(tmp_path / "seq.db")
    counter.allocate("20261123120000", 3)
    counter.allocate("20261123120000", 3)
    assert counter.allocate("20261123120001", 3) == ("20261123120001", 0)


def test_clock_stepping_back_keeps_the_later_second(tmp_path: Path) -> None:
    counter = SqliteMsgidCounter(tmp_path / "seq.db")
    counter.allocate("20261123120005", 3)
    assert counter.allocate("20261123120001", 3) == ("20261123120005", 1)
    assert counter.allocate("20261123120005", 3) == ("20261123120005", 2)


def test_exhausted_second_raises_and_does_not_wrap(tmp_path: Path) -> None:
    counter = SqliteMsgidCounter(tmp_path / "seq.db")
    values = [counter.allocate("20261123120000", 1)[1] for _ in range(10)]
    assert values == list(range(10))
    with pytest.raises(SequenceExhausted) as caught:
        counter.allocate("20261123120000", 1)
    assert isinstance(caught.value, MedtermError)
    assert caught.value.code == "E501"
    # the refused call changed nothing: the next second still starts at 0
    assert counter.allocate("20261123120001", 1) == ("20261123120001", 0)


def test_value_survives_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "seq.db"
    SqliteMsgidCounter(path).allocate("20261123120000", 3)
    assert SqliteMsgidCounter(path).allocate("20261123120000", 3) == ("20261123120000", 1)


@pytest.mark.parametrize("second", ["2026112312000", "2026-11-23 12:", "202611231200000"])
def test_malformed_second_is_refused(tmp_path: Path, second: str) -> None:
    with pytest.raises(ValueError):
        SqliteMsgidCounter(tmp_path / "seq.db").allocate(second, 3)


def test_threads_never_share_a_value(tmp_path: Path) -> None:
    counter = SqliteMsgidCounter(tmp_path / "seq.db")
    results: list[tuple[str, int]] = []
    lock = threading.Lock()

    def work() -> None:
        mine = [counter.allocate("20261123120000", 4) for _ in range(50)]
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [("20261123120000", v) for v in range(400)]


def test_allocator_waits_for_the_next_second_on_our_exhaustion(tmp_path: Path) -> None:
    from datetime import datetime, timedelta

    from terminal.central.msgid import MsgidAllocator

    now = [datetime(2026, 11, 23, 12, 0, 0)]

    def sleep(seconds: float) -> None:
        now[0] += timedelta(seconds=seconds)

    counter = SqliteMsgidCounter(tmp_path / "seq.db")
    allocator = MsgidAllocator(
        "H44030300001", slot=7, slot_digits=3, counter=counter, clock=lambda: now[0], sleep=sleep
    )
    ids = [allocator.next() for _ in range(11)]
    assert ids[9] == "H44030300001" + "20261123120000" + "007" + "9"
    assert ids[10] == "H44030300001" + "20261123120001" + "007" + "0"
