"""The interface's constants that more than one layer needs (central-api.md), and one frozen
profile per kind of checkout, so that "what an outpatient visit sends" is written once.

The journal's forwarder needs to know which requests 2601 may reverse, the flows which are
settlements, the client which path each goes to: all from here, never a private copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from kernel.states import TxKind

# Settlements: the requests that move the fund's and the accounts' money.
SETTLEMENT_INFNOS = frozenset({"2207", "2102"})
# Cancellations of a settlement (negated breakdowns).
SETTLEMENT_CANCEL_INFNOS = frozenset({"2208", "2103"})
# Transactions 2601 may reverse.
REVERSIBLE_INFNOS = SETTLEMENT_INFNOS | SETTLEMENT_CANCEL_INFNOS
# Fee details uploaded for a visit, and their cancellation (outpatient only).
FEE_UPLOAD_INFNO = "2204"
FEE_CANCEL_INFNO = "2205"
REGISTER_INFNO = "2201"
PERSON_QUERY_INFNO = "1101"
# The commercial plan settled alongside (project extension, docs/platform-wire.md): the
# 98xx block of the interface's "other" group, which the national catalogue leaves unused.
PRECLAIM_INFNO = "9801"  # what the person's plan would pay of a split (records nothing)
CLAIM_INFNO = "9802"  # the claim on a basic settlement, after it
CLAIM_CANCEL_INFNO = "9803"  # withdraw the claim on a settlement (before it is cancelled)
PLAN_BUY_INFNO = "9804"  # buy or renew a plan with the personal account, with consent
PLAN_OFFER_INFNO = "9805"  # the plans a person may buy or renew now, with their terms (a read)


class UnknownOutcome(StrEnum):
    """How the terminal resolves a request whose outcome is unknown (central-api.md): send the
    same msgid again, or reverse it (2601) and send a new one."""

    RETRY_SAME_MSGID = "retry_same_msgid"
    REVERSE = "reverse"


@dataclass(frozen=True)
class CheckoutProfile:
    """What one kind of checkout sends to the platform and how.

    An outpatient visit registers (2201), uploads its fee details (2204, cancelled by 2205)
    under a charge batch and settles with 2206/2207 (cancelled by 2208); a pharmacy sale
    carries its fee details inline in 2101/2102 (cancelled by 2103) and has no batch.
    """

    kind: TxKind
    med_type: str
    presettle_infno: str
    settle_infno: str
    cancel_infno: str
    registers_visit: bool

    @property
    def has_charge_batch(self) -> bool:
        """Only a registered visit uploads fee details under a charge batch (chrg_bchno)."""
        return self.registers_visit


OUTPATIENT = CheckoutProfile(
    kind=TxKind.OUTPATIENT,
    med_type="11",
    presettle_infno="2206",
    settle_infno="2207",
    cancel_infno="2208",
    registers_visit=True,
)
PHARMACY = CheckoutProfile(
    kind=TxKind.PHARMACY,
    med_type="41",
    presettle_infno="2101",
    settle_infno="2102",
    cancel_infno="2103",
    registers_visit=False,
)
PROFILES: Mapping[TxKind, CheckoutProfile] = MappingProxyType(
    {OUTPATIENT.kind: OUTPATIENT, PHARMACY.kind: PHARMACY}
)


def profile_of(kind: TxKind) -> CheckoutProfile:
    return PROFILES[kind]
