"""The `/_sim/` control endpoints (loopback only): health, faults, settlements, persons,
vouchers, the clock and HIS orders. Plain JSON in and out; errors are HTTP 400/404."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from simulators.central import commercial, his, persons, voucher
from simulators.central.faults import FaultRuleError, Faults, parse_rules
from simulators.central.fields import TIME_FORMAT, Rejected
from simulators.central.platform import Platform

Reply = tuple[int, dict[str, Any]]


def handle(
    platform: Platform, faults: Faults, method: str, path: str, query: str, body: Any
) -> Reply:
    params = {k: v[0] for k, v in parse_qs(query).items()}
    route = (method, path)
    if route == ("GET", "/_sim/health"):
        return 200, {"ok": True, "region": platform.world.region}
    if path == "/_sim/faults":
        return _faults(faults, method, body)
    if route == ("GET", "/_sim/settlements"):
        return 200, {"ok": True, "settlements": settlements(platform, params.get("psn_no"))}
    if route == ("GET", "/_sim/visits"):
        return 200, {"ok": True, "visits": visits(platform, params.get("psn_no"))}
    if route == ("GET", "/_sim/person"):
        return _person(platform, params)
    if route == ("POST", "/_sim/voucher"):
        return _voucher(platform, body)
    if path == "/_sim/clock":
        return _clock(platform, method, body)
    if route == ("GET", "/_sim/commercial"):
        return _commercial(platform, params)
    if route == ("POST", "/_sim/commercial/policy"):
        return _policy_state(platform, body)
    if route == ("POST", "/_sim/his/orders"):
        return his.add_orders(platform.db, platform.world, body, platform.clock.now())
    return 404, {"ok": False, "error": f"no control endpoint {method} {path}"}


def _commercial(platform: Platform, params: dict[str, str]) -> Reply:
    """Commercial policies and claims, of one person (`?psn_no=`) or of everyone."""
    return 200, {"ok": True, **commercial.holdings(platform.db.conn(), params.get("psn_no"))}


def _policy_state(platform: Platform, body: Any) -> Reply:
    """Suspend or re-activate a policy (`{"policy_no", "state"}`): the insurer's decision."""
    if not isinstance(body, dict) or not isinstance(body.get("policy_no"), str):
        return 400, {"ok": False, "error": 'expected {"policy_no": ..., "state": ...}'}
    try:
        with platform.db.write() as conn:
            commercial.set_policy_state(conn, body["policy_no"], str(body.get("state")))
    except Rejected as err:
        return 400, {"ok": False, "error": err.message}
    return 200, {"ok": True}


def _faults(faults: Faults, method: str, body: Any) -> Reply:
    if method == "DELETE":
        faults.clear()
    elif method == "POST":
        try:
            faults.replace(parse_rules(body))
        except FaultRuleError as err:
            return 400, {"ok": False, "error": str(err)}
    elif method != "GET":
        return 405, {"ok": False, "error": "use GET, POST or DELETE"}
    return 200, {"ok": True, "rules": faults.snapshot()}


def visits(platform: Platform, psn_no: str | None) -> list[dict[str, Any]]:
    """Registered visits (2201) still held, each with its unsettled fee details (2204)."""
    sql = "SELECT mdtrt_id, psn_no, fixmedins_code FROM mdtrts WHERE data != '{}'"
    args: tuple[str, ...] = ()
    if psn_no:
        sql += " AND psn_no = ?"
        args = (psn_no,)
    conn = platform.db.conn()
    fee_keys = ("chrg_bchno", "feedetl_sn", "med_list_codg", "pric", "cnt")
    out = []
    for mdtrt_id, person, code in conn.execute(sql + " ORDER BY seq", args).fetchall():
        fees = conn.execute(
            "SELECT chrg_bchno, feedetl_sn, med_list_codg, pric, cnt FROM fees "
            "WHERE mdtrt_id = ? ORDER BY chrg_bchno, feedetl_sn",
            (mdtrt_id,),
        ).fetchall()
        visit = {"mdtrt_id": mdtrt_id, "psn_no": person, "fixmedins_code": code}
        out.append({**visit, "fees": [dict(zip(fee_keys, f, strict=True)) for f in fees]})
    return out


