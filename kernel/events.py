"""The events the core publishes for screens, logs and tests: nothing personal in any of them.

`JournalChange` is one committed audit row of the journal (offline_store/audit.py): what
happened (`tx.identified`, `request.succeeded`, `payment.collected`, ...), to which
transaction, with the row's details (states, msgids, order numbers, amounts: never a name or
an ID number). `LinkChange` is the forwarder's view of the platform link, `PaymentProgress` a
self-pay order's progress while the patient pays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kernel.money import Money


class Entity(StrEnum):
    TRANSACTION = "transaction"
    REQUEST = "request"
    PAYMENT = "payment"
    ADJUSTMENT = "adjustment"
    OTHER = "other"  # dead letters, outbox take-overs, purges, reconciliation


_ENTITIES = {"tx": Entity.TRANSACTION, "request": Entity.REQUEST, "payment": Entity.PAYMENT}
_ENTITIES["adjustment"] = Entity.ADJUSTMENT


@dataclass(frozen=True)
class JournalChange:
    """One change the journal committed, in commit order (`seq` is the audit row's)."""

    seq: int
    event: str
    tx_id: str | None
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def entity(self) -> Entity:
        return _ENTITIES.get(self.event.split(".", 1)[0], Entity.OTHER)

    @property
    def new(self) -> str:
        """The state reached (`identified`, `succeeded`, `collected`, `prepared`, ...)."""
        return self.event.split(".", 1)[-1]

    @property
    def old(self) -> str | None:
        """The state left; None for something new (a transaction, request or payment)."""
        value = self.details.get("from")
        return None if value is None else str(value)


class LinkState(StrEnum):
    ONLINE = "online"  # the forwarder is sending
    OFFLINE = "offline"  # the platform looks unreachable: queued requests wait
    PROBING = "probing"  # a probe is under way


@dataclass(frozen=True)
class LinkChange:
    """The forwarder's link to the platform and how many requests wait for it."""

    state: LinkState
    queue_depth: int


class PaymentStage(StrEnum):
    STARTED = "started"  # the order is being created (or the payment code charged)
    WAITING = "waiting"  # the QR code is shown / the payment code is being confirmed
    PAID = "paid"
    EXPIRED = "expired"  # not paid in time: the order was closed
    CANCELLED = "cancelled"  # the patient cancelled: the order was closed
    FAILED = "failed"  # declined or refused


@dataclass(frozen=True)
class PaymentProgress:
    order_no: str
    channel: str
    amount: Money
    stage: PaymentStage
    qr_url: str = ""  # the QR code to draw, while WAITING on a QR order
    remaining: float | None = None  # seconds left to pay, while WAITING
