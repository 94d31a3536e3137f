"""The forwarder: drains the outbox to the platform, exactly once per request (offline.md,
"Forwarding").

What it promises:

- **Order per person, parallel across people.** The outbox hands out only each person's oldest
  request (its head) and promotes the next one on acknowledgement, so a worker pool of `chains`
  threads never has two requests of one person in flight; different people's go in parallel.
- **The same msgid on every retry.** An unknown outcome (`-1`, timeout, reset, a broken answer)
  is retried with the identical body and msgid after a back-off; the platform deduplicates.
  With the `reverse` strategy, an unknown outcome of a reversible request (2207, 2208, 2102,
  2103) is undone by 2601 first, and only once the reversal succeeded is the request sent again
  under a new msgid, written to the journal before it is sent.
- **Exponential back-off with full jitter** between attempts of one request:
  `uniform(0, min(max_delay, base_delay * 2**(attempt - 1)))` (see `full_jitter_delay`).
- **A circuit breaker**: after `breaker_threshold` consecutive unknown/not-sent outcomes the
  forwarder stops sending (`open`), probes with 9001 every `probe_interval` (`half_open` while
  the probe runs) and resumes (`closed`) on a successful probe.
- **A refused terminal stops at once**: when the platform refuses the terminal's own sign-in
  (`stopped` outcome), the request goes back to the queue unsent, nothing is dead-lettered,
  and the forwarder stops sending (`stopped`): a drain ends there and reports the reason, a
  background forwarder probes as when open, and only a successful sign-in resumes it.
  Retrying a refused sign-in every few seconds, forever and silently, is what it must not do.
- **Group commit**: acknowledgements of chains that finish together share one durable commit
  (`Outbox.ack_many`), so the disk flush per answer does not serialise the chains.
- **Never blocks anyone**: `start()` runs it on its own threads, `wake()` tells it a new
  request was queued; `drain(timeout)` runs it in the caller's thread for the command line.

The forwarder knows neither the wire format nor the platform client: it talks to a
`RequestSender` and to `ForwardHooks` (the flows resolve placeholders and react to a landed
settlement), both Protocols defined here, so `offline_store` stays below `terminal`.

Log lines carry msgid, infno and the outcome's kind, never a body, a response or the platform's
refusal text (which may name the patient).
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from kernel.errors import MedtermError
from kernel.events import LinkChange, LinkState
from kernel.observers import Observers
from kernel.protocol import REVERSIBLE_INFNOS, UnknownOutcome
from kernel.states import RequestStatus
from offline_store.errors import LeaseLostError
from offline_store.journal import Journal
from offline_store.outbox import Claim, Outbox
from offline_store.ownership import ForwarderLock

log = logging.getLogger("offline_store.forwarder")

# infnos 2601 can undo (central-api.md); kept here so offline_store need not import the client
BREAKER_META_KEY = "forwarder_breaker"


class OutcomeKind(StrEnum):
    SUCCEEDED = "succeeded"  # infcode 0
    REFUSED = "refused"  # infcode -2: nothing was done; a dead letter
    UNKNOWN = "unknown"  # -1, timeout, reset, garbage: may have executed; resend same msgid
    NOT_SENT = "not_sent"  # the connection never opened: resending is always safe
    STOPPED = "stopped"  # the platform refused the terminal itself (its sign-in): not sent


@dataclass(frozen=True)
class SendOutcome:
    """What one attempt came to. Build with the class methods; `response` only on success."""

    kind: OutcomeKind
    message: str = ""
    response: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def succeeded(cls, response: Mapping[str, Any]) -> SendOutcome:
        return cls(OutcomeKind.SUCCEEDED, response=response)

    @classmethod
    def refused(cls, message: str) -> SendOutcome:
        return cls(OutcomeKind.REFUSED, message)

    @classmethod
    def unknown(cls, message: str) -> SendOutcome:
        return cls(OutcomeKind.UNKNOWN, message)

    @classmethod
    def not_sent(cls, message: str) -> SendOutcome:
        return cls(OutcomeKind.NOT_SENT, message)

    @classmethod
    def stopped(cls, message: str) -> SendOutcome:
        return cls(OutcomeKind.STOPPED, message)


class RequestSender(Protocol):
    """Sends journalled request bodies to the platform (terminal.flows.forwarding)."""

    def send(self, body: Mapping[str, Any]) -> SendOutcome:
        """Send (or resend) the request `body` describes, with its own msgid."""
        ...

    def probe(self) -> bool:
        """Is the platform answering (a 9001 sign-in)?"""
        ...

    def reverse(self, body: Mapping[str, Any]) -> SendOutcome:
        """Send 2601 for the request `body` describes (its msgid and infno)."""
        ...


class ForwardHooks(Protocol):
    """What the flows do around a forwarded request (terminal.flows.offline_chain)."""

    def body_to_send(self, claim: Claim) -> Mapping[str, Any]:
        """The final body: placeholders resolved from the transaction's earlier responses."""
        ...

    def on_succeeded(self, claim: Claim, response: Mapping[str, Any]) -> None:
        """Called after `outbox.ack` (e.g. a settlement landed); must be idempotent."""
        ...

    def on_dead_letter(self, claim: Claim, message: str) -> None:
        """Called after the request became a dead letter."""
        ...


