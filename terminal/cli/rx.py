"""`medterm rx list|show` (e-prescriptions at the centre) and `medterm price` (药价通).

    medterm rx list --certno ID [--json]            a person's prescriptions
    medterm rx show RXNO --certno ID [--json]       one, with the person's ID as consent
    medterm rx show MTRX1.… [--json]                one, from its scanned code
    medterm price QUERY [--near LAT,LON] [--limit N] [--json]

Every argument is checked before anything is sent, and a bad one is refused by argparse with
its name (exit status 2). The ID number is shown masked; `--json` prints it in full, for
scripts on the terminal itself.
"""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from kernel.errors import ConfigError
from kernel.masking import mask_id, mask_name
from terminal.cli.options import add_terminal_options, terminal_config
from terminal.rx import code as rxcode
from terminal.rx.client import RxClient
from terminal.rx.errors import PriceQueryInvalid, RxCodeInvalid
from terminal.rx.prices import MAX_LIMIT, PriceAnswer, PriceClient, PriceQuery, parse_query
from terminal.rx.records import Prescription, RxSummary

_CERTNO = re.compile(r"\d{17}[\dX]")
LEVEL_NAMES = {"01": "甲类 A", "02": "乙类 B", "03": "丙类 C"}


def register(subparsers: Any) -> None:
    rx = subparsers.add_parser("rx", help="e-prescriptions at the prescription centre")
    commands = rx.add_subparsers(dest="rx_command", required=True, metavar="COMMAND")
    listing = commands.add_parser("list", help="a person's prescriptions")
    add_terminal_options(listing)
    listing.add_argument("--certno", type=certno, required=True, metavar="ID")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)
    show = commands.add_parser("show", help="one prescription, by number or scanned code")
    add_terminal_options(show)
    show.add_argument("rxno", type=rx_reference, metavar="RXNO", help="hiRxno or MTRX1 code")
    show.add_argument("--certno", type=certno, metavar="ID", help="the patient's ID (consent)")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=run_show)

    price = subparsers.add_parser("price", help="a drug's price at every pharmacy (药价通)")
    add_terminal_options(price)
    price.add_argument("query", type=price_query, metavar="QUERY", help="name, initials or EAN")
    price.add_argument("--near", type=location, metavar="LAT,LON", help="add distances")
    price.add_argument("--limit", type=limit, default=20, help=f"offers shown, 1..{MAX_LIMIT}")
    price.add_argument("--json", action="store_true", help="print JSON")
    price.set_defaults(handler=run_price)


# -- argument types (argparse names the argument in its message) --------------------------


def certno(text: str) -> str:
    if not _CERTNO.fullmatch(text.strip().upper()):
        raise argparse.ArgumentTypeError("an ID number is 17 digits and a digit or X")
    return text.strip().upper()


def rx_reference(text: str) -> str:
    text = text.strip()
    try:
        if text.startswith(rxcode.PREFIX + "."):
            rxcode.parse(text)
        elif not rxcode.HI_RXNO.fullmatch(text):
            raise RxCodeInvalid("a prescription number is 10-30 digits or capitals")
    except RxCodeInvalid as err:
        raise argparse.ArgumentTypeError(err.detail) from None
    return text


def price_query(text: str) -> PriceQuery:
    try:
        return parse_query(text)
    except PriceQueryInvalid as err:
        raise argparse.ArgumentTypeError(f"{err.detail}; {err.action}") from None


def location(text: str) -> tuple[float, float]:
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("expected LAT,LON in degrees, e.g. 22.54,114.05") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise argparse.ArgumentTypeError("latitude -90..90, longitude -180..180")
    return lat, lon


def limit(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"a whole number 1..{MAX_LIMIT}")
    return int(text)


