"""The price query's grammar refuses garbage with a typed error; the generator is seeded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from simulators.worlds.prices import ean13, write_prices
from terminal.rx.errors import PriceQueryInvalid
from terminal.rx.prices import QueryKind, parse_query


@given(st.text(max_size=40))
def test_any_text_is_a_query_or_a_typed_refusal(text: str) -> None:
    try:
        query = parse_query(text)
    except PriceQueryInvalid as err:
        assert err.code == "E820" and err.detail
    else:
        assert query.text == query.text.strip() and 0 < len(query.text) <= 30
        if query.kind is QueryKind.INITIALS:
            assert query.text.isupper() or not query.text.isalpha()


def test_the_three_kinds_are_told_apart() -> None:
    assert parse_query("6901234567892").kind is QueryKind.EAN
    assert parse_query("wssc").kind is QueryKind.INITIALS
    assert parse_query(" 维生素C ").kind is QueryKind.NAME


def test_generated_barcodes_carry_their_check_digit() -> None:
    assert ean13("690123456789") == "6901234567892"


def test_the_same_seed_writes_the_same_prices(tmp_path: Path) -> None:
    def dump(name: str, seed: int) -> list[tuple]:
        db = tmp_path / name
        write_prices(db, pharmacies=5, drugs=30, stocked=10, seed=seed)
        conn = sqlite3.connect(db)
        return conn.execute("SELECT * FROM prices ORDER BY drug_id, pharmacy_id").fetchall()

    assert dump("a.db", 4) == dump("b.db", 4)
    assert dump("c.db", 4) != dump("d.db", 5)
