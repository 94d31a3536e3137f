"""The price query of drugs across pharmacies (药价通): `GET /price/query?q=&lat=&lon=&limit=`.

Plain JSON (a public service, not the fsi envelope): `{"ok": true, "query", "kind", "drugs",
"offers_total", "offers": [{med_list_codg, name, spec, ean, chrgitm_lv, fixmedins_code,
fixmedins_name, price, distance_km?}]}` sorted by price, then pharmacy; HTTP 400 with the
reason for a bad query, 404 when the database holds no prices (generate them with
`python -m simulators.worlds.prices`).

Cost, on 4,000 pharmacies x 20,000 drugs (4 million prices): a barcode or initials query reads
an index of the 20,000 drugs; a name query scans them (`instr`, a few ms); the offers of the
at most `MAX_DRUGS` matched drugs come from the index `(drug_id, price_cents)`, about 200 per
drug, so the sort is over a few thousand rows whatever the size of the table.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import parse_qs

from simulators.central.db import Database
from terminal.rx.errors import PriceQueryInvalid
from terminal.rx.prices import MAX_LIMIT, QueryKind, check_location, parse_query

Reply = tuple[int, dict[str, Any]]
MAX_DRUGS = 20
EARTH_KM = 6371.0088


def query(db: Database, query_string: str) -> Reply:
    params = {k: v[0] for k, v in parse_qs(query_string).items()}
    try:
        asked = parse_query(params.get("q", ""))
        lat, lon = _float(params, "lat"), _float(params, "lon")
        check_location(lat, lon)
        limit = _limit(params.get("limit", "50"))
    except PriceQueryInvalid as err:
        return 400, {"ok": False, "error": err.detail}
    conn = db.conn()
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'prices'").fetchone():
        return 404, {"ok": False, "error": "no price data: run python -m simulators.worlds.prices"}
    if asked.kind is QueryKind.EAN:
        sql, args = "SELECT id FROM price_drugs WHERE ean = ? ORDER BY id LIMIT ?", (asked.text,)
    elif asked.kind is QueryKind.INITIALS:
        sql = (
            "SELECT id FROM price_drugs WHERE initials >= ? AND initials < ? "
            "ORDER BY initials, id LIMIT ?"
        )
        args = (asked.text, asked.text + "~")
    else:
        sql = "SELECT id FROM price_drugs WHERE instr(name, ?) > 0 ORDER BY id LIMIT ?"
        args = (asked.text,)
    drug_ids = [row[0] for row in conn.execute(sql, (*args, MAX_DRUGS)).fetchall()]
    marks = ",".join("?" * len(drug_ids))
    count_sql = f"SELECT COUNT(*) FROM prices WHERE drug_id IN ({marks})"
    total = conn.execute(count_sql, drug_ids).fetchone()[0] if drug_ids else 0
    rows = conn.execute(
        "SELECT d.med_list_codg, d.name, d.spec, d.ean, d.chrgitm_lv, ph.fixmedins_code, "
        "ph.name, ph.lat, ph.lon, p.price_cents FROM prices p "
        "JOIN price_drugs d ON d.id = p.drug_id "
        "JOIN price_pharmacies ph ON ph.id = p.pharmacy_id "
        f"WHERE p.drug_id IN ({marks}) ORDER BY p.price_cents, ph.id LIMIT ?",
        (*drug_ids, limit),
    ).fetchall()
    offers = []
    for codg, name, spec, ean, level, code, pharmacy, plat, plon, cents in rows:
        offer: dict[str, Any] = {
            "med_list_codg": codg,
            "name": name,
            "spec": spec,
            "ean": ean,
            "chrgitm_lv": level,
            "fixmedins_code": code,
            "fixmedins_name": pharmacy,
            "price": f"{cents // 100}.{cents % 100:02d}",
        }
        if lat is not None and lon is not None:
            offer["distance_km"] = f"{_distance_km(lat, lon, plat, plon):.2f}"
        offers.append(offer)
    return 200, {
        "ok": True,
        "query": asked.text,
        "kind": asked.kind.value,
        "drugs": len(drug_ids),
        "offers_total": total,
        "offers": offers,
    }


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): right to metres at a city's scale."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def _float(params: dict[str, str], name: str) -> float | None:
    if name not in params:
        return None
    try:
        value = float(params[name])
    except ValueError:
        raise PriceQueryInvalid(f"{name} must be a number") from None
    if not math.isfinite(value):
        raise PriceQueryInvalid(f"{name} must be a number")
    return value


def _limit(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise PriceQueryInvalid(f"limit must be 1..{MAX_LIMIT}")
    return int(text)
