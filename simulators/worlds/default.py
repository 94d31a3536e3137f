"""Write the default world, `simulators/worlds/default.json`: a few dozen people covering every
insurance type, person type, assistance identity, cross-region case, an exhausted cap, an
empty account, suspended insurance, family mutual aid, hospital orders and card versions.

Regenerate with `python -m simulators.worlds.default` (the output is deterministic).
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from simulators.worlds import build

SEED = "medterm-default-world"
DEFAULT_PATH = Path(__file__).with_name("default.json")
PADDING = 16  # ordinary people after the named cases
FIRST_PADDED = 22  # their numbers: fixed, so named cases added later keep everyone's psn_no
Y = build.WORLD_YEAR


def _ytd(dedc: str = "0.00", hifp: str = "0.00", maf: str = "0.00") -> dict[str, Any]:
    return {
        "outpatient": {"dedc_used": dedc, "hifp_paid": hifp},
        "chronic": {"dedc_used": "0.00", "hifp_paid": "0.00"},
        "maf_paid": maf,
    }


def _idet(kind: str) -> list[dict[str, str]]:
    return [{"psn_idet_type": kind, "begntime": f"{Y}-01-01", "endtime": f"{Y}-12-31"}]


CASES: list[dict[str, Any]] = [
    # number, name, birth, insutype, psn_type, region, balc, extra
    {
        "n": 1,
        "name": "张伟",
        "brdy": "1985-03-12",
        "insutype": "310",
        "psn_type": "11",
        "balc": "500.00",
        "ytd": _ytd("150.00"),
        "face": "obama_1.jpg",
        "card": "3.00",
        "note": "worked example 1: employed, deductible 150 used, account 500",
    },
    {
        "n": 2,
        "name": "王芳",
        "brdy": "1990-07-08",
        "insutype": "390",
        "psn_type": "1401",
        "balc": "0.00",
        "idet": _idet("2302"),
        "face": "biden_1.jpg",
        "card": "2.00",
        "note": "worked example 2: resident adult with subsistence allowance (2302)",
    },
    {
        "n": 3,
        "name": "李秀英",
        "brdy": "1950-11-23",
        "insutype": "310",
        "psn_type": "21",
        "balc": "25.00",
        "ytd": _ytd("100.00", "3990.00"),
        "mulaid": [(4, "spouse")],
        "card": "1.00",
        "note": "worked example 3: retired, near the cap, family aid from 4",
    },
    {
        "n": 4,
        "name": "刘洋",
        "brdy": "1952-02-14",
        "insutype": "310",
        "psn_type": "21",
        "balc": "100.00",
        "card": "3.00",
        "note": "spouse of 3, account 100 shared with 3",
    },
    {
        "n": 5,
        "name": "陈静",
        "brdy": "2015-05-01",
        "insutype": "390",
        "psn_type": "1402",
        "balc": "0.00",
        "idet": _idet("2303"),
        "card": "3.00",
        "note": "resident minor, extreme poverty support (2303)",
    },
    {
        "n": 6,
        "name": "杨勇",
        "brdy": "1948-09-30",
        "insutype": "390",
        "psn_type": "1403",
        "balc": "0.00",
        "idet": _idet("2304"),
        "card": "2.00",
        "note": "resident elderly, low-income edge (2304)",
    },
    {
        "n": 7,
        "name": "赵磊",
        "brdy": "1979-12-01",
        "insutype": "310",
        "psn_type": "11",
        "balc": "1200.00",
        "ytd": _ytd("200.00", "3000.00"),
        "card": "3.00",
        "note": "employee outpatient cap exhausted",
    },
    {
        "n": 8,
        "name": "黄敏",
        "brdy": "1995-04-17",
        "insutype": "310",
        "psn_type": "11",
        "balc": "0.00",
        "card": "3.00",
        "note": "empty personal account",
    },
    {
        "n": 9,
        "name": "周杰",
        "brdy": "1988-06-06",
        "insutype": "310",
        "psn_type": "11",
        "balc": "350.00",
        "stas": "2",
        "card": "3.00",
        "note": "insurance suspended (stas 2)",
    },
    {
        "n": 10,
        "name": "吴婷",
        "brdy": "1992-10-10",
        "insutype": "310",
        "psn_type": "11",
        "region": "330600",
        "balc": "300.00",
        "face": "leslie_1.jpg",
        "card": "3.00",
        "note": "cross-region, insured in 330600 (another province: account not usable)",
    },
    {
        "n": 11,
        "name": "徐强",
        "brdy": "1955-01-20",
        "insutype": "310",
        "psn_type": "21",
        "region": "110100",
        "balc": "800.00",
        "card": "3.00",
        "note": "cross-province, insured in 110100 (account not usable here)",
    },
    {
        "n": 12,
        "name": "孙丽",
        "brdy": "1983-08-08",
        "insutype": "390",
        "psn_type": "1401",
        "region": "330600",
        "balc": "0.00",
        "card": "2.00",
        "note": "cross-region resident from 330600",
    },
    {
        "n": 13,
        "name": "马超",
        "brdy": "1958-03-03",
        "insutype": "310",
        "psn_type": "21",
        "balc": "2600.00",
        "face": "lacamoire_1.jpg",
        "card": "3.00",
        "ytd": {
            "outpatient": {"dedc_used": "100.00", "hifp_paid": "820.00"},
            "chronic": {"dedc_used": "0.00", "hifp_paid": "1500.00"},
            "maf_paid": "0.00",
        },
        "note": "retired with chronic-disease usage",
    },
    {
        "n": 14,
        "name": "朱红",
        "brdy": "1975-12-12",
        "insutype": "310",
        "psn_type": "11",
        "balc": "640.00",
        "card": "2.00",
        "card_expires": "2024-12-31",
        "note": "social security card expired",
    },
    {
        "n": 15,
        "name": "胡军",
        "brdy": "1987-02-02",
        "insutype": "390",
        "psn_type": "1401",
        "balc": "0.00",
        "card": "3.00",
        "orders": True,
        "note": "pending hospital orders",
    },
    {
        "n": 16,
        "name": "郭雪",
        "brdy": "1991-09-09",
        "insutype": "310",
        "psn_type": "11",
        "balc": "80.00",
        "card": "3.00",
        "orders": True,
        "mulaid": [(17, "parent")],
        "note": "pending orders, small account, family aid from 17",
    },
    {
        "n": 17,
        "name": "林涛",
        "brdy": "1962-04-04",
        "insutype": "310",
        "psn_type": "11",
        "balc": "2000.00",
        "card": "1.00",
        "note": "parent of 16",
    },
    {
        "n": 18,
        "name": "何洁",
        "brdy": "2019-01-15",
        "insutype": "390",
        "psn_type": "1402",
        "balc": "0.00",
        "card": "3.00",
        "note": "resident minor",
    },
    {
        "n": 19,
        "name": "高峰",
        "brdy": "1946-07-07",
        "insutype": "310",
        "psn_type": "21",
        "balc": "1500.00",
        "idet": _idet("2302"),
        "card": "3.00",
        "note": "retired employee with subsistence allowance",
    },
    {
        "n": 20,
        "name": "罗琳",
        "brdy": "1949-05-05",
        "insutype": "390",
        "psn_type": "1403",
        "balc": "0.00",
        "idet": _idet("2303"),
        "ytd": _ytd(maf="29990.00"),
        "card": "3.00",
        "note": "assistance cap almost used (maf_paid 29990)",
    },
    {
        "n": 21,
        "name": "梁志文",
        "brdy": "1986-06-18",
        "insutype": "310",
        "psn_type": "11",
        "region": "440100",
        "balc": "420.00",
        "card": "3.00",
        "note": "cross-region within the province, insured in 440100 (account usable)",
    },
    # commercial plans (docs/commercial.md): numbered after the padding
    {
        "n": 38,
        "name": "孙悦",
        "brdy": "1983-08-08",
        "insutype": "310",
        "psn_type": "11",
        "balc": "0.00",
        "card": "3.00",
        "policies": [("SZHMB2026", "active", "100.00")],
        "note": "city commercial plan 2026, its deductible used; empty account (cash part paid)",
    },
    {
        "n": 39,
        "name": "马丽",
        "brdy": "1979-03-03",
        "insutype": "310",
        "psn_type": "11",
        "balc": "300.00",
        "card": "3.00",
        "policies": [("SZHMB2026", "active", "0.00")],
        "note": "city commercial plan 2026, deductible not used yet; account 300",
    },
    {
        "n": 40,
        "name": "朱建华",
        "brdy": "1975-10-10",
        "insutype": "310",
        "psn_type": "11",
        "balc": "200.00",
        "card": "3.00",
        "note": "no commercial plan; account 200 (buys one: medterm plan buy)",
    },
]


def _orders(number: int) -> list[dict[str, Any]]:
    return [
        {
            "rxno": f"RX{Y}0101{number:04d}01",
            "dept_code": "A01",
            "dept_name": "内科",
            "dr_code": "D0101",
            "dr_name": "陈建国",
            "created": f"{Y}-01-01 09:30:00",
            "items": [
                {"med_list_codg": "E0001", "name": "血常规检查", "pric": "20.00", "cnt": "1"},
                {
                    "med_list_codg": "D0006",
                    "name": "阿托伐他汀钙片 20mg*7片",
                    "pric": "28.50",
                    "cnt": "2",
                },
                {
                    "med_list_codg": "D0009",
                    "name": "维生素C片 100mg*100片",
                    "pric": "6.80",
                    "cnt": "1",
                },
            ],
        },
        {
            "rxno": f"RX{Y}0101{number:04d}02",
            "dept_code": "A02",
            "dept_name": "外科",
            "dr_code": "D0201",
            "dr_name": "黄志强",
            "created": f"{Y}-01-01 10:05:00",
            "items": [
                {"med_list_codg": "E0002", "name": "胸部CT平扫", "pric": "230.00", "cnt": "1"}
            ],
        },
    ]


def person(case: dict[str, Any]) -> dict[str, Any]:
    number = case["n"]
    region = case.get("region", build.REGION)
    birth = date.fromisoformat(case["brdy"])
    card_no = f"A{number:08d}"
    entry: dict[str, Any] = {
        "psn_no": build.psn_no(number),
        "certno": build.id_number(
            build.REGION if region == build.REGION else region, birth, 100 + number
        ),
        "psn_name": case["name"],
        "gend": "1" if (100 + number) % 2 else "2",
        "naty": "01",
        "brdy": case["brdy"],
        "insutype": case["insutype"],
        "psn_type": case["psn_type"],
        "insuplc_admdvs": region,
        "psn_insu_stas": case.get("stas", "1"),
        "psn_insu_date": "2012-07-01",
        "paus_insu_date": f"{Y}-03-01" if case.get("stas", "1") != "1" else "",
        "cvlserv_flag": "0",
        "emp_name": "深圳市模拟科技有限公司" if case["psn_type"] == "11" else "",
        "balc": case["balc"],
        "note": case["note"],
        "idet": case.get("idet", []),
        "ytd": case.get("ytd", _ytd()),
        "cards": [
            {
                "card_no": card_no,
                "card_sn": build.card_sn(SEED, card_no),
                "version": case["card"],
                "pin": "123456",
                "expires": case.get("card_expires", "2030-12-31"),
            }
        ],
        "mulaid": [
            {"psn_no": build.psn_no(other), "relation": relation}
            for other, relation in case.get("mulaid", [])
        ],
    }
    if "face" in case:
        entry["face_image"] = f"faces/{case['face']}"
    if case.get("orders"):
        entry["pending_orders"] = _orders(number)
    if case.get("policies"):
        entry["policies"] = [
            build.policy(number, n, plan, state, dedc_used)
            for n, (plan, state, dedc_used) in enumerate(case["policies"], start=1)
        ]
    return entry


def world() -> dict[str, Any]:
    data = build.header(SEED)
    data["persons"] = [person(case) for case in CASES]
    rng = random.Random(SEED)
    data["persons"] += [
        build.random_person(rng, SEED, number)
        for number in range(FIRST_PADDED, FIRST_PADDED + PADDING)
    ]
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    text = json.dumps(world(), ensure_ascii=False, indent=1) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
