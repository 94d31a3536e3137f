"""Fault injection for `/_sim/faults`: rules that make the platform fail in chosen ways.

A rule applies to one `infno`, one prescription centre operation (`rx.<op>`, e.g.
`rx.rxSetlInfoUpld`) or `*`, fires with a `probability` (0..1, every matching request
draws) or for the next `count` matching requests, and has a `mode`:

- `delay` (`ms`): wait before executing (combines with another mode);
- `http_503`: answer HTTP 503, execute nothing;
- `reset_before`: reset the connection (TCP RST) before executing;
- `drop_after_commit`: execute and commit, then reset the connection (the ambiguous case);
- `garbage_body`: execute and commit, then answer HTTP 200 with a body that is not JSON;
- `infcode_minus1`: execute and commit, then answer infcode -1 (the stored response stays the
  real one, so a retry with the same msgid gets it);
- `redirect`: execute and commit, then answer HTTP 302 to `/fsi/moved` (a proxy or captive
  portal in the path); a client that followed it would be told something else than the answer
  to its request (the stored response stays the real one);
- `offline`: every `/fsi/` (and prescription centre) request has its connection reset before
  anything is read beyond its head, until the rule is removed; `/_sim/` and the hospital's
  own `/his/` stay reachable.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from terminal.rx.client import OPERATIONS as RX_OPERATIONS

MODES = frozenset(
    {
        "delay",
        "http_503",
        "reset_before",
        "drop_after_commit",
        "garbage_body",
        "infcode_minus1",
        "redirect",
        "offline",
    }
)


class FaultRuleError(ValueError):
    """A control request with a malformed rule (answered HTTP 400 with this message)."""


@dataclass
class FaultRule:
    infno: str
    mode: str
    probability: float | None
    count: int | None
    ms: int = 0
    fired: int = field(default=0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "infno": self.infno,
            "mode": self.mode,
            "probability": self.probability,
            "count": self.count,
            "ms": self.ms,
            "fired": self.fired,
        }


def parse_rules(body: Any) -> list[FaultRule]:
    if not isinstance(body, Mapping) or not isinstance(body.get("rules"), list):
        raise FaultRuleError('expected {"rules": [...]}')
    return [_rule(raw, n) for n, raw in enumerate(body["rules"])]


def _rule(raw: Any, n: int) -> FaultRule:
    where = f"rules[{n}]"
    if not isinstance(raw, Mapping):
        raise FaultRuleError(f"{where} must be an object")
    infno, mode = raw.get("infno", "*"), raw.get("mode")
    if not isinstance(infno, str) or not (
        infno == "*"
        or (len(infno) == 4 and infno.isdigit())
        or infno.removeprefix("rx.") in RX_OPERATIONS
    ):
        raise FaultRuleError(f"{where}.infno must be a 4-digit infno, rx.<operation> or *")
    if mode not in MODES:
        raise FaultRuleError(f"{where}.mode must be one of {', '.join(sorted(MODES))}")
    probability, count = raw.get("probability"), raw.get("count")
    if (probability is None) == (count is None):
        raise FaultRuleError(f"{where} needs exactly one of probability and count")
    if probability is not None and (
        isinstance(probability, bool)
        or not isinstance(probability, (int, float))
        or not 0 <= probability <= 1
    ):
        raise FaultRuleError(f"{where}.probability must be a number in 0..1")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise FaultRuleError(f"{where}.count must be a positive integer")
    ms = raw.get("ms", 0)
    if isinstance(ms, bool) or not isinstance(ms, int) or not 0 <= ms <= 600_000:
        raise FaultRuleError(f"{where}.ms must be an integer 0..600000")
    if mode == "delay" and ms == 0:
        raise FaultRuleError(f"{where}: a delay needs ms > 0")
    return FaultRule(infno, mode, None if probability is None else float(probability), count, ms)


class Faults:
    """The active rules; safe to use from every request thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def replace(self, rules: Sequence[FaultRule]) -> None:
        with self._lock:
            self._rules = list(rules)

    def clear(self) -> None:
        self.replace([])

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r.as_dict() for r in self._rules]

    def offline(self) -> bool:
        with self._lock:
            return any(r.mode == "offline" and self._draw(r) for r in self._rules)

    def pick(self, infno: str) -> tuple[int, str | None]:
        """(delay in ms, the first other mode that fires or None) for one request."""
        delay, mode = 0, None
        with self._lock:
            for rule in self._rules:
                if rule.mode == "offline" or rule.infno not in ("*", infno):
                    continue
                if rule.mode == "delay":
                    if self._draw(rule):
                        delay += rule.ms
                elif mode is None and self._draw(rule):
                    mode = rule.mode
            self._rules = [r for r in self._rules if r.count is None or r.fired < r.count]
        return delay, mode

    @staticmethod
    def _draw(rule: FaultRule) -> bool:
        if rule.count is not None:
            if rule.fired >= rule.count:
                return False
        elif random.random() >= (rule.probability or 0.0):
            return False
        rule.fired += 1
        return True
