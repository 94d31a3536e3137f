"""Behaviour rules: how a test or the demo makes the gateway decline, stall or fail.

Rules live in memory (a restart clears them, like a fresh gateway); each matches an operation
and a channel and fires a number of times (`count`) or with a probability.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Any

from simulators.paygate.errors import invalid
from simulators.paygate.validate import CHANNELS

OPERATIONS = ("create", "query", "close", "refund")
MODES = ("decline", "userpaying", "timeout", "late", "error500", "redirect")
# Modes that change what `create` does; the others wrap any operation.
CREATE_ONLY = ("decline", "userpaying")
DEFAULT_MS = {"timeout": 120_000, "late": 1_000, "userpaying": 5_000}
# Where a `redirect` rule points by default: a path the gateway does not serve, as a proxy's
# or a login portal's redirect would be (a client following it gets a 404, not its answer).
DEFAULT_LOCATION = "/pay/moved"
MAX_MS = 600_000


@dataclass
class Rule:
    """One behaviour; `remaining` is None for probability rules (they never run out)."""

    mode: str
    channel: str
    op: str
    remaining: int | None
    probability: float
    ms: int
    reason: str
    outcome: str
    execute: bool
    location: str = DEFAULT_LOCATION

    def matches(self, op: str, channel: str | None) -> bool:
        if self.mode in CREATE_ONLY and op != "create":
            return False
        if self.op not in ("*", op):
            return False
        return self.channel == "*" or self.channel == channel

    def describe(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "channel": self.channel,
            "op": self.op,
            "count": self.remaining,
            "probability": self.probability,
            "ms": self.ms,
            "reason": self.reason,
            "outcome": self.outcome,
            "execute": self.execute,
            "location": self.location,
        }


def parse_rule(raw: object) -> Rule:
    if not isinstance(raw, dict):
        raise invalid("each rule must be a JSON object")
    mode = raw.get("mode")
    if mode not in MODES:
        raise invalid(f"rule mode must be one of {', '.join(MODES)}")
    channel = raw.get("channel", "*")
    if channel != "*" and channel not in CHANNELS:
        raise invalid(f"rule channel must be * or one of {', '.join(CHANNELS)}")
    op = raw.get("op", "*")
    if op != "*" and op not in OPERATIONS:
        raise invalid(f"rule op must be * or one of {', '.join(OPERATIONS)}")
    count = raw.get("count")
    probability = raw.get("probability")
    if count is not None and probability is not None:
        raise invalid("a rule has count or probability, not both")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise invalid("rule count must be a positive integer")
    if probability is not None and (
        isinstance(probability, bool)
        or not isinstance(probability, (int, float))
        or not 0 <= probability <= 1
    ):
        raise invalid("rule probability must be a number from 0 to 1")
    ms = raw.get("ms", DEFAULT_MS.get(mode, 0))
    if isinstance(ms, bool) or not isinstance(ms, int) or not 0 <= ms <= MAX_MS:
        raise invalid(f"rule ms must be an integer from 0 to {MAX_MS}")
    reason = raw.get("reason", "DECLINED")
    if not isinstance(reason, str) or not 0 < len(reason) <= 64:
        raise invalid("rule reason must be a short string")
    outcome = raw.get("outcome", "success")
    if outcome not in ("success", "decline"):
        raise invalid("rule outcome must be success or decline")
    execute = raw.get("execute", True)
    if not isinstance(execute, bool):
        raise invalid("rule execute must be true or false")
    location = raw.get("location", DEFAULT_LOCATION)
    if (
        not isinstance(location, str)
        or not 0 < len(location) <= 200
        or not location.isprintable()
        or not location.startswith(("/", "http://", "https://"))
    ):
        raise invalid("rule location must be a path or an http(s) URL of at most 200 characters")
    return Rule(
        mode=mode,
        channel=channel,
        op=op,
        remaining=count if count is not None else (None if probability is not None else 1),
        probability=1.0 if probability is None else float(probability),
        ms=ms,
        reason=reason,
        outcome=outcome,
        execute=execute,
        location=location,
    )


class RuleBook:
    """The active rules, shared by every request thread."""

    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        self._random = random.Random(seed)

    def replace(self, body: dict[str, Any]) -> list[Rule]:
        raw = body.get("rules")
        if not isinstance(raw, list) or len(raw) > 100:
            raise invalid("rules must be a list of at most 100 rule objects")
        rules = [parse_rule(item) for item in raw]
        seed = body.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise invalid("seed must be an integer")
        with self._lock:
            self._rules = rules
            if seed is not None:
                self._random.seed(seed)
        return rules

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.describe() for rule in self._rules]

    def take(self, op: str, channel: str | None) -> Rule | None:
        """The first matching rule that fires now, counting it down."""
        with self._lock:
            for rule in self._rules:
                if not rule.matches(op, channel):
                    continue
                if rule.remaining is None:
                    if self._random.random() < rule.probability:
                        return rule
                    continue
                rule.remaining -= 1
                if rule.remaining == 0:
                    self._rules.remove(rule)
                return rule
        return None
