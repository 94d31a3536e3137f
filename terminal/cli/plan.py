"""`medterm plan buy --certno ID --plan CODE --yes`: buy or renew a commercial plan (惠民保
kind) with the person's personal account, only with their explicit consent (`--yes`);
journalled, so running it again after an interruption finishes the same purchase."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from kernel.masking import mask_id
from offline_store.plans import PlanPurchases
from terminal.app import Terminal
from terminal.cli.options import add_terminal_options, may_create_journal, nonblank, terminal_config
from terminal.flows.plans import buy_plan


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("plan", help="commercial plans (商保): buy or renew")
    actions = parser.add_subparsers(dest="plan_command", required=True, metavar="ACTION")
    buy = actions.add_parser("buy", help="buy or renew a plan with the personal account")
    add_terminal_options(buy, creates_journal=True)
    buy.add_argument("--certno", type=nonblank, required=True, metavar="ID", help="ID number")
    buy.add_argument("--plan", type=nonblank, required=True, metavar="CODE", help="plan code")
    buy.add_argument(
        "--yes",
        action="store_true",
        help="the person consents to pay the premium from their personal account",
    )
    buy.add_argument("--json", action="store_true", help="print JSON")
    buy.set_defaults(handler=_buy)


def _buy(args: argparse.Namespace) -> int:
    config = terminal_config(args)
    with Terminal.open(config, create_journal=may_create_journal(args)) as terminal:
        bought = buy_plan(
            terminal.client,
            PlanPurchases(terminal.journal),
            args.certno,
            args.plan,
            consent=args.yes,
            now=datetime.now(),
        )
    summary = {
        "certno": mask_id(args.certno),
        "policy_no": bought.policy_no,
        "plan_code": bought.plan_code,
        "plan_name": bought.plan_name,
        "begndate": bought.begndate,
        "enddate": bought.enddate,
        "premium": str(bought.premium),
        "balc": str(bought.balc),
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(
            f"已投保 bought: {bought.plan_name} ({bought.plan_code}) policy {bought.policy_no}, "
            f"{bought.begndate} .. {bought.enddate}\n"
            f"  保费 premium {bought.premium} from the personal account, "
            f"余额 balance now {bought.balc}  ({summary['certno']})"
        )
    return 0
