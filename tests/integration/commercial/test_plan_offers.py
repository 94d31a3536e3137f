"""9805 (the plans a person may buy or renew, with their terms) over HTTP against the
simulator, and the kiosk's purchase through `medterm plan buy`'s function: what is offered is
what 9804 then sells (one rule at the platform), a renewal after a purchase, nothing once
the next year is held too; refused without consent before anything is sent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from terminals import PERSONS, WORLD, open_terminal

from kernel.money import Money
from offline_store.plans import PlanPurchases
from terminal.app import Terminal
from terminal.flows.plans import PlanConsentMissing, buy_plan, plan_offers

FRESH = "44030000000000000039"  # holds SZHMB2026 for the world's year, account 300.00
PLAN = WORLD["commercial_plans"][0]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One journal for the module, as one real terminal has: two fresh journals of the same
    terminal in the same second would make the same msgids, which the platform refuses."""
    return tmp_path_factory.mktemp("hospital")


@pytest.fixture
def terminal(data_dir: Path, platform, gateway) -> Iterator[Terminal]:
    opened = open_terminal(data_dir, platform, gateway)
    yield opened
    opened.close()


def offers(terminal: Terminal, psn_no: str):
    return plan_offers(terminal.client, psn_no, PERSONS[psn_no]["insuplc_admdvs"])


def test_the_offer_carries_the_worlds_terms_and_the_account(terminal) -> None:
    found = offers(terminal, FRESH)
    (offer,) = found.offers
    assert (offer.plan_code, offer.plan_name, str(offer.premium)) == (
        PLAN["plan_code"], PLAN["plan_name"], PLAN["premium"]
    )
    assert (str(offer.deductible), str(offer.ratio), str(offer.annual_cap)) == (
        PLAN["deductible"], PLAN["ratio"], PLAN["annual_cap"]
    )
    assert list(offer.covers) == PLAN["covers"] and found.balc == Money("300.00")
    assert offer.renewal and offer.begndate > PLAN["enddate"]  # the next plan year


def test_what_is_offered_is_what_is_sold_and_a_renewal_bought_is_offered_no_more(
    terminal, platform
) -> None:
    certno = PERSONS[FRESH]["certno"]
    purchases = PlanPurchases(terminal.journal)
    with pytest.raises(PlanConsentMissing):
        buy_plan(terminal.client, purchases, certno, PLAN["plan_code"], consent=False,
                 now=datetime.now())
    (offer,) = offers(terminal, FRESH).offers
    bought = buy_plan(terminal.client, purchases, certno, PLAN["plan_code"], consent=True,
                      now=datetime.now())
    assert (bought.begndate, bought.enddate) == (offer.begndate, offer.enddate)
    after = offers(terminal, FRESH)
    assert after.offers == () and after.balc == Money("300.00") - offer.premium