# -- commands ---------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    client = RxClient.from_config(terminal_config(args))
    try:
        found = client.list_for_person(args.certno)
    finally:
        client.close()
    if args.json:
        print(json.dumps([summary_json(s) for s in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print(f"no prescriptions for {mask_id(args.certno)}")
    for item in found:
        state = f"{item.status.name.lower()}/{item.use.name.lower()}"
        drugs = "、".join(item.drug_names)
        print(f"{item.hi_rxno}  {item.prsc_time[:10]}  {state:<16} {item.fixmedins_name}  {drugs}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    is_code = args.rxno.startswith(rxcode.PREFIX + ".")
    if not is_code and args.certno is None:
        raise ConfigError(
            "argument --certno: required with a prescription number (the patient's consent); "
            "or give the scanned MTRX1 code instead"
        )
    client = RxClient.from_config(terminal_config(args))
    try:
        rx = client.scan(args.rxno) if is_code else client.view_for_person(args.rxno, args.certno)
    finally:
        client.close()
    if args.json:
        print(json.dumps(prescription_json(rx), ensure_ascii=False, indent=2))
        return 0
    print(f"{rx.hi_rxno}  {rx.status.name.lower()} / {rx.use.name.lower()}")
    print(f"  {rx.fixmedins_name} {rx.dept_name} {rx.dr_name}  {rx.prsc_time:%Y-%m-%d %H:%M}")
    print(f"  patient {mask_name(rx.patn_name)} {mask_id(rx.certno)}")
    print(f"  diagnosis {rx.diag_code} {rx.diag_name}")
    print(f"  valid until {rx.vali_end_time:%Y-%m-%d %H:%M}")
    for drug in rx.drugs:
        amount = f"x{drug.cnt}{drug.unit}"
        print(f"  - {drug.med_list_codg} {drug.name} {drug.spec} {amount} {drug.usage}")
    return 0


def run_price(args: argparse.Namespace) -> int:
    config = terminal_config(args)
    client = PriceClient(
        config.platform.base_url,
        timeout=(config.platform.connect_timeout, config.platform.read_timeout),
    )
    lat, lon = args.near if args.near else (None, None)
    try:
        answer = client.query(args.query.text, lat=lat, lon=lon, limit=args.limit)
    finally:
        client.close()
    if args.json:
        print(json.dumps(price_json(answer), ensure_ascii=False, indent=2))
        return 0
    print(f"{answer.query.kind.value} {answer.query.text}: {answer.drugs} drugs, "
          f"{answer.offers_total} offers, cheapest {len(answer.offers)}")  # fmt: skip
    for offer in answer.offers:
        distance = "" if offer.distance_km is None else f"  {offer.distance_km} km"
        level = LEVEL_NAMES[offer.chrgitm_lv.value]
        drug = f"{offer.name} {offer.spec}"
        print(f"{offer.price!s:>9}  {level}  {drug}  {offer.fixmedins_name}{distance}")
    return 0


# -- JSON -------------------------------------------------------------------------------


def summary_json(item: RxSummary) -> dict[str, Any]:
    return {
        "hi_rxno": item.hi_rxno,
        "fixmedins_name": item.fixmedins_name,
        "dr_name": item.dr_name,
        "prsc_time": item.prsc_time,
        "vali_end_time": item.vali_end_time,
        "status": item.status.name.lower(),
        "use": item.use.name.lower(),
        "drugs": list(item.drug_names),
    }


def prescription_json(rx: Prescription) -> dict[str, Any]:
    return {
        "hi_rxno": rx.hi_rxno,
        "hosp_rxno": rx.hosp_rxno,
        "fixmedins_code": rx.fixmedins_code,
        "fixmedins_name": rx.fixmedins_name,
        "dept_name": rx.dept_name,
        "dr_code": rx.dr_code,
        "dr_name": rx.dr_name,
        "diag_code": rx.diag_code,
        "diag_name": rx.diag_name,
        "prsc_time": f"{rx.prsc_time:%Y-%m-%d %H:%M:%S}",
        "vali_end_time": f"{rx.vali_end_time:%Y-%m-%d %H:%M:%S}",
        "certno": rx.certno,
        "status": rx.status.name.lower(),
        "use": rx.use.name.lower(),
        "reserved_by": rx.reserved_by,
        "drugs": [
            {
                "med_list_codg": d.med_list_codg,
                "name": d.name,
                "spec": d.spec,
                "cnt": str(d.cnt),
                "unit": d.unit,
                "days": d.days,
                "usage": d.usage,
            }
            for d in rx.drugs
        ],
    }


def price_json(answer: PriceAnswer) -> dict[str, Any]:
    return {
        "query": answer.query.text,
        "kind": answer.query.kind.value,
        "drugs": answer.drugs,
        "offers_total": answer.offers_total,
        "offers": [
            {
                "med_list_codg": o.med_list_codg,
                "name": o.name,
                "spec": o.spec,
                "ean": o.ean,
                "chrgitm_lv": o.chrgitm_lv.value,
                "fixmedins_code": o.fixmedins_code,
                "fixmedins_name": o.fixmedins_name,
                "price": str(o.price),
                "distance_km": None if o.distance_km is None else str(o.distance_km),
            }
            for o in answer.offers
        ],
    }
