"""The circuit breaker and outcome handling of the forwarder, with a scripted sender."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from forward_journal import msgid, queue

from offline_store.forwarder import BreakerState, Forwarder, SendOutcome
from offline_store.journal import Journal
from offline_store.outbox import Claim
from terminal.cli.queue import queue_status


class ScriptedSender:
    """Answers every send with `outcome` (changeable) and probes with `reachable`."""

    def __init__(self, outcome: SendOutcome) -> None:
        self.outcome = outcome
        self.reachable = False
        self.probes = 0
        self.lock = threading.Lock()

    def send(self, body: Mapping[str, Any]) -> SendOutcome:
        return self.outcome

    def probe(self) -> bool:
        with self.lock:
            self.probes += 1
        return self.reachable

    def reverse(self, body: Mapping[str, Any]) -> SendOutcome:
        return SendOutcome.succeeded({})


class Hooks:
    def __init__(self) -> None:
        self.succeeded: list[str] = []
        self.dead: list[str] = []

    def body_to_send(self, claim: Claim) -> Mapping[str, Any]:
        return claim.body

    def on_succeeded(self, claim: Claim, response: Mapping[str, Any]) -> None:
        self.succeeded.append(claim.msgid)

    def on_dead_letter(self, claim: Claim, message: str) -> None:
        self.dead.append(claim.msgid)


def test_consecutive_unknown_outcomes_open_the_breaker_and_stop_sending(journal: Journal) -> None:
    for n in range(6):
        queue(journal, f"P{n}", ("1101", msgid(n)))
    sender = ScriptedSender(SendOutcome.unknown("timeout"))
    forwarder = Forwarder(
        journal,
        sender,
        Hooks(),
        chains=1,
        base_delay=0.001,
        max_delay=0.001,
        breaker_threshold=3,
        probe_interval=0.05,
    )

    result = forwarder.drain(timeout=0.5)

    assert forwarder.state is BreakerState.OPEN
    assert result.retries == 3, "after the third failure nothing more was sent"
    assert sender.probes >= 2
    assert result.remaining == 6
    assert queue_status(journal)["breaker"] == "open", "recorded for `medterm queue status`"


def test_a_successful_probe_closes_the_breaker_and_forwarding_resumes(journal: Journal) -> None:
    queue(journal, "A", ("1101", msgid(1)), ("2102", msgid(2)))
    sender = ScriptedSender(SendOutcome.not_sent("connection refused"))
    hooks = Hooks()
    forwarder = Forwarder(
        journal,
        sender,
        hooks,
        chains=2,
        base_delay=0.001,
        max_delay=0.001,
        breaker_threshold=1,
        probe_interval=0.05,
    )
    forwarder.drain(timeout=0.2)
    assert forwarder.state is BreakerState.OPEN

    sender.reachable = True
    sender.outcome = SendOutcome.succeeded({"ok": "1"})
    result = forwarder.drain(timeout=5)

    assert forwarder.state is BreakerState.CLOSED
    assert (result.succeeded, result.remaining) == (2, 0)
    assert hooks.succeeded == [msgid(1), msgid(2)]


def test_a_refusal_is_a_dead_letter_and_does_not_count_against_the_link(journal: Journal) -> None:
    for n in range(4):
        queue(journal, f"P{n}", ("2102", msgid(n)))
    hooks = Hooks()
    forwarder = Forwarder(
        journal, ScriptedSender(SendOutcome.refused("结算金额不符")), hooks, breaker_threshold=2
    )

    result = forwarder.drain(timeout=5)

    assert (result.dead, result.remaining) == (4, 0)
    assert forwarder.state is BreakerState.CLOSED
    assert sorted(hooks.dead) == [msgid(n) for n in range(4)]
    assert {d.message for d in journal.outbox.dead_letters()} == {"结算金额不符"}


def test_a_body_that_cannot_be_built_becomes_a_dead_letter(journal: Journal) -> None:
    queue(journal, "A", ("2102", msgid(1)))

    class Unresolvable(Hooks):
        def body_to_send(self, claim: Claim) -> Mapping[str, Any]:
            raise KeyError("1101:baseinfo.psn_no")

    result = Forwarder(journal, ScriptedSender(SendOutcome.succeeded({})), Unresolvable()).drain(5)

    assert result.dead == 1
    (dead,) = journal.outbox.dead_letters()
    assert "could not be built" in dead.message


def test_a_refused_sign_in_stops_the_drain_at_once_and_keeps_every_request(
    journal: Journal,
) -> None:
    for n in range(4):
        queue(journal, f"P{n}", ("2102", msgid(n)))
    hooks = Hooks()
    sender = ScriptedSender(SendOutcome.stopped("定点机构编码未知"))
    forwarder = Forwarder(journal, sender, hooks, chains=1, base_delay=60.0, max_delay=60.0)

    result = forwarder.drain(timeout=30)

    assert result.elapsed < 5, "the drain ends with the refusal, not at its timeout"
    assert result.stopped == "定点机构编码未知"
    assert (result.dead, result.retries, result.remaining) == (0, 0, 4)
    assert forwarder.state is BreakerState.STOPPED and hooks.dead == []
    assert journal.outbox.claim(limit=4), "the refused request is due again, not backed off"


def test_a_stopped_forwarder_probes_and_resumes_only_on_a_successful_sign_in(
    journal: Journal,
) -> None:
    queue(journal, "A", ("1101", msgid(1)))
    sender = ScriptedSender(SendOutcome.stopped("定点机构编码未知"))
    forwarder = Forwarder(journal, sender, Hooks(), chains=1, probe_interval=0.02)
    forwarder.drain(timeout=5)
    forwarder.start()
    try:
        deadline = time.monotonic() + 5
        while sender.probes < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sender.probes >= 2
        assert forwarder.state in (BreakerState.STOPPED, BreakerState.HALF_OPEN), "never open"
        sender.outcome = SendOutcome.succeeded({"ok": "1"})
        sender.reachable = True
        while journal.outbox.status().pending and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        forwarder.stop()
    assert forwarder.state is BreakerState.CLOSED
    assert journal.outbox.status().pending == 0