def settlements(platform: Platform, psn_no: str | None) -> list[dict[str, Any]]:
    sql = (
        "SELECT msgid, infno, kind, setl_id, orig_setl_id, psn_no, fixmedins_code, mdtrt_id, "
        "chrg_bchno, mulaid_psn_no, state, setl_time, setlinfo FROM settlements"
    )
    args: tuple[str, ...] = ()
    if psn_no:
        sql, args = sql + " WHERE psn_no = ?", (psn_no,)
    rows = platform.db.conn().execute(sql + " ORDER BY seq", args).fetchall()
    keys = ("msgid", "infno", "kind", "setl_id", "orig_setl_id", "psn_no", "fixmedins_code")
    keys += ("mdtrt_id", "chrg_bchno", "mulaid_psn_no", "state", "setl_time")
    return [{**dict(zip(keys, r[:-1], strict=True)), "setlinfo": json.loads(r[-1])} for r in rows]


def _person(platform: Platform, params: dict[str, str]) -> Reply:
    conn = platform.db.conn()
    try:
        person = persons.find(conn, params.get("psn_no", ""))
        year = int(params.get("year", platform.clock.now().year))
    except (Rejected, ValueError) as err:
        return 404, {"ok": False, "error": str(err)}
    state = persons.year_state(conn, person, year)
    return 200, {
        "ok": True,
        "psn_no": person.psn_no,
        "balc": str(person.balc),
        "year": year,
        "usage": {
            name: {"dedc_used": str(u.dedc_used), "hifp_paid": str(u.hifp_paid)}
            for name, u in sorted(state.usage.items())
        },
        "maf_paid": str(state.maf_paid),
    }


def _voucher(platform: Platform, body: Any) -> Reply:
    if not isinstance(body, dict) or not isinstance(body.get("psn_no"), str):
        return 400, {"ok": False, "error": 'expected {"psn_no": "...", "ttl": 60..300}'}
    ttl = body.get("ttl", 120)
    if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl not in voucher.TTL_RANGE:
        return 400, {"ok": False, "error": "ttl must be an integer number of seconds, 60..300"}
    with platform.db.write() as conn:
        try:
            person = persons.find(conn, body["psn_no"])
        except Rejected as err:
            return 404, {"ok": False, "error": str(err)}
        iat = int(platform.clock.timestamp())
        qr, tok, exp = voucher.mint(
            platform.world.platform_key,
            {"idType": "01", "idNo": person.certno, "name": person.name},
            person.insuplc_admdvs,
            persons.mask_name(person.name),
            iat,
            ttl,
        )
        conn.execute(
            "INSERT INTO tokens VALUES (?, 'ec', ?, ?, NULL, NULL)", (tok, person.psn_no, exp)
        )
    return 200, {"ok": True, "qr": qr, "ec_token": tok, "exp": exp}


def _clock(platform: Platform, method: str, body: Any) -> Reply:
    if method == "POST":
        if not isinstance(body, dict) or not isinstance(body.get("now"), str):
            return 400, {"ok": False, "error": 'expected {"now": "yyyy-MM-dd HH:mm:ss"}'}
        try:
            platform.clock.set(datetime.strptime(body["now"], TIME_FORMAT))
        except ValueError:
            return 400, {"ok": False, "error": "now must be yyyy-MM-dd HH:mm:ss"}
    elif method == "DELETE":
        platform.clock.set(None)
    elif method != "GET":
        return 405, {"ok": False, "error": "use GET, POST or DELETE"}
    return 200, {"ok": True, "now": f"{platform.clock.now():%Y-%m-%d %H:%M:%S}"}
