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
    RETURNING = "returning"  # a return started: the settlement's cancellation, refunds, resale
    RETURNED = "returned"  # the settlement cancelled and the money given back (kept lines resold)


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
    # presettled again when the person changes the account choice (a family member's, 共济)
    S.PRESETTLED: frozenset({S.PRESETTLED, S.COLLECTING, S.ESTIMATED}),
    S.COLLECTING: frozenset({S.SETTLED}),
    S.SETTLED: frozenset({S.COMPLETED}),
    # a completed sale may be returned, all or in part, once the platform holds its settlement
    S.COMPLETED: frozenset({S.RETURNING}),
    S.ESTIMATED: frozenset({S.COLLECTING_OFFLINE}),
    S.COLLECTING_OFFLINE: frozenset({S.COMPLETED_OFFLINE}),
    S.COMPLETED_OFFLINE: frozenset({S.FORWARDED}),
    S.FORWARDED: frozenset({S.RECONCILED, S.RETURNING}),
    S.RECONCILED: frozenset({S.RETURNING}),
    S.CANCELLED: frozenset(),
    S.RETURNING: frozenset({S.RETURNED}),
    S.RETURNED: frozenset(),
}
# where a return may start: the platform holds the settlement (online, or forwarded)
RETURNABLE = frozenset({S.COMPLETED, S.FORWARDED, S.RECONCILED})
TX_TRANSITIONS: Mapping[TxState, frozenset[TxState]] = MappingProxyType(
    {
        state: targets | {S.CANCELLED} if state in CANCELLABLE else targets
        for state, targets in _FORWARD.items()
    }
)

# finished: nothing more happens to them unless a return is started
FINAL_STATES = frozenset(
    state for state, targets in TX_TRANSITIONS.items() if not targets - {S.RETURNING}
)
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