class BreakerState(StrEnum):
    CLOSED = "closed"  # sending
    OPEN = "open"  # the platform looks unreachable: not sending, probing now and then
    HALF_OPEN = "half_open"  # a probe is under way
    STOPPED = "stopped"  # the platform refuses this terminal's sign-in: not sending, probing


LINK_STATES = {
    BreakerState.CLOSED: LinkState.ONLINE,
    BreakerState.OPEN: LinkState.OFFLINE,
    BreakerState.HALF_OPEN: LinkState.PROBING,
}


class ForwarderConfigError(MedtermError, ValueError):
    code = "E701"
    message_zh = "转发器参数无效"
    message_en = "invalid forwarder setting"
    action = "Correct the named forwarder setting (chains, delays, breaker) and restart."
    action_zh = "请改正提示的转发器配置项（链路数、延时、熔断器），然后重启。"


def full_jitter_delay(
    attempt: int, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """The back-off before retry number `attempt` (1 = after the first failure).

    "Full jitter" (AWS architecture blog, 2015): uniform over [0, min(cap, base * 2**(n-1))],
    so many terminals (or chains) that failed together do not retry together. Computed here
    rather than with tenacity's `wait_random_exponential`, which draws from the global `random`
    module (no seeded generator for tests) and expects a `RetryCallState` of an in-process
    retry loop, whereas our attempt count lives in the outbox and survives restarts.
    """
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    ceiling = cap if attempt > 64 else min(cap, base * 2 ** (attempt - 1))
    return (rng or random).uniform(0.0, ceiling)


@dataclass(frozen=True)
class DrainResult:
    """Counts of one `drain`: requests acknowledged, dead-lettered, and still queued after;
    `stopped` is the platform's refusal when the drain ended because it refused the sign-in."""

    succeeded: int
    dead: int
    remaining: int
    retries: int
    elapsed: float
    stopped: str = ""


class _Breaker:
    """Counts consecutive failures; thread-safe. Changes are reported to `on_change`."""

    def __init__(
        self,
        threshold: int,
        probe_interval: float,
        clock: Callable[[], float],
        on_change: Callable[[BreakerState], None],
    ) -> None:
        self._threshold = threshold
        self._interval = probe_interval
        self._clock = clock
        self._on_change = on_change
        self._lock = threading.Lock()
        self._failures = 0
        self.state = BreakerState.CLOSED
        self.next_probe_at = 0.0

    def success(self) -> None:
        with self._lock:
            self._failures = 0

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self.state is not BreakerState.CLOSED or self._failures < self._threshold:
                return
            self.next_probe_at = self._clock() + self._interval
        self._set(BreakerState.OPEN)

    def halt(self) -> None:
        """The platform refused the terminal: stop now, whatever the count; probe later."""
        with self._lock:
            self._failures = 0
            self.next_probe_at = self._clock() + self._interval
        self._set(BreakerState.STOPPED)

    def probing(self) -> None:
        self._set(BreakerState.HALF_OPEN)

    def probed(self, ok: bool, *, otherwise: BreakerState = BreakerState.OPEN) -> None:
        """After a probe: closed if it answered, else `otherwise` (stopped stays stopped)."""
        with self._lock:
            self._failures = 0
            self.next_probe_at = self._clock() + self._interval
        self._set(BreakerState.CLOSED if ok else otherwise)

    def _set(self, state: BreakerState) -> None:
        with self._lock:
            changed, self.state = self.state is not state, state
        if changed:
            self._on_change(state)


class _GroupCommit:
    """Acknowledges answered claims in batches: one durable commit (one disk flush) for every
    chain that finished while the previous commit was being written.

    Leader-based: the first chain to arrive commits everything pending, its own included;
    chains arriving meanwhile wait and the next leader takes them all at once. Each caller
    returns only once its own acknowledgement is on disk (or its lease was found lost).
    """

    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox
        self._cond = threading.Condition()
        self._pending: list[_Ack] = []
        self._leading = False

    def ack(self, claim: Claim, response: Mapping[str, Any]) -> None:
        """Like `Outbox.ack` (raises `LeaseLostError` the same way), batched with others."""
        entry = _Ack(claim, response)
        with self._cond:
            self._pending.append(entry)
            while not entry.done:
                if self._leading:
                    self._cond.wait()
                    continue
                self._leading = True
                batch, self._pending = self._pending, []
                self._cond.release()
                try:
                    self._commit(batch)
                finally:
                    self._cond.acquire()
                    self._leading = False
                    self._cond.notify_all()
        if entry.error is not None:
            raise entry.error

    def _commit(self, batch: list[_Ack]) -> None:
        try:
            lost = {c.token for c in self._outbox.ack_many([(a.claim, a.response) for a in batch])}
        except BaseException as err:
            for entry in batch:
                entry.error, entry.done = err, True
            return
        for entry in batch:
            if entry.claim.token in lost:
                entry.error = LeaseLostError(f"{entry.claim.msgid}: lease lost before the ack")
            entry.done = True


@dataclass
class _Ack:
    claim: Claim
    response: Mapping[str, Any]
    done: bool = False
    error: BaseException | None = None


class Forwarder:
    """Forwards the journal's outbox through a `RequestSender`. One per journal."""

    def __init__(
        self,
        journal: Journal,
        sender: RequestSender,
        hooks: ForwardHooks,
        *,
        chains: int = 8,
        base_delay: float = 1.0,
        max_delay: float = 300.0,
        breaker_threshold: int = 5,
        probe_interval: float = 15.0,
        unknown_outcome: str = UnknownOutcome.RETRY_SAME_MSGID,
        new_msgid: Callable[[], str] | None = None,
        lease: float = 60.0,
        idle_poll: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        if chains < 1:
            raise ForwarderConfigError(f"chains must be >= 1, got {chains}")
        if not 0 < base_delay <= max_delay:
            raise ForwarderConfigError("need 0 < base_delay <= max_delay")
        if breaker_threshold < 1 or probe_interval <= 0 or lease <= 0:
            raise ForwarderConfigError("breaker_threshold, probe_interval and lease must be > 0")
        try:
            self._strategy = UnknownOutcome(unknown_outcome)
        except ValueError:
            raise ForwarderConfigError(f"unknown_outcome {unknown_outcome!r}") from None
        if self._strategy is UnknownOutcome.REVERSE and new_msgid is None:
            raise ForwarderConfigError("the reverse strategy needs new_msgid")
        self._journal = journal
        self._outbox = journal.outbox
        self._ownership = ForwarderLock(journal.database.path)
        self._acks = _GroupCommit(journal.outbox)
        self._sender = sender
        self._hooks = hooks
        self._chains = chains
        self._base = base_delay
        self._cap = max_delay
        self._new_msgid = new_msgid
        self._lease = lease
        self._idle_poll = idle_poll
        self._clock = clock
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self._breaker = _Breaker(breaker_threshold, probe_interval, clock, self._persist_state)
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._in_flight = 0
        self._counts = {"succeeded": 0, "dead": 0, "retries": 0}
        self._stopped_reason = ""
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._link: Observers[LinkChange] = Observers("forwarder")

    # -- public -------------------------------------------------------------------------------

    @property
    def state(self) -> BreakerState:
        """The breaker's state, for the status bar ("online" when closed)."""
        return self._breaker.state

    def subscribe(self, subscriber: Callable[[LinkChange], None]) -> Callable[[], None]:
        """Be told the link's state and the queue's depth when either changes (on the
        forwarder's threads). Returns the function that unsubscribes."""
        return self._link.subscribe(subscriber)

    def start(self) -> None:
        """Forward in the background until `stop()`; returns at once."""
        if self._thread is not None:
            return
        self._ownership.acquire()  # ForwarderBusy if another forwarder runs on this journal
        self._outbox.take_over()
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop, kwargs={"deadline": None}, name="forwarder", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop claiming, let the requests in flight finish (up to `timeout`), and return."""
        self._stop.set()
        self._changed.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
            self._ownership.release()

    def wake(self) -> None:
        """A request was queued: look at the outbox now rather than at the next poll."""
        self._changed.set()

    def drain(self, timeout: float) -> DrainResult:
        """Forward in the calling thread until nothing is left to send or `timeout` passes.

        Returns when no head is queued (dead letters block their persons; those requests count
        as remaining) and nothing is in flight, or at the deadline (requests in flight are
        finished first).
        """
        if self._thread is not None:
            raise RuntimeError("drain() while the forwarder runs in the background")
        started = time.monotonic()
        before = dict(self._counts)
        self._stop.clear()
        with ForwarderLock(self._journal.database.path):
            self._outbox.take_over()
            self._loop(deadline=started + timeout)
        return DrainResult(
            succeeded=self._counts["succeeded"] - before["succeeded"],
            dead=self._counts["dead"] - before["dead"],
            remaining=self._outbox.status().pending,
            retries=self._counts["retries"] - before["retries"],
            elapsed=time.monotonic() - started,
            stopped=self._stopped_reason if self.state is BreakerState.STOPPED else "",
        )

    # -- the loop -----------------------------------------------------------------------------

    def _loop(self, *, deadline: float | None) -> None:
        """Claim due heads into free workers; probe while the breaker is open."""
        with ThreadPoolExecutor(self._chains, thread_name_prefix="forward") as pool:
            while not self._stop.is_set():
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._changed.clear()
                wait = self._step(pool, draining=deadline is not None)
                if wait is None:
                    break
                if remaining is not None:
                    wait = min(wait, remaining)
                if wait > 0:
                    self._changed.wait(wait)
            # leaving the `with` waits for the requests in flight

    def _step(self, pool: ThreadPoolExecutor, *, draining: bool) -> float | None:
        """One round; how long to wait before the next, or None when a drain is done."""
        if self._breaker.state is BreakerState.STOPPED and draining:
            return None  # a refused terminal: the drain reports it rather than wait
        if self._breaker.state is not BreakerState.CLOSED:
            return self._maybe_probe()
        with self._lock:
            free = self._chains - self._in_flight
        claims: list[Claim] = []
        if free > 0:
            claims = self._outbox.claim(limit=free, lease=self._lease)
            with self._lock:
                self._in_flight += len(claims)
            for claim in claims:
                pool.submit(self._work, claim)
        if free == 0 or len(claims) == free:
            return self._idle_poll  # a worker's completion sets `_changed`
        with self._lock:
            busy = self._in_flight > 0
        status = self._outbox.status()
        if status.next_attempt_at is None:  # no head queued at all
            return None if draining and not busy else self._idle_poll
        # the outbox's times are the journal's wall clock
        return max(0.0, min(self._idle_poll, status.next_attempt_at - time.time()))

    def _maybe_probe(self) -> float:
        wait = self._breaker.next_probe_at - self._clock()
        if wait > 0:
            return min(wait, self._idle_poll)
        halted = self._breaker.state is BreakerState.STOPPED
        self._breaker.probing()
        ok = self._safe_probe()
        log.info("platform probe (9001): %s", "answered" if ok else "no answer")
        self._breaker.probed(ok, otherwise=BreakerState.STOPPED if halted else BreakerState.OPEN)
        return 0.0

    def _safe_probe(self) -> bool:
        try:
            return bool(self._sender.probe())
        except Exception as err:  # a probe that crashes is a failed probe, not a dead forwarder
            log.warning("platform probe raised %s", type(err).__name__)
            return False

    # -- one request --------------------------------------------------------------------------

    def _work(self, claim: Claim) -> None:
        try:
            self._forward(claim)
        except LeaseLostError:
            log.warning("%s %s: lease lost, another forwarder holds it", claim.infno, claim.msgid)
        except Exception as err:  # keep the worker alive; the lease expiry retries the claim
            code = err.code if isinstance(err, MedtermError) else type(err).__name__
            log.error("%s %s: forwarding failed: %s", claim.infno, claim.msgid, code)
        finally:
            with self._lock:
                self._in_flight -= 1
            self._changed.set()
            self._publish_link(self._breaker.state)

    def _forward(self, claim: Claim) -> None:
        try:
            body = self._hooks.body_to_send(claim)
        except Exception as err:  # e.g. a placeholder whose source request never succeeded
            what = err.describe() if isinstance(err, MedtermError) else type(err).__name__
            self._dead(claim, f"the request could not be built: {what}")
            return
        if self._needs_reversal(claim):
            self._reverse_then_supersede(claim, body)
            return
        outcome = self._send(self._sender.send, body)
        if outcome.kind is OutcomeKind.SUCCEEDED:
            self._breaker.success()
            self._acks.ack(claim, outcome.response)
            self._count("succeeded")
            log.info("%s %s forwarded (attempt %d)", claim.infno, claim.msgid, claim.attempts)
            self._call_hook("on_succeeded", claim, outcome.response)
        elif outcome.kind is OutcomeKind.REFUSED:
            self._breaker.success()
            self._dead(claim, outcome.message)
        elif outcome.kind is OutcomeKind.STOPPED:
            self._halt(claim, outcome)
        else:
            self._retry(claim, outcome)

    def _needs_reversal(self, claim: Claim) -> bool:
        """Reverse strategy: a reversible request an earlier attempt may have delivered."""
        return (
            self._strategy is UnknownOutcome.REVERSE
            and claim.infno in REVERSIBLE_INFNOS
            and claim.previous_status in (RequestStatus.SENT, RequestStatus.UNKNOWN)
        )

    def _reverse_then_supersede(self, claim: Claim, body: Mapping[str, Any]) -> None:
        outcome = self._send(self._sender.reverse, body)
        if outcome.kind is OutcomeKind.SUCCEEDED:
            self._breaker.success()
            assert self._new_msgid is not None
            new_msgid = self._new_msgid()
            self._outbox.replace_msgid(claim, new_msgid, reason=f"reversed by 2601; {new_msgid}")
            log.info("%s %s reversed; resending as %s", claim.infno, claim.msgid, new_msgid)
        elif outcome.kind is OutcomeKind.REFUSED:
            self._breaker.success()
            self._dead(claim, f"2601 reversal refused: {outcome.message}")
        elif outcome.kind is OutcomeKind.STOPPED:
            self._halt(claim, outcome)
        else:
            # still unknown: the next claim reverses again (2601 is harmless when repeated)
            self._retry(claim, outcome, sent=True)

    def _retry(self, claim: Claim, outcome: SendOutcome, *, sent: bool | None = None) -> None:
        self._breaker.failure()
        with self._rng_lock:
            delay = full_jitter_delay(claim.attempts, base=self._base, cap=self._cap, rng=self._rng)
        was_sent = outcome.kind is OutcomeKind.UNKNOWN if sent is None else sent
        self._outbox.reschedule(claim, error=outcome.message, delay=delay, sent=was_sent)
        self._count("retries")
        log.warning(
            "%s %s %s (attempt %d), retry in %.1f s",
            claim.infno,
            claim.msgid,
            outcome.kind.value,
            claim.attempts,
            delay,
        )

    def _halt(self, claim: Claim, outcome: SendOutcome) -> None:
        """The platform refused the terminal's sign-in: this request was not sent; it waits
        in the queue (not a dead letter: nothing is wrong with it) and forwarding stops."""
        self._outbox.reschedule(claim, error=outcome.message, delay=0.0, sent=False)
        self._stopped_reason = outcome.message
        log.error("%s %s not sent: the platform refuses the sign-in", claim.infno, claim.msgid)
        self._breaker.halt()

    def _dead(self, claim: Claim, message: str) -> None:
        self._outbox.fail(claim, message=message)
        self._count("dead")
        log.warning("%s %s refused: dead letter", claim.infno, claim.msgid)
        self._call_hook("on_dead_letter", claim, message)

    def _send(
        self, call: Callable[[Mapping[str, Any]], SendOutcome], body: Mapping[str, Any]
    ) -> SendOutcome:
        """A sender that raises instead of answering is an unknown outcome, never a crash."""
        try:
            return call(body)
        except Exception as err:
            return SendOutcome.unknown(f"sender raised {type(err).__name__}")

    def _call_hook(self, name: str, claim: Claim, argument: Any) -> None:
        try:
            getattr(self._hooks, name)(claim, argument)
        except Exception as err:
            code = err.code if isinstance(err, MedtermError) else type(err).__name__
            log.error("%s %s: hook %s failed: %s", claim.infno, claim.msgid, name, code)

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1

    def _publish_link(self, state: BreakerState) -> None:
        if self._link:
            self._link.emit(LinkChange(LINK_STATES[state], self._outbox.status().pending))

    def _persist_state(self, state: BreakerState) -> None:
        """Record the breaker's state in the journal for `medterm queue status`, and tell
        the subscribers."""
        log.info("platform link %s", state.value)
        self._publish_link(state)
        value = json.dumps({"state": state.value, "pid": os.getpid(), "at": time.time()})
        try:
            with self._journal.database.write(durable=False) as conn:
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (BREAKER_META_KEY, value),
                )
        except MedtermError as err:
            log.warning("could not record the breaker state: %s", err.code)


def recorded_breaker_state(journal: Journal) -> tuple[str, int] | None:
    """The last breaker state a forwarder recorded in this journal and its process id."""
    rows = journal.database.query("SELECT value FROM meta WHERE key = ?", (BREAKER_META_KEY,))
    if not rows:
        return None
    data = json.loads(rows[0]["value"])
    return str(data["state"]), int(data["pid"])
