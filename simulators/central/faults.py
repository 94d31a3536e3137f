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
  own `/his/` stay reachable;
- `refuse` (`err_msg`, a 4-digit `infno` only): the platform refuses the request as a business
  failure, infcode -2 with `err_msg` in its own words, and executes nothing; the refusal is
  kept under the msgid as any refusal is, so the same msgid again gets it again. This is how a
  settlement (2207) is refused after its pre-settlement (2206) passed: a visit settled
  elsewhere meanwhile, a fund's limit reached.
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
        "refuse",
    }
)
# what a refused settlement says when the rule gives no err_msg (the platform's words)
REFUSAL = "结算失败:本次就诊已结算 (settlement refused: this visit was already settled)"
ERR_MSG_MAX = 200


class FaultRuleError(ValueError):
    """A control request with a malformed rule (answered HTTP 400 with this message)."""


@dataclass
class FaultRule:
    infno: str
    mode: str
    probability: float | None
    count: int | None
    ms: int = 0
    err_msg: str = ""  # `refuse`: the platform's reason
    fired: int = field(default=0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "infno": self.infno,
            "mode": self.mode,
            "probability": self.probability,
            "count": self.count,
            "ms": self.ms,
            "err_msg": self.err_msg,
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
    err_msg = _err_msg(raw, mode, infno, where)
    chance = None if probability is None else float(probability)
    return FaultRule(infno, mode, chance, count, ms, err_msg)


def _err_msg(raw: Mapping[str, Any], mode: str, infno: str, where: str) -> str:
    """A refusal's reason: one line of text, as the platform's err_msg is."""
    if mode != "refuse":
        if "err_msg" in raw:
            raise FaultRuleError(f"{where}.err_msg is for mode refuse only")
        return ""
    if not (len(infno) == 4 and infno.isdigit()):
        raise FaultRuleError(f"{where}: refuse is for one platform infno (4 digits)")
    err_msg = raw.get("err_msg", REFUSAL)
    if (
        not isinstance(err_msg, str)
        or not err_msg.strip()
        or len(err_msg) > ERR_MSG_MAX
        or not err_msg.isprintable()
    ):
        raise FaultRuleError(
            f"{where}.err_msg must be one line of 1..{ERR_MSG_MAX} printable characters"
        )
    return err_msg


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

    def pick(self, infno: str) -> tuple[int, FaultRule | None]:
        """(delay in ms, the first other rule that fires or None) for one request."""
        delay, fired = 0, None
        with self._lock:
            for rule in self._rules:
                if rule.mode == "offline" or rule.infno not in ("*", infno):
                    continue
                if rule.mode == "delay":
                    if self._draw(rule):
                        delay += rule.ms
                elif fired is None and self._draw(rule):
                    fired = rule
            self._rules = [r for r in self._rules if r.count is None or r.fired < r.count]
        return delay, fired

    @staticmethod
    def _draw(rule: FaultRule) -> bool:
        if rule.count is not None:
            if rule.fired >= rule.count:
                return False
        elif random.random() >= (rule.probability or 0.0):
            return False
        rule.fired += 1
        return True
