"""Generate drug prices across pharmacies (药价通) into the simulator's SQLite database.

`python -m simulators.worlds.prices --db central.db --pharmacies 4000 --drugs 20000 --seed 1`

Seeded and deterministic: the same arguments write the same rows. Written straight to SQLite
in batches (never a JSON file: 4,000 pharmacies stocking ~1,000 drugs each is 4 million
prices), into tables the simulator's price query reads (`simulators/central/prices.py`):

    price_pharmacies (id, fixmedins_code, name, lat, lon)
    price_drugs      (id, med_list_codg, name, initials, ean, spec, chrgitm_lv)
    prices           (drug_id, pharmacy_id, price_cents)   -- index (drug_id, price_cents)

Drug names are composed from parts whose pinyin initials are known (阿莫西林 = AMXL, 胶囊 =
JN), so the initials are exact without a pinyin library on either side. Locations are spread
over Shenzhen's bounding box; EANs are valid EAN-13 (China prefix 69, check digit computed).
Run it on a database before or after the simulator loaded its world: the tables are its own.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

SCHEMA = """
DROP TABLE IF EXISTS prices;
DROP TABLE IF EXISTS price_drugs;
DROP TABLE IF EXISTS price_pharmacies;
CREATE TABLE price_pharmacies (
    id INTEGER PRIMARY KEY, fixmedins_code TEXT UNIQUE NOT NULL, name TEXT NOT NULL,
    lat REAL NOT NULL, lon REAL NOT NULL);
CREATE TABLE price_drugs (
    id INTEGER PRIMARY KEY, med_list_codg TEXT UNIQUE NOT NULL, name TEXT NOT NULL,
    initials TEXT NOT NULL, ean TEXT NOT NULL, spec TEXT NOT NULL, chrgitm_lv TEXT NOT NULL);
CREATE TABLE prices (
    drug_id INTEGER NOT NULL, pharmacy_id INTEGER NOT NULL, price_cents INTEGER NOT NULL,
    PRIMARY KEY (drug_id, pharmacy_id)) WITHOUT ROWID;
"""
INDEXES = """
CREATE INDEX price_drugs_initials ON price_drugs (initials);
CREATE INDEX price_drugs_ean ON price_drugs (ean);
CREATE INDEX prices_by_price ON prices (drug_id, price_cents);
"""

# (characters, initials): active ingredients, then forms; a name is ingredient + form
INGREDIENTS = [
    ("阿莫西林", "AMXL"), ("布洛芬", "BLF"), ("对乙酰氨基酚", "DYXAJF"), ("头孢克肟", "TBKW"),
    ("阿奇霉素", "AQMS"), ("奥美拉唑", "AMLZ"), ("二甲双胍", "EJSG"), ("硝苯地平", "XBDP"),
    ("氨氯地平", "ALDP"), ("阿托伐他汀", "ATFTT"), ("瑞舒伐他汀", "RSFTT"), ("氯雷他定", "LLTD"),
    ("蒙脱石", "MTS"), ("左氧氟沙星", "ZYFSX"), ("甲硝唑", "JXZ"), ("维生素C", "WSSC"),
    ("缬沙坦", "XST"), ("厄贝沙坦", "EBST"), ("格列美脲", "GLMN"), ("阿司匹林", "ASPL"),
    ("氯吡格雷", "LBGL"), ("孟鲁司特", "MLST"), ("西替利嗪", "XTLQ"), ("雷贝拉唑", "LBLZ"),
    ("复方甘草", "FFGC"), ("板蓝根", "BLG"), ("连花清瘟", "LHQW"), ("六味地黄", "LWDH"),
    ("藿香正气", "HXZQ"), ("银翘解毒", "YQJD"),
]  # fmt: skip
FORMS = [
    ("片", "P"), ("胶囊", "JN"), ("缓释片", "HSP"), ("颗粒", "KL"), ("口服液", "KFY"),
    ("分散片", "FSP"), ("肠溶片", "CRP"), ("软膏", "RG"), ("滴眼液", "DYY"), ("丸", "W"),
]  # fmt: skip
SPECS = ["0.25g*24粒", "0.5g*12片", "10mg*30片", "5mg*28片", "10ml*10支", "15g/支", "6g*10袋"]
MAKERS = ["康民", "仁和", "华润", "白云山", "同仁堂", "哈药", "石药", "扬子江", "恒瑞", "齐鲁"]
LEVELS = ["01", "01", "02", "02", "03"]  # insurance classes A, A, B, B, C
PHARMACY_PREFIXES = ["大药房", "医药连锁", "药店", "健康药房", "平价药房"]
DISTRICTS = ["福田", "罗湖", "南山", "宝安", "龙岗", "龙华", "盐田", "坪山", "光明", "大鹏"]
SHENZHEN = ((22.45, 22.85), (113.75, 114.60))  # lat, lon bounding box
BATCH = 20_000


def ean13(body12: str) -> str:
    """`body12` with its EAN-13 check digit."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def write_prices(
    db_path: Path, *, pharmacies: int, drugs: int, stocked: int, seed: int
) -> int:
    """Write the tables; returns the number of prices. `stocked` is how many drugs each
    pharmacy carries on average (at most `drugs`)."""
    rng = random.Random(seed)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")  # a generated file: rerun on a crash
        conn.executescript(SCHEMA)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO price_pharmacies VALUES (?, ?, ?, ?, ?)",
            (_pharmacy(rng, n) for n in range(1, pharmacies + 1)),
        )
        drug_rows = [_drug(rng, n) for n in range(1, drugs + 1)]
        conn.executemany("INSERT INTO price_drugs VALUES (?, ?, ?, ?, ?, ?, ?)", drug_rows)
        base = {row[0]: 200 + rng.randrange(20_000) for row in drug_rows}  # list price, cents
        count = 0
        for batch in _batches(_prices(rng, pharmacies, drugs, min(stocked, drugs), base)):
            conn.executemany("INSERT INTO prices VALUES (?, ?, ?)", batch)
            count += len(batch)
        conn.execute("COMMIT")
        conn.executescript(INDEXES)
        conn.execute("ANALYZE")
    finally:
        conn.close()
    return count


