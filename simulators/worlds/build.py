"""Building blocks shared by the default world and the large-world generator: deterministic
keys, valid ID numbers (GB 11643) and EANs, names, institutions, catalogue and policies.

Everything is derived from a seed, so a world regenerates byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date, timedelta
from typing import Any

from terminal import sm2
from terminal.policy.rules import REGIONS_DIR

REGION = "440300"
WORLD_YEAR = 2026
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕鹏辉建国志文斌宇浩"


def key_pair(seed: str, label: str) -> dict[str, str]:
    """A deterministic SM2 key pair: the private scalar is a hash of seed and label."""
    digest = hashlib.sha256(f"{seed}/{label}".encode()).digest()
    private_hex = f"{int.from_bytes(digest, 'big') % (sm2.ORDER - 1) + 1:064x}"
    return {"private_key_hex": private_hex, "public_key_hex": sm2.public_key_of(private_hex)}


def id_number(region: str, birth: date, serial: int) -> str:
    """An 18-digit resident ID number with the GB 11643 check digit (odd serial: male)."""
    body = f"{region}{birth:%Y%m%d}{serial % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK[total % 11]


def ean13(twelve: str) -> str:
    """Append the EAN-13 check digit."""
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(twelve))
    return twelve + str((10 - total % 10) % 10)


def name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given


def card_sn(seed: str, card_no: str) -> str:
    return hashlib.md5(f"{seed}/{card_no}".encode()).hexdigest().upper()


def policies() -> dict[str, Any]:
    """The shipped region policies, plus two simulated insured regions so every cross-region
    case can be settled: 440100 (same province as 440300: the account is usable) with 440300's
    parameters, and 110100 (another province) with 330600's."""
    book = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(REGIONS_DIR.glob("*.json"))
    }
    book["440100"] = dict(book["440300"], region="440100", policy_version="440100-sim-2026.1")
    book["110100"] = dict(book["330600"], region="110100", policy_version="110100-sim-2026.1")
    return book


def institutions(seed: str) -> list[dict[str, str]]:
    rows = [
        ("H44030000001", "深圳市模拟第二人民医院", "2"),
        ("P44030000002", "深圳市模拟康民大药房", "pharmacy"),
        ("C44030000003", "深圳市模拟福田社区健康服务中心", "1"),
        ("H44030000004", "深圳市模拟中心医院", "3"),
    ]
    return [
        {"fixmedins_code": code, "fixmedins_name": title, "level": level, **key_pair(seed, code)}
        for code, title, level in rows
    ]


def catalogue() -> list[dict[str, Any]]:
    """X1..X4 of the worked examples, registration fees, examinations and drugs with EANs."""
    entries: list[dict[str, Any]] = [
        _item("X1", "示例甲类项目X1", "01", med_chrgitm_type="09"),
        _item("X2", "示例乙类项目X2", "02", "0.10", "30.00", med_chrgitm_type="09"),
        _item("X3", "示例丙类项目X3", "03", med_chrgitm_type="09"),
        _item("X4", "示例甲类项目X4", "01", med_chrgitm_type="09"),
        _item("REG01", "普通门诊诊察费", "01", med_chrgitm_type="01"),
        _item("REG02", "副主任医师门诊诊察费", "02", "0.10", med_chrgitm_type="01"),
        _item("REG03", "主任医师门诊诊察费", "02", "0.20", "40.00", med_chrgitm_type="01"),
        _item("E0001", "血常规检查", "01", med_chrgitm_type="04"),
        _item("E0002", "胸部CT平扫", "02", "0.10", "200.00", med_chrgitm_type="04"),
        _item("E0003", "胃镜检查", "02", "0.15", med_chrgitm_type="04"),
    ]
    drugs = [
        ("阿莫西林胶囊 0.25g*24粒", "01", "0", None),
        ("布洛芬缓释胶囊 0.3g*20粒", "01", "0", None),
        ("盐酸二甲双胍片 0.5g*48片", "01", "0", None),
        ("苯磺酸氨氯地平片 5mg*28片", "01", "0", None),
        ("复方甘草片 100片", "02", "0.05", None),
        ("阿托伐他汀钙片 20mg*7片", "02", "0.10", "25.00"),
        ("奥美拉唑肠溶胶囊 20mg*14粒", "02", "0.10", "18.00"),
        ("连花清瘟胶囊 0.35g*24粒", "02", "0.10", None),
        ("维生素C片 100mg*100片", "03", "0", None),
        ("感冒灵颗粒 10g*9袋", "03", "0", None),
        ("板蓝根颗粒 10g*20袋", "03", "0", None),
        ("医用外科口罩 10只", "03", "0", None),
    ]
    for n, (title, level, prop, limit) in enumerate(drugs, start=1):
        entries.append(
            _item(
                f"D{n:04d}",
                title,
                level,
                prop,
                limit,
                ean=ean13(f"6901234{n:05d}"),
                med_chrgitm_type="11",
            )
        )
    return entries


