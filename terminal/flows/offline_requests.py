"""The platform requests of an offline transaction, built when it completes offline and
queued for the forwarder (offline.md). What only the platform's earlier answers can tell (the
person's `psn_no`, the visit's `mdtrt_id`, the pre-settlement's scope figures) is a placeholder
resolved when the forwarder sends it (`offline_chain.py`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from kernel.breakdown import Breakdown
from kernel.protocol import (
    CLAIM_INFNO,
    FEE_UPLOAD_INFNO,
    PERSON_QUERY_INFNO,
    REGISTER_INFNO,
    profile_of,
)
from kernel.records import Transaction
from terminal.central import inputs
from terminal.flows import bill as bills
from terminal.flows import checkout_fields as fields
from terminal.flows import commercial
from terminal.flows.identify import CERT_TYPES, Credential, CredentialKind
from terminal.flows.offline_chain import ref, self_pay_breakdown
from terminal.flows.offline_policy import OfflineRefused


def offline_chain(
    tx: Transaction, next_msgid: Callable[[], str], existing: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The requests the platform must receive for an offline transaction, in order; what
    only an earlier answer can tell is a placeholder (`ref`). A request already journalled
    (`existing`: msgid by infno, after a crash in between) keeps its msgid."""
    assert tx.identity is not None and tx.bill is not None
    profile = profile_of(tx.kind)
    lines = fields.lines_of(tx)
    stamp = fields.stamp(tx)
    certno = tx.identity.certno
    cert = CERT_TYPES[CredentialKind.ID_NUMBER]
    psn_no = ref(PERSON_QUERY_INFNO, "baseinfo.psn_no")
    insutype = ref(PERSON_QUERY_INFNO, "insuinfo.0.insutype")
    region = ref(PERSON_QUERY_INFNO, "insuinfo.0.insuplc_admdvs")
    chain: list[tuple[str, dict[str, Any], Any]] = [
        (
            PERSON_QUERY_INFNO,
            inputs.query_person(inputs.PersonQuery(cert, certno, stamp, certno=certno)),
            "",
        )
    ]
    settlement = inputs.SettlementRequest(
        psn_no="",
        mdtrt_cert_type=cert,
        mdtrt_cert_no=certno,
        med_type=profile.med_type,
        medfee_sumamt=bills.total(lines),
        psn_setlway="01",
        mdtrt_id="",
        chrg_bchno="",
        acct_used_flag=False,
        insutype="",
    )
    chrg_bchno = fields.batch_no(tx.tx_id)
    if profile.registers_visit:
        first = lines[0]
        registration = inputs.RegistrationRequest(
            psn_no="",
            insutype="",
            begntime=stamp,
            mdtrt_cert_type=cert,
            mdtrt_cert_no=certno,
            ipt_otp_no=chrg_bchno,
            atddr_no=first.dr_code,
            dr_name=first.dr_name,
            dept_code=first.dept_code,
            dept_name=first.dept_name,
            caty=first.dept_code,
        )
        mdtrt_id: dict[str, str] | None = ref(REGISTER_INFNO, "data.mdtrt_id")
        fee = bills.fee_lines(lines, mdtrt_id="", psn_no="", chrg_bchno=chrg_bchno, when=stamp)
        settlement = replace(settlement, chrg_bchno=chrg_bchno)
        pre = inputs.pre_settle(settlement)
        final = inputs.settle(
            settlement, scope_placeholder(), drug_trace=bills.drug_traces(lines)
        )
        chain += [
            (REGISTER_INFNO, with_refs(inputs.register(registration), psn_no, insutype), region),
            (FEE_UPLOAD_INFNO, with_refs(inputs.upload_fees(fee), psn_no, None, mdtrt_id), region),
        ]
    else:
        fee = bills.fee_lines(lines, mdtrt_id="", psn_no="", chrg_bchno="", when=stamp)
        pre = inputs.pharmacy_pre_settle(settlement, fee)
        final = inputs.pharmacy_settle(
            settlement, fee, scope_placeholder(), drug_trace=bills.drug_traces(lines)
        )
        mdtrt_id = None
    chain += [
        (profile.presettle_infno, with_refs(pre, psn_no, insutype, mdtrt_id), region),
        (
            profile.settle_infno,
            with_refs(scope_refs(final, profile.presettle_infno), psn_no, insutype, mdtrt_id),
            region,
        ),
    ]
    if tx.identity.extra.get(commercial.USE, "1") == "1":
        # the commercial claim, behind the settlement: on the setl_id only it can tell
        setl_id = ref(profile.settle_infno, "setlinfo.setl_id")
        claim = {"data": {"psn_no": psn_no, "setl_id": setl_id}}
        chain.append((CLAIM_INFNO, claim, region))
    return [
        {
            "infno": infno,
            "msgid": existing.get(infno) or next_msgid(),
            "input": input_,
            "inf_time": stamp,
            "insuplc_admdvs": insuplc,
        }
        for infno, input_, insuplc in chain
    ]


def offline_certno(credential: Credential) -> str:
    if credential.kind is CredentialKind.ID_NUMBER:
        return credential.value
    if credential.certno:
        return credential.certno
    raise OfflineRefused(
        f"a {credential.kind.value} credential cannot identify a person offline: "
        "use the social security card or the resident ID card"
    )


def scope_placeholder() -> Breakdown:
    """The settlement's scope figures before the pre-settlement's answer fills them in."""
    return self_pay_breakdown(bills.split_with_catalogue((), {}))


def scope_refs(input_: dict[str, Any], presettle_infno: str) -> dict[str, Any]:
    """The settlement carries the pre-settlement's scope figures: the platform's, not ours."""
    data = dict(input_["data"])
    for name in ("fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt"):
        data[name] = ref(presettle_infno, f"setlinfo.{name}")
    return {**input_, "data": data}


def with_refs(
    input_: dict[str, Any],
    psn_no: dict[str, str],
    insutype: dict[str, str] | None,
    mdtrt_id: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Put placeholders where the platform's earlier answers go (`data` and fee details)."""
    out = json.loads(json.dumps(input_))
    targets = [out["data"]] if "data" in out else []
    targets += out.get("feedetail", [])
    for target in targets:
        if "psn_no" in target:
            target["psn_no"] = psn_no
        if insutype is not None and "insutype" in target:
            target["insutype"] = insutype
        if mdtrt_id is not None and "mdtrt_id" in target:
            target["mdtrt_id"] = mdtrt_id
    return out
