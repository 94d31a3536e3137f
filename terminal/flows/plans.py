"""Buying or renewing a commercial plan with the personal account (docs/commercial.md).

The premium leaves the person's account, so the purchase is refused without the person's
explicit consent before anything is sent, and journalled before and after (offline_store/
plans.py): a purchase interrupted by a crash or a lost answer is resent under its msgid, which
the platform answers with its first outcome, so nothing is ever bought twice.
"""

from __future__ import annotations

import json
from datetime import datetime

from kernel.errors import MedtermError
from kernel.protocol import PLAN_BUY_INFNO, PLAN_OFFER_INFNO
from offline_store.plans import PlanPurchases
from terminal.central import inputs
from terminal.central.client import PlatformClient, PreparedRequest
from terminal.central.errors import BusinessError, PlatformError
from terminal.central.results import PlanOffers, PlanPurchase, parse_result
from terminal.flows import checkout_fields as fields
from terminal.flows.identify import Credential, CredentialKind, identify_online


class PlanConsentMissing(MedtermError):
    code = "E850"
    message_zh = "购买商业保险须经参保人本人明确同意"
    message_en = "buying a commercial plan needs the insured person's explicit consent"
    action = "Read the premium and the plan's terms to the person; with their consent, add --yes."
    action_zh = "请向参保人说明保费和保障内容；经其本人同意后，加上 --yes 重新执行。"


class PlanPurchaseRefused(MedtermError):
    code = "E851"
    message_zh = "商业保险购买未成功，未扣款"
    message_en = "the platform refused the plan purchase; nothing was taken from the account"
    action = "Read the platform's reason (account balance, plan already held) to the person."
    action_zh = "请向参保人说明医保平台给出的原因（如账户余额不足、已参保）。"


class PlanPurchasePending(MedtermError):
    code = "E852"
    message_zh = "商业保险购买结果未知，已记录"
    message_en = "the plan purchase's outcome is not known yet; it is recorded"
    action = "Run the same purchase again when the platform answers: it is resent, never doubled."
    action_zh = "请在医保平台恢复后再次执行同一购买：终端会重发原请求，不会重复扣费。"


def buy_plan(
    client: PlatformClient,
    purchases: PlanPurchases,
    certno: str,
    plan_code: str,
    *,
    consent: bool,
    now: datetime,
) -> PlanPurchase:
    """Buy (or renew) `plan_code` for the person with ID number `certno`, paid from the
    person's account. An interrupted earlier purchase of the same plan is finished instead."""
    if not consent:
        raise PlanConsentMissing(f"plan {plan_code}: no consent given")
    person_key = purchases.person_key(certno)
    interrupted = purchases.open_purchase(person_key, plan_code)
    if interrupted is not None:
        prepared = PreparedRequest.from_json(json.dumps(interrupted.body))
    else:
        person = identify_online(
            client, Credential(CredentialKind.ID_NUMBER, certno), kind="pharmacy", now=now
        )
        prepared = client.prepare(
            PLAN_BUY_INFNO,
            inputs.buy_plan(person.psn_no, plan_code),
            insuplc_admdvs=person.insuplc_admdvs,
        )
        purchases.prepare(prepared.msgid, person_key, plan_code, fields.body(prepared))
    try:
        response = client.send(prepared)
    except BusinessError as err:
        purchases.finish(prepared.msgid, error=err.detail)
        raise PlanPurchaseRefused(plan_code) from err
    except PlatformError as err:
        raise PlanPurchasePending(f"{plan_code}: {err.code}") from err
    bought: PlanPurchase = parse_result(response)
    purchases.finish(prepared.msgid, response=dict(response.output))
    return bought


def plan_offers(client: PlatformClient, psn_no: str, insuplc_admdvs: str) -> PlanOffers:
    """The plans the person may buy or renew now, with their terms as the platform holds
    them (9805, a read: nothing is journalled), and the account that would pay the premium."""
    request = client.prepare(
        PLAN_OFFER_INFNO, inputs.plan_offers(psn_no), insuplc_admdvs=insuplc_admdvs
    )
    offers: PlanOffers = parse_result(client.send(request))
    return offers