def _item(
    code: str,
    title: str,
    level: str,
    selfpay_prop: str = "0",
    limit: str | None = None,
    *,
    ean: str = "",
    med_chrgitm_type: str = "",
) -> dict[str, Any]:
    return {
        "med_list_codg": code,
        "name": title,
        "chrgitm_lv": level,
        "selfpay_prop": selfpay_prop,
        "pric_uplmt_amt": limit,
        "ean": ean,
        "med_chrgitm_type": med_chrgitm_type,
    }


def departments() -> list[dict[str, Any]]:
    """HIS departments and doctors with the registration fee each doctor's visit costs."""
    return [
        {
            "dept_code": "A01",
            "dept_name": "内科",
            "caty": "A03",
            "doctors": [
                _doctor("D0101", "陈建国", "主任医师", "REG03", "50.00"),
                _doctor("D0102", "林小燕", "住院医师", "REG01", "10.00"),
            ],
        },
        {
            "dept_code": "A02",
            "dept_name": "外科",
            "caty": "A04",
            "doctors": [
                _doctor("D0201", "黄志强", "副主任医师", "REG02", "25.00"),
                _doctor("D0202", "吴丽", "住院医师", "REG01", "10.00"),
            ],
        },
        {
            "dept_code": "A07",
            "dept_name": "儿科",
            "caty": "A07",
            "doctors": [_doctor("D0701", "郑敏", "主治医师", "REG01", "15.00")],
        },
    ]


def _doctor(code: str, title: str, rank: str, item: str, fee: str) -> dict[str, str]:
    return {
        "dr_code": code,
        "dr_name": title,
        "title": rank,
        "reg_med_list_codg": item,
        "reg_fee": fee,
    }


def header(seed: str) -> dict[str, Any]:
    """Everything of a world except its persons."""
    return {
        "region": REGION,
        "year": WORLD_YEAR,
        "platform_key": {"kid": "k2026", "not_after": "2027-12-31", **key_pair(seed, "platform")},
        "institutions": institutions(seed),
        "policies": policies(),
        "catalogue": catalogue(),
        "his": {"departments": departments()},
        "commercial_plans": commercial_plans(),
    }


def commercial_plans() -> list[dict[str, Any]]:
    """The city's commercial supplementary plan (惠民保 kind): it pays a ratio of what basic
    insurance leaves to the patient in the scopes it covers (class-C items, amounts over the
    price limit), after its own deductible, up to an annual cap, within its valid dates."""
    return [
        {
            "plan_code": "SZHMB2026",
            "plan_name": "深圳惠民保2026",
            "insurer": "模拟人寿保险股份有限公司",
            "premium": "59.00",
            "deductible": "100.00",
            "ratio": "0.70",
            "covers": ["fulamt_ownpay_amt", "overlmt_selfpay"],
            "annual_cap": "1000.00",
            "begndate": f"{WORLD_YEAR}-01-01",
            "enddate": f"{WORLD_YEAR}-12-31",
        }
    ]


def policy(number: int, n: int, plan_code: str, state: str, dedc_used: str) -> dict[str, Any]:
    """Person `number`'s `n`-th policy of a plan of `commercial_plans`, for its plan year."""
    plan = next(p for p in commercial_plans() if p["plan_code"] == plan_code)
    return {
        "policy_no": f"HMB{WORLD_YEAR}{number:08d}{n:02d}",
        "plan_code": plan_code,
        "begndate": plan["begndate"],
        "enddate": plan["enddate"],
        "state": state,
        "dedc_used": dedc_used,
        "paid": "0.00",
    }


def random_person(rng: random.Random, seed: str, number: int) -> dict[str, Any]:
    """One ordinary insured person of the region (for large worlds and to pad the default)."""
    insutype = "310" if rng.random() < 0.6 else "390"
    birth = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 80))
    age = WORLD_YEAR - birth.year
    if insutype == "310":
        psn_type = "21" if age >= 60 else "11"
    else:
        psn_type = "1402" if age < 18 else ("1403" if age >= 60 else "1401")
    person: dict[str, Any] = {
        "psn_no": psn_no(number),
        "certno": id_number(REGION, birth, number),
        "psn_name": name(rng),
        "gend": "1" if number % 2 else "2",
        "naty": "01",
        "brdy": birth.isoformat(),
        "insutype": insutype,
        "psn_type": psn_type,
        "insuplc_admdvs": REGION,
        "psn_insu_stas": "1",
        "psn_insu_date": "2015-01-01",
        "cvlserv_flag": "0",
        "emp_name": "深圳市模拟科技有限公司" if psn_type == "11" else "",
        "balc": f"{rng.randrange(0, 300000) / 100:.2f}" if insutype == "310" else "0.00",
    }
    if rng.random() < 0.05:
        kind = rng.choice(("2302", "2303", "2304"))
        person["idet"] = [
            {
                "psn_idet_type": kind,
                "begntime": f"{WORLD_YEAR}-01-01",
                "endtime": f"{WORLD_YEAR}-12-31",
            }
        ]
    card_no = f"S{number:08d}"[-9:]
    person["cards"] = [
        {
            "card_no": card_no,
            "card_sn": card_sn(seed, card_no),
            "version": "3.00",
            "pin": "123456",
            "expires": "2030-12-31",
        }
    ]
    return person


def psn_no(number: int) -> str:
    return f"{REGION}{number:014d}"
