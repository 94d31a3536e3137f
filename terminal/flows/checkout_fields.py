"""A journalled transaction as the platform's request fields.

The pre-settlement, the settlement and a settlement re-created by recovery are all built from
what the journal holds of the transaction (identity, bill, creation time), through these
functions, so that they always agree; what differs by kind of checkout comes from its profile.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from kernel.protocol import CheckoutProfile, profile_of
from kernel.records import Transaction
from terminal.central import inputs
from terminal.central.client import PreparedRequest
from terminal.central.envelope import INF_TIME_FORMAT
from terminal.flows import bill as bills


def lines_of(tx: Transaction) -> tuple[bills.BillLine, ...]:
    assert tx.bill is not None
    return tuple(bills.BillLine.from_json(line) for line in tx.bill)


def stamp(tx: Transaction) -> str:
    """When the transaction happened, as the platform writes times (also when forwarded)."""
    return datetime.fromtimestamp(tx.created_at).strftime(INF_TIME_FORMAT)


def batch_no(tx_id: str) -> str:
    """The transaction's visit number and charge batch (ipt_otp_no, chrg_bchno)."""
    return f"B{tx_id[:20]}"


def charge_batch(tx: Transaction) -> str:
    """The chrg_bchno of the fee details and the settlement: a registered visit's batch; a
    pharmacy sale uploads no fee batch, so it has none."""
    return batch_no(tx.tx_id) if profile_of(tx.kind).has_charge_batch else ""


def fee_lines(tx: Transaction, mdtrt_id: str) -> list[inputs.FeeLine]:
    """The bill as fee details, under the transaction's charge batch."""
    assert tx.identity is not None
    return bills.fee_lines(
        lines_of(tx),
        mdtrt_id=mdtrt_id,
        psn_no=tx.identity.psn_no,
        chrg_bchno=charge_batch(tx),
        when=stamp(tx),
    )


def settlement_fields(tx: Transaction, mdtrt_id: str) -> inputs.SettlementRequest:
    """2206/2207 (2101/2102) fields from what the journal holds of the transaction, so the
    pre-settlement and the settlement (also one re-created by recovery) agree."""
    assert tx.identity is not None
    extra = tx.identity.extra
    return inputs.SettlementRequest(
        psn_no=tx.identity.psn_no,
        mdtrt_cert_type=extra["mdtrt_cert_type"],
        mdtrt_cert_no=extra["mdtrt_cert_no"],
        med_type=profile_of(tx.kind).med_type,
        medfee_sumamt=bills.total(lines_of(tx)),
        psn_setlway="01",
        mdtrt_id=mdtrt_id,
        chrg_bchno=charge_batch(tx),
        acct_used_flag=extra.get("use_account") == "1",
        insutype=extra["insutype"],
    )


def registration(tx: Transaction, profile: CheckoutProfile) -> inputs.RegistrationRequest:
    """2201 for the transaction's visit: the first line's department and doctor."""
    assert tx.identity is not None and profile.registers_visit
    first = lines_of(tx)[0]
    extra = tx.identity.extra
    return inputs.RegistrationRequest(
        psn_no=tx.identity.psn_no,
        insutype=extra["insutype"],
        begntime=stamp(tx),
        mdtrt_cert_type=extra["mdtrt_cert_type"],
        mdtrt_cert_no=extra["mdtrt_cert_no"],
        ipt_otp_no=batch_no(tx.tx_id),
        atddr_no=first.dr_code,
        dr_name=first.dr_name,
        dept_code=first.dept_code,
        dept_name=first.dept_name,
        caty=first.dept_code,
    )


def body(prepared: PreparedRequest) -> dict[str, Any]:
    """A prepared request as the journal keeps it."""
    return json.loads(prepared.to_json())
