"""`medterm checkout`: one headless checkout, the same saga and journal the screens use."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kernel.breakdown import Breakdown
from kernel.errors import ConfigError, MoneyError
from kernel.fees import CatalogueItem
from kernel.masking import mask_id, mask_name
from kernel.money import Money
from kernel.states import TxKind
from terminal.app import Terminal, load_catalogue
from terminal.cli.options import (
    ArgumentError,
    add_terminal_options,
    http_url,
    may_create_journal,
    nonblank,
    terminal_config,
)
from terminal.config import InstitutionKind
from terminal.flows.bill import BillLine
from terminal.flows.checkout import CheckoutOutcome, CheckoutRequest, PaymentAttempt
from terminal.flows.identify import Credential, CredentialKind
from terminal.payment import PaymentResult

# A payment code the demo customer "shows" (WeChat Pay range, 18 digits): the gateway
# simulator charges it like any other.
DEMO_PAYMENT_CODE = "134567890123456789"
# more units on one bill line is a typo, not a sale
MAX_ITEM_COUNT = 10_000

BREAKDOWN_ROWS = (
    ("medfee_sumamt", "医疗费总额 total fees"),
    ("fulamt_ownpay_amt", "全自费 fully self-paid"),
    ("overlmt_selfpay", "超限价 over price limit"),
    ("preselfpay_amt", "先行自付 class B share"),
    ("inscp_scp_amt", "符合范围 in scope"),
    ("act_pay_dedc", "起付线 deductible"),
    ("hifp_pay", "统筹基金 pooled fund"),
    ("maf_pay", "医疗救助 medical assistance"),
    ("fund_pay_sumamt", "基金合计 funds total"),
    ("psn_part_amt", "个人负担 person's part"),
    ("acct_pay", "个人账户 personal account"),
    ("acct_mulaid_pay", "共济账户 family account"),
    ("psn_cash_pay", "现金等 cash and other"),
    ("balc", "账户余额 account balance"),
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("checkout", help="run one checkout against a platform")
    add_terminal_options(parser, creates_journal=True)
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--voucher", type=nonblank, metavar="QR", help="an e-voucher QR string")
    who.add_argument("--certno", type=nonblank, metavar="ID", help="a resident ID number")
    who.add_argument("--card", type=nonblank, metavar="NO", help="a social security card number")
    parser.add_argument("--card-sn", default="", help="the card identifier, with --card")
    parser.add_argument(
        "--item",
        action="append",
        default=[],
        metavar="CODE:PRICE:COUNT",
        help="a bill line (repeatable); without any, the person's unpaid hospital orders",
    )
    parser.add_argument(
        "--his", type=http_url, metavar="URL", help="hospital system URL (default: platform)"
    )
    parser.add_argument(
        "--catalogue", type=Path, help="catalogue (or world) file for offline estimates"
    )
    parser.add_argument(
        "--pay", choices=("paycode", "cash", "credit"), default="paycode", help="self-pay channel"
    )
    parser.add_argument("--auth-code", default=DEMO_PAYMENT_CODE, help="payment code scanned")
    parser.add_argument("--no-account", action="store_true", help="do not use personal account")
    parser.add_argument("--mulaid", default="", metavar="PSN_NO", help="family account (共济)")
    parser.add_argument(
        "--no-commercial",
        action="store_true",
        help="do not claim on the person's commercial plan (商保) for this sale",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    config = terminal_config(args)
    kind = (
        TxKind.PHARMACY
        if config.terminal.institution_kind is InstitutionKind.PHARMACY
        else TxKind.OUTPATIENT
    )
    request = CheckoutRequest(
        kind=kind,
        credential=credential_from(args),
        lines=tuple(parse_item(text, n) for n, text in enumerate(args.item, start=1)),
        use_account=not args.no_account,
        mulaid_psn_no=args.mulaid,
        use_commercial=not args.no_commercial,
    )
    with Terminal.open(
        config,
        his_url=args.his or config.platform.base_url,
        catalogue=catalogue_argument(args.catalogue, "--catalogue") if args.catalogue else None,
        create_journal=may_create_journal(args),
    ) as terminal:
        terminal.recover()
        terminal.ensure_selling()
        outcome = terminal.saga.run(request, collector_for(terminal, args))
    print(
        json.dumps(outcome_json(outcome), ensure_ascii=False, indent=2)
        if args.json
        else render(outcome)
    )
    return 0


def credential_from(args: argparse.Namespace) -> Credential:
    if args.voucher:
        return Credential(CredentialKind.VOUCHER, args.voucher)
    if args.certno:
        return Credential(CredentialKind.ID_NUMBER, args.certno)
    return Credential(CredentialKind.CARD, args.card, card_sn=args.card_sn)


def catalogue_argument(path: Path, option: str) -> dict[str, CatalogueItem]:
    """`load_catalogue` of a file named by `option`: its failure blames the argument."""
    try:
        return load_catalogue(path)
    except ConfigError as err:
        raise ArgumentError(f"{option}: {err.detail}") from None


def parse_item(text: str, n: int) -> BillLine:
    """`CODE:PRICE:COUNT[:TRACE,TRACE...]` as given on the command line."""
    parts = text.split(":")
    if len(parts) not in (3, 4) or not parts[0].strip():
        raise ArgumentError(f"--item {text!r}: expected CODE:PRICE:COUNT")
    try:
        count = Decimal(parts[2])
    except InvalidOperation:
        count = Decimal("NaN")
    if not count.is_finite() or count <= 0 or count > MAX_ITEM_COUNT:
        raise ArgumentError(
            f"--item {text!r}: the count must be a number above 0 and at most {MAX_ITEM_COUNT}"
        )
    try:
        price = Money.parse(parts[1], field="--item price")
    except MoneyError as err:
        raise ArgumentError(f"--item {text!r}: {err.detail}") from None
    traces = tuple(t for t in parts[3].split(",") if t) if len(parts) == 4 else ()
    return BillLine(
        feedetl_sn=f"L{n:03d}",
        med_list_codg=parts[0],
        name=parts[0],
        pric=price,
        cnt=count,
        drug_trac_codg=traces,
    )


class ChannelCollector:
    """Takes the self-pay part through one channel of the terminal."""

    def __init__(self, terminal: Terminal, channel: str, auth_code: str, payer_ref: str) -> None:
        self.terminal = terminal
        self.channel = channel
        self.auth_code = auth_code
        self.payer_ref = payer_ref

    def __call__(self, order_no: str, amount: Money, attempt: PaymentAttempt) -> PaymentResult:
        channels = self.terminal.channels
        if self.channel == "cash":
            return channels["cash"].collect(order_no, amount, tendered=amount)  # type: ignore[attr-defined]
        if self.channel == "credit":
            return channels["credit"].collect(order_no, amount, self.payer_ref)  # type: ignore[attr-defined]
        return channels["paycode"].charge(  # type: ignore[attr-defined]
            order_no, amount, self.auth_code, cancel=attempt.cancel
        )


def collector_for(terminal: Terminal, args: argparse.Namespace) -> ChannelCollector:
    return ChannelCollector(
        terminal, args.pay, args.auth_code, payer_ref=terminal.config.terminal.terminal_id
    )


def outcome_json(outcome: CheckoutOutcome) -> dict[str, Any]:
    tx = outcome.transaction
    identity = tx.identity
    setlinfo = outcome.breakdown.to_setlinfo()
    return {
        "tx_id": tx.tx_id,
        "state": tx.state.value,
        "offline": outcome.offline,
        "person": {
            "name": mask_name(identity.name) if identity else "",
            "certno": mask_id(identity.certno) if identity else "",
        },
        "breakdown": {**setlinfo, "psn_name": mask_name(setlinfo["psn_name"])},
        "commercial": {
            "state": outcome.claim.state.value,
            "plan_name": outcome.claim.plan_name,
            "commercial_pay": str(outcome.breakdown.commercial_pay),
            "reason": outcome.claim.reason,
        },
        "collected": str(outcome.collected),
    }


def render(outcome: CheckoutOutcome) -> str:
    tx = outcome.transaction
    who = tx.identity
    title = "离线暂存 stored offline (estimate)" if outcome.offline else "结算成功 settled"
    lines = [
        f"{title}: transaction {tx.tx_id} [{tx.state.value}]",
        f"  {mask_name(who.name) if who else ''} {mask_id(who.certno) if who else ''}".rstrip(),
    ]
    lines += breakdown_table(outcome.breakdown)
    if outcome.claim.shown:
        lines.append(f"  {'商保支付 commercial plan':<32}{outcome.breakdown.commercial_pay!s:>12}")
        lines.append(f"    {outcome.claim.describe()}")
    lines.append(f"  {'已收取 collected now':<32}{outcome.collected!s:>12}")
    return "\n".join(lines)


def breakdown_table(breakdown: Breakdown) -> list[str]:
    values = breakdown.to_setlinfo()
    out = [f"  setl_id {breakdown.setl_id}" if breakdown.setl_id else "  (no settlement id yet)"]
    out += [f"  {label:<32}{values[name]:>12}" for name, label in BREAKDOWN_ROWS]
    return out
