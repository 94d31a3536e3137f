"""The state machines of the journal, as plain transition tables (offline.md, "A transaction's
states").

A table rather than the `transitions` library: the journal never holds a live model object per
transaction; it checks one (from, to) pair inside an SQLite transaction and writes the new state.
A frozen mapping says that in a few lines, can be listed in the docs as is, and lets the
property tests enumerate every legal and illegal pair; a `Machine` would add callbacks and
model binding that nothing here uses.

The offline branch's "collecting" is its own state, `collecting_offline`: online collecting may
only lead to `settled`, offline collecting only to `completed_offline`, and one name for both
would let a transaction cross from one branch to the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class TxKind(StrEnum):
    OUTPATIENT = "outpatient"
    PHARMACY = "pharmacy"


class TxState(StrEnum):
    CREATED = "created"
    IDENTIFIED = "identified"
    BILLED = "billed"
    PRESETTLED = "presettled"
    COLLECTING = "collecting"
    SETTLED = "settled"
    COMPLETED = "completed"
    ESTIMATED = "estimated"
    COLLECTING_OFFLINE = "collecting_offline"
    COMPLETED_OFFLINE = "completed_offline"
    FORWARDED = "forwarded"
    RECONCILED = "reconciled"
    CANCELLED = "cancelled"


S = TxState
# "any state before settled -> cancelled": every state from which no settlement exists yet
CANCELLABLE = frozenset(
    {
        S.CREATED,
        S.IDENTIFIED,
        S.BILLED,
        S.PRESETTLED,
        S.COLLECTING,
        S.ESTIMATED,
        S.COLLECTING_OFFLINE,
    }
)

_FORWARD: dict[TxState, frozenset[TxState]] = {
    S.CREATED: frozenset({S.IDENTIFIED}),
    S.IDENTIFIED: frozenset({S.BILLED}),
    # offline from billed (pre-settlement impossible) or from presettled (the link went
    # before settlement was attempted)
    S.BILLED: frozenset({S.PRESETTLED, S.ESTIMATED}),
    S.PRESETTLED: frozenset({S.COLLECTING, S.ESTIMATED}),
    S.COLLECTING: frozenset({S.SETTLED}),
    S.SETTLED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.ESTIMATED: frozenset({S.COLLECTING_OFFLINE}),
    S.COLLECTING_OFFLINE: frozenset({S.COMPLETED_OFFLINE}),
    S.COMPLETED_OFFLINE: frozenset({S.FORWARDED}),
    S.FORWARDED: frozenset({S.RECONCILED}),
    S.RECONCILED: frozenset(),
    S.CANCELLED: frozenset(),
}
TX_TRANSITIONS: Mapping[TxState, frozenset[TxState]] = MappingProxyType(
    {
        state: targets | {S.CANCELLED} if state in CANCELLABLE else targets
        for state, targets in _FORWARD.items()
    }
)

FINAL_STATES = frozenset(state for state, targets in TX_TRANSITIONS.items() if not targets)
# offline transactions whose settlement has not reached the platform yet (offline limits)
NOT_FORWARDED = frozenset({S.ESTIMATED, S.COLLECTING_OFFLINE, S.COMPLETED_OFFLINE})


class RequestStatus(StrEnum):
    PREPARED = "prepared"  # written, msgid assigned, never sent
    SENT = "sent"  # may have reached the platform; outcome not yet known
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # the platform refused (infcode -2) or it was abandoned unsent
    UNKNOWN = "unknown"  # timed out or infcode -1: resolve before anything else


R = RequestStatus
REQUEST_TRANSITIONS: Mapping[RequestStatus, frozenset[RequestStatus]] = MappingProxyType(
    {
        R.PREPARED: frozenset({R.SENT, R.FAILED}),
        # back to prepared when the request provably never left (connection refused)
        R.SENT: frozenset({R.SUCCEEDED, R.FAILED, R.UNKNOWN, R.PREPARED}),
        R.UNKNOWN: frozenset({R.SENT, R.SUCCEEDED, R.FAILED}),
        R.SUCCEEDED: frozenset(),
        R.FAILED: frozenset(),
    }
)


class PaymentStatus(StrEnum):
    PENDING = "pending"  # written before the channel is charged; outcome not known yet
    COLLECTED = "collected"
    REFUNDED = "refunded"
    FAILED = "failed"


P = PaymentStatus
PAYMENT_TRANSITIONS: Mapping[PaymentStatus, frozenset[PaymentStatus]] = MappingProxyType(
    {
        P.PENDING: frozenset({P.COLLECTED, P.FAILED}),
        P.COLLECTED: frozenset({P.REFUNDED}),
        P.REFUNDED: frozenset(),
        P.FAILED: frozenset(),
    }
)
# money still held by the terminal for this transaction: blocks a cancellation
HELD_PAYMENTS = frozenset({P.PENDING, P.COLLECTED})
