"""The values the journal hands out: immutable snapshots of its rows, decrypted.

They hold personal data in memory (identity, request bodies); their `__repr__` hides it, so a
record printed in a log line or a traceback shows nothing personal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kernel.breakdown import Breakdown
from kernel.money import Money
from kernel.states import PaymentStatus, RequestStatus, TxKind, TxState


@dataclass(frozen=True)
class PersonIdentity:
    """Who the transaction is for, as identified (1101, e-voucher, card, face).

    `cert_type`/`certno` (the credential, e.g. `02` and the resident ID number) define the
    person key; everything here is encrypted at rest. `extra` carries further identity fields
    the flow needs back (voucher token index, card_sn, ...), as strings.
    """

    cert_type: str
    certno: str
    name: str = ""
    psn_no: str = ""
    insuplc_admdvs: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "cert_type": self.cert_type,
            "certno": self.certno,
            "name": self.name,
            "psn_no": self.psn_no,
            "insuplc_admdvs": self.insuplc_admdvs,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PersonIdentity:
        return cls(
            cert_type=str(data["cert_type"]),
            certno=str(data["certno"]),
            name=str(data.get("name", "")),
            psn_no=str(data.get("psn_no", "")),
            insuplc_admdvs=str(data.get("insuplc_admdvs", "")),
            extra={str(k): str(v) for k, v in dict(data.get("extra", {})).items()},
        )

    def __repr__(self) -> str:
        return f"PersonIdentity(cert_type={self.cert_type!r}, <personal data hidden>)"


def breakdown_to_json(breakdown: Breakdown) -> dict[str, Any]:
    return {"setlinfo": breakdown.to_setlinfo(), "cancellation": breakdown.cancellation}


def breakdown_from_json(data: Mapping[str, Any]) -> Breakdown:
    return Breakdown.from_setlinfo(data["setlinfo"], cancellation=bool(data["cancellation"]))


@dataclass(frozen=True, repr=False)
class Transaction:
    """One patient transaction. Times are Unix seconds; `finished_at` when it became final."""

    tx_id: str
    kind: TxKind
    state: TxState
    person_key: str | None
    identity: PersonIdentity | None
    bill: tuple[Mapping[str, Any], ...] | None
    estimated: Breakdown | None
    actual: Breakdown | None
    note: str
    created_at: float
    updated_at: float
    finished_at: float | None
    kept: tuple[Mapping[str, Any], ...] | None = None  # a return's kept lines (none: all back)

    def __repr__(self) -> str:
        return f"Transaction({self.tx_id}, {self.kind}, {self.state})"


@dataclass(frozen=True, repr=False)
class PlatformRequest:
    """A request to the platform, written before it is sent; `msgid` is reused on every retry."""

    req_id: int
    msgid: str
    tx_id: str
    infno: str
    body: Mapping[str, Any]
    status: RequestStatus
    response: Mapping[str, Any] | None
    error: str
    created_at: float
    updated_at: float

    def __repr__(self) -> str:
        return f"PlatformRequest({self.msgid}, {self.infno}, {self.status})"


@dataclass(frozen=True)
class Payment:
    """Money collected (or to be) through one self-pay channel; `order_no` is the channel's."""

    payment_id: int
    tx_id: str
    channel: str
    order_no: str
    amount: Money
    status: PaymentStatus
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class Adjustment:
    """A difference owed after the fact: positive = the terminal owes the patient (a refund),
    negative = the patient owes the terminal (a shortfall)."""

    adj_id: int
    tx_id: str
    amount: Money
    reason: str
    settled: bool
    created_at: float
    settled_at: float | None
