"""Several processes allocating from one counter file never get the same msgid tail."""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from pathlib import Path

from offline_store.sequence import SqliteMsgidCounter

PER_PROCESS = 80
PROCESSES = 4


def _allocate_many(path: str, seconds: list[str], out: multiprocessing.Queue) -> None:
    counter = SqliteMsgidCounter(Path(path))
    out.put([counter.allocate(second, 3) for second in seconds])


def test_processes_with_jumping_clocks_never_repeat_a_msgid(tmp_path: Path) -> None:
    path = tmp_path / "seq.db"
    SqliteMsgidCounter(path)  # create the file before the race
    # each process's clock wanders over three seconds, some steps going backwards
    clocks = [
        [f"2026112312000{(i * (p + 1) // 7) % 3}" for i in range(PER_PROCESS)]
        for p in range(PROCESSES)
    ]
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_allocate_many, args=(str(path), c, out)) for c in clocks]
    for proc in procs:
        proc.start()
    per_process = [out.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    handed_out = [item for got in per_process for item in got]
    assert len(handed_out) == PER_PROCESS * PROCESSES
    assert len(set(handed_out)) == len(handed_out)
    # each process sees seconds that never go backwards, whatever its own clock did
    for got in per_process:
        seconds = [second for second, _ in got]
        assert seconds == sorted(seconds)
    # and every second's values are dense from 0: nothing was skipped or handed out twice
    by_second: dict[str, list[int]] = defaultdict(list)
    for second, value in handed_out:
        by_second[second].append(value)
    for values in by_second.values():
        assert sorted(values) == list(range(len(values)))
