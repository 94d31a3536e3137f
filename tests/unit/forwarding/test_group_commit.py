"""Acknowledgements of chains that finish together share one durable commit."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from forward_journal import msgid, queue

from kernel.states import RequestStatus
from offline_store.errors import LeaseLostError
from offline_store.forwarder import _GroupCommit
from offline_store.journal import Journal
from offline_store.outbox import Claim, Outbox


class CountingOutbox:
    """The real outbox, its batches counted; the first batch is slow so others pile up."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.batches: list[int] = []

    def ack_many(self, answered: Sequence[tuple[Claim, Mapping[str, Any]]]) -> list[Claim]:
        self.batches.append(len(answered))
        if len(self.batches) == 1:
            time.sleep(0.2)
        return self.outbox.ack_many(answered)


def test_chains_answering_together_are_acknowledged_in_one_commit(journal: Journal) -> None:
    for n in range(8):
        queue(journal, f"P{n}", ("1101", msgid(n)))
    claims = journal.outbox.claim(limit=8)
    counting = CountingOutbox(journal.outbox)
    group = _GroupCommit(counting)  # type: ignore[arg-type]
    first = threading.Thread(target=group.ack, args=(claims[0], {"n": 0}))
    first.start()
    time.sleep(0.05)  # the first leader is now writing
    rest = [threading.Thread(target=group.ack, args=(c, {"n": 1})) for c in claims[1:]]
    for thread in rest:
        thread.start()
    for thread in (first, *rest):
        thread.join(5)

    assert counting.batches == [1, 7]
    assert all(journal.request(c.msgid).status is RequestStatus.SUCCEEDED for c in claims)


def test_a_lost_lease_fails_only_its_own_acknowledgement(journal: Journal) -> None:
    queue(journal, "A", ("1101", msgid(1)))
    queue(journal, "B", ("1101", msgid(2)))
    stale = journal.outbox.claim(limit=1, lease=0.0)[0]
    journal.outbox.claim(limit=2)  # the expired one is taken over, with the other
    group = _GroupCommit(journal.outbox)

    with pytest.raises(LeaseLostError):
        group.ack(stale, {})
    assert journal.request(stale.msgid).status is RequestStatus.SENT
