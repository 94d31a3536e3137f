"""The price query (药价通) through the real simulator on a small generated world: by name,
pinyin initials and barcode, cheapest first, with the distance when a location is given, and
a clear refusal for garbage."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from simulators.central.testing import RunningSimulator, start_simulator
from simulators.worlds.prices import write_prices
from terminal.rx.errors import PriceQueryInvalid
from terminal.rx.prices import PriceClient, QueryKind

HERE = (22.5431, 114.0579)  # Futian, Shenzhen


@pytest.fixture(scope="module")
def priced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSimulator]:
    folder = tmp_path_factory.mktemp("prices")
    write_prices(folder / "central.db", pharmacies=60, drugs=400, stocked=80, seed=11)
    sim = start_simulator(folder, db=folder / "central.db")
    yield sim
    sim.stop()


@pytest.fixture
def prices(priced: RunningSimulator) -> PriceClient:
    return PriceClient(priced.url)


def every_offer(db: Path, where: str, arg: str) -> list[int]:
    """All matching prices in cents, by plain SQL over the whole table: the expectation."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT p.price_cents FROM prices p JOIN price_drugs d ON d.id = p.drug_id "
        f"WHERE {where} ORDER BY p.price_cents",
        (arg,),
    ).fetchall()
    return [r[0] for r in rows]


def cents(offers) -> list[int]:
    return [int(o.price.amount * 100) for o in offers]


def test_a_name_finds_the_cheapest_offers_of_every_drug_containing_it(
    priced: RunningSimulator, prices: PriceClient
) -> None:
    answer = prices.query("阿莫西林", limit=30)
    assert answer.query.kind is QueryKind.NAME
    assert all("阿莫西林" in o.name for o in answer.offers)
    expected = every_offer(priced.db, "instr(d.name, ?) > 0", "阿莫西林")
    assert answer.offers_total == len(expected)
    assert cents(answer.offers) == expected[:30]


def test_pinyin_initials_match_the_names_initials_case_insensitively(
    priced: RunningSimulator, prices: PriceClient
) -> None:
    answer = prices.query("amxl", limit=10)
    assert answer.query.text == "AMXL" and answer.offers
    assert all(o.name.startswith("阿莫西林") for o in answer.offers)
    assert cents(answer.offers) == sorted(cents(answer.offers))


def test_a_barcode_finds_exactly_its_drug(priced: RunningSimulator, prices: PriceClient) -> None:
    conn = sqlite3.connect(priced.db)
    ean = conn.execute("SELECT ean FROM price_drugs WHERE id = 7").fetchone()[0]
    answer = prices.query(ean, limit=200)
    assert answer.drugs == 1 and {o.ean for o in answer.offers} == {ean}
    assert cents(answer.offers) == every_offer(priced.db, "d.ean = ?", ean)


def test_a_location_adds_each_pharmacys_distance(
    priced: RunningSimulator, prices: PriceClient
) -> None:
    answer = prices.query("布洛芬", lat=HERE[0], lon=HERE[1], limit=5)
    conn = sqlite3.connect(priced.db)
    for offer in answer.offers:
        lat, lon = conn.execute(
            "SELECT lat, lon FROM price_pharmacies WHERE fixmedins_code = ?",
            (offer.fixmedins_code,),
        ).fetchone()
        # an equirectangular estimate agrees with the haversine to well under 1% in a city
        dx = math.radians(lon - HERE[1]) * math.cos(math.radians(HERE[0])) * 6371.0088
        dy = math.radians(lat - HERE[0]) * 6371.0088
        assert offer.distance_km is not None
        assert abs(float(offer.distance_km) - math.hypot(dx, dy)) < 0.05
    assert prices.query("布洛芬", limit=1).offers[0].distance_km is None


@pytest.mark.parametrize(
    ("query", "reason"),
    [("", "empty"), ("12345", "8 or 13 digits"), ("<script>", "Chinese characters"),
     ("阿莫西林" * 10, "longer than")],
)  # fmt: skip
def test_garbage_is_refused_with_a_reason_on_both_sides(
    priced: RunningSimulator, prices: PriceClient, query: str, reason: str
) -> None:
    with pytest.raises(PriceQueryInvalid, match=reason):
        prices.query(query)
    answer = requests.get(priced.url + "/price/query", params={"q": query}, timeout=10)
    assert answer.status_code == 400 and reason in answer.json()["error"]


def test_a_location_needs_both_coordinates(priced: RunningSimulator) -> None:
    answer = requests.get(
        priced.url + "/price/query", params={"q": "AMXL", "lat": "22.5"}, timeout=10
    )
    assert answer.status_code == 400 and "both lat and lon" in answer.json()["error"]


def test_a_database_without_prices_says_how_to_make_them(sim: RunningSimulator) -> None:
    answer = requests.get(sim.url + "/price/query", params={"q": "AMXL"}, timeout=10)
    assert answer.status_code == 404 and "simulators.worlds.prices" in answer.json()["error"]