def _pharmacy(rng: random.Random, n: int) -> tuple[int, str, str, float, float]:
    (lat0, lat1), (lon0, lon1) = SHENZHEN
    name = f"深圳{rng.choice(DISTRICTS)}{rng.choice(MAKERS)}{rng.choice(PHARMACY_PREFIXES)}{n}店"
    lat = round(rng.uniform(lat0, lat1), 6)
    lon = round(rng.uniform(lon0, lon1), 6)
    return (n, f"P440300{n:05d}", name, lat, lon)


def _drug(rng: random.Random, n: int) -> tuple[int, str, str, str, str, str, str]:
    ingredient, ing_initials = rng.choice(INGREDIENTS)
    form, form_initials = rng.choice(FORMS)
    maker = rng.choice(MAKERS)
    name = f"{ingredient}{form}({maker})"
    ean = ean13(f"69{rng.randrange(10**10):010d}")
    return (
        n,
        f"XP{n:08d}",
        name,
        ing_initials + form_initials,
        ean,
        rng.choice(SPECS),
        rng.choice(LEVELS),
    )


def _prices(
    rng: random.Random, pharmacies: int, drugs: int, stocked: int, base: dict[int, int]
) -> Iterator[tuple[int, int, int]]:
    for pharmacy in range(1, pharmacies + 1):
        carried = rng.sample(range(1, drugs + 1), rng.randint(stocked // 2, stocked * 3 // 2))
        for drug in carried:
            yield (drug, pharmacy, max(1, round(base[drug] * rng.uniform(0.7, 1.3))))


def _batches(rows: Iterator[tuple[int, int, int]]) -> Iterator[list[tuple[int, int, int]]]:
    batch: list[tuple[int, int, int]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="the simulator's SQLite file")
    parser.add_argument("--pharmacies", type=int, default=4000)
    parser.add_argument("--drugs", type=int, default=20000)
    parser.add_argument("--stocked", type=int, default=1000, help="drugs per pharmacy (mean)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for name in ("pharmacies", "drugs", "stocked"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    count = write_prices(
        args.db,
        pharmacies=args.pharmacies,
        drugs=args.drugs,
        stocked=args.stocked,
        seed=args.seed,
    )
    print(f"wrote {count} prices of {args.drugs} drugs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
