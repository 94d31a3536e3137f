"""The forwarder against the real simulator process: exactly once, in order, through faults."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any

from offline_store.forwarder import BreakerState, Forwarder, SendOutcome
from simulators.central.queued_purchases import (
    PEOPLE,
    QueuingTerminal,
    RecordingHooks,
    settled_msgids,
)
from simulators.central.testing import RunningSimulator
from terminal.flows.forwarding import PlatformSender, build_forwarder


def forwarder(terminal: QueuingTerminal, hooks: RecordingHooks, **tuning: Any) -> Forwarder:
    tuning.setdefault("base_delay", 0.01)
    tuning.setdefault("max_delay", 0.2)
    return build_forwarder(terminal.config, terminal.journal, terminal.client, hooks, **tuning)


def settlements(sim: RunningSimulator) -> list[dict[str, Any]]:
    return list(sim.control("GET", "/_sim/settlements")["settlements"])


def test_drain_forwards_every_queued_request_once(
    sim: RunningSimulator, terminal: QueuingTerminal
) -> None:
    queued = [terminal.queue_purchase(PEOPLE[i % 6]) for i in range(12)]
    hooks = RecordingHooks()

    result = forwarder(terminal, hooks).drain(timeout=60)

    assert (result.succeeded, result.dead, result.remaining) == (24, 0, 0)
    expected = sorted(msgids[1] for _, msgids in queued)
    assert sorted(settled_msgids(settlements(sim))) == expected
    assert terminal.journal.outbox.status().pending == 0


def test_faults_on_every_path_still_settle_each_purchase_exactly_once(
    sim: RunningSimulator, terminal: QueuingTerminal
) -> None:
    queued = [terminal.queue_purchase(PEOPLE[i % 8]) for i in range(16)]
    rules = [
        {"infno": "*", "mode": "http_503", "probability": 0.15},
        {"infno": "*", "mode": "reset_before", "probability": 0.15},
        {"infno": "2102", "mode": "drop_after_commit", "probability": 0.3},
        {"infno": "2102", "mode": "infcode_minus1", "probability": 0.2},
        {"infno": "2102", "mode": "garbage_body", "probability": 0.1},
    ]
    sim.control("POST", "/_sim/faults", {"rules": rules})

    result = forwarder(terminal, RecordingHooks(), breaker_threshold=1000).drain(timeout=120)

    assert (result.succeeded, result.dead, result.remaining) == (32, 0, 0)
    assert result.retries > 0, "the faults never fired"
    held = Counter(s["msgid"] for s in settlements(sim))
    assert sorted(held) == sorted(msgids[1] for _, msgids in queued)
    assert set(held.values()) == {1}


def test_refusal_becomes_a_dead_letter_and_holds_back_only_that_person(
    sim: RunningSimulator, terminal: QueuingTerminal
) -> None:
    _, refused = terminal.queue_purchase(PEOPLE[0], medfee_sumamt="999.99")
    _, behind = terminal.queue_purchase(PEOPLE[0])
    _, other = terminal.queue_purchase(PEOPLE[1])
    hooks = RecordingHooks()

    result = forwarder(terminal, hooks).drain(timeout=60)

    assert (result.succeeded, result.dead, result.remaining) == (3, 1, 2)
    assert [msgid for msgid, _ in hooks.dead] == [refused[1]]
    assert hooks.dead[0][1], "the platform's message is kept for the technician"
    dead = terminal.journal.outbox.dead_letters()
    assert [d.msgid for d in dead] == [refused[1]]
    assert settled_msgids(settlements(sim)) == [other[1]]
    assert {item.msgid for item in terminal.journal.outbox.items()} == set(behind)


class _ConcurrencyProbe:
    """A RequestSender wrapper that records how many sends overlap, and per-person order."""

    def __init__(self, inner: PlatformSender) -> None:
        self.inner = inner
        self.lock = threading.Lock()
        self.active = 0
        self.most = 0
        self.order: list[str] = []

    def send(self, body: Mapping[str, Any]) -> SendOutcome:
        with self.lock:
            self.active += 1
            self.most = max(self.most, self.active)
            self.order.append(str(body["msgid"]))
        try:
            return self.inner.send(body)
        finally:
            with self.lock:
                self.active -= 1

    def probe(self) -> bool:
        return self.inner.probe()

    def reverse(self, body: Mapping[str, Any]) -> SendOutcome:
        return self.inner.reverse(body)


def test_each_persons_order_is_kept_while_people_go_in_parallel(
    sim: RunningSimulator, terminal: QueuingTerminal
) -> None:
    per_person: dict[str, list[str]] = {}
    for round_ in range(3):
        for person in PEOPLE[:6]:
            _, msgids = terminal.queue_purchase(person)
            per_person.setdefault(person[0], []).extend(msgids)
        del round_
    sim.control("POST", "/_sim/faults", {"rules": [{"mode": "delay", "ms": 40, "probability": 1}]})
    probe = _ConcurrencyProbe(PlatformSender(terminal.client))
    hooks = RecordingHooks()

    result = Forwarder(terminal.journal, probe, hooks, chains=6, base_delay=0.01).drain(60)

    assert result.succeeded == 36
    assert probe.most > 1, "no two people were forwarded in parallel"
    for msgids in per_person.values():
        sent = [m for m in probe.order if m in set(msgids)]
        assert sent == msgids


def wait_for(condition: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


def test_breaker_opens_when_offline_and_closes_after_a_probe_succeeds(
    sim: RunningSimulator, terminal: QueuingTerminal
) -> None:
    sim.control("POST", "/_sim/faults", {"rules": [{"mode": "offline", "probability": 1}]})
    for person in PEOPLE[:4]:
        terminal.queue_purchase(person)
    running = forwarder(terminal, RecordingHooks(), breaker_threshold=3, probe_interval=0.2)
    running.start()
    try:
        running.wake()
        wait_for(lambda: running.state is BreakerState.OPEN)
        time.sleep(0.6)  # a few failed probes later it is still open (half open mid-probe)
        assert running.state in (BreakerState.OPEN, BreakerState.HALF_OPEN)
        assert terminal.journal.outbox.status().pending == 8
        sim.control("DELETE", "/_sim/faults")
        wait_for(lambda: running.state is BreakerState.CLOSED)
        wait_for(lambda: terminal.journal.outbox.status().pending == 0)
    finally:
        running.stop()
    assert len(settled_msgids(settlements(sim))) == 4


def test_reverse_strategy_undoes_an_unknown_settlement_then_settles_under_a_new_msgid(
    sim: RunningSimulator, terminal: QueuingTerminal
) -> None:
    tx_id, (_, original) = terminal.queue_purchase(PEOPLE[0])
    sim.control(
        "POST", "/_sim/faults", {"rules": [{"infno": "2102", "mode": "infcode_minus1", "count": 1}]}
    )

    result = forwarder(terminal, RecordingHooks(), unknown_outcome="reverse").drain(timeout=60)

    assert (result.succeeded, result.dead, result.remaining) == (2, 0, 0)
    held = {s["msgid"]: s["state"] for s in settlements(sim)}
    assert held.pop(original) == "reversed"
    (resent,) = held
    assert held[resent] == "settled" and resent != original
    requests = {r.msgid: r for r in terminal.journal.requests_of(tx_id)}
    assert requests[original].status == "failed"
    assert requests[resent].status == "succeeded"
    assert requests[resent].body["msgid"] == resent
