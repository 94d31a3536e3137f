"""Sign-in and identification: 9001, 1162 (e-voucher), 1191 (face), 1101 (person info)."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from simulators.central import commercial, persons, voucher
from simulators.central import fields as f
from simulators.central.fields import Rejected
from simulators.central.persons import Person
from simulators.central.platform import Context, Output

EC_TOKEN_TTL = 600  # seconds an ecToken from 1162 stays usable for 1101
FACE_AUTH_TTL = 120  # seconds an authNo from 1191 stays usable for 1101
CERT_TYPES = frozenset({"01", "02", "03", "90"})
ID_CARD = "01"  # psn_cert_type of a resident ID card


def sign_in(ctx: Context) -> Output:
    data = f.sub(ctx.request.input, "signIn", "input")
    f.text(data, "opter_no", "input.signIn", max_len=30)
    f.text(data, "mac", "input.signIn", max_len=50, min_len=0, required=False)
    f.text(data, "ip", "input.signIn", max_len=50, min_len=0, required=False)
    key = ctx.world.platform_key
    return {
        "signinoutb": {
            "sign_time": f"{ctx.now:%Y-%m-%d %H:%M:%S}",
            "sign_no": f"{ctx.now:%Y%m%d%H%M%S}{secrets.randbelow(10**8):08d}",
        },
        "platform_keys": [
            {"kid": key.kid, "public_key_hex": key.public_key_hex, "not_after": key.not_after}
        ],
        "policy_version": ctx.world.policy_version,
    }


def decode_voucher(ctx: Context) -> Output:
    data = f.sub(ctx.request.input, "data", "input")
    qr = f.text(data, "ecQrCode", "input.data", max_len=4096)
    business = frozenset({"01101", "01301", "02121"})
    f.text(data, "businessType", "input.data", max_len=5, choices=business)
    for key in ("deviceType", "termId", "orgId", "operatorId"):
        f.text(data, key, "input.data", max_len=100, min_len=0, required=False)
    now = ctx.now.timestamp()
    code = voucher.decode(ctx.world.platform_key, qr, now)
    row = ctx.conn.execute(
        "SELECT decoded FROM tokens WHERE tok = ? AND kind = 'ec'", (code.tok,)
    ).fetchone()
    if row is None:
        raise Rejected("电子凭证未知", "e-voucher token was not issued by this platform")
    if row[0] is not None:
        raise Rejected("电子凭证已使用", "e-voucher already used (replayed); refresh the code")
    ctx.conn.execute(
        "UPDATE tokens SET decoded = ?, expires = ? WHERE tok = ?",
        (now, now + EC_TOKEN_TTL, code.tok),
    )
    return {
        "data": {
            "idNo": code.identity.get("idNo", ""),
            "idType": code.identity.get("idType", ""),
            "userName": code.identity.get("name", ""),
            "insuOrg": code.insu_org,
            "ecToken": code.tok,
        }
    }


def face_authorize(ctx: Context) -> Output:
    data = f.sub(ctx.request.input, "data", "input")
    encoding = f.items(data, "encoding", "input.data", max_len=128)
    if len(encoding) != 128 or not all(
        isinstance(x, (int, float)) and not isinstance(x, bool) and abs(x) < 100 for x in encoding
    ):
        raise f.bad("input.data.encoding", "must be 128 numbers")
    f.text(data, "termId", "input.data", max_len=100, min_len=0, required=False)
    liveness = f.sub(data, "liveness", "input.data")
    if liveness.get("passed") is not True:
        raise Rejected("活体检测未通过", "liveness check did not pass; no face authorisation")
    index = ctx.faces.index()
    if index is None:
        raise Rejected("人脸识别服务不可用", "face search unavailable on this platform")
    match = index.search([float(x) for x in encoding])
    if match is None:
        raise Rejected("未找到匹配的人脸", "no enrolled face is close enough")
    person = persons.find(ctx.conn, match[0])
    auth_no = secrets.token_hex(16).upper()
    ctx.conn.execute(
        "INSERT INTO tokens VALUES (?, 'face', ?, ?, NULL, NULL)",
        (auth_no, person.psn_no, ctx.now.timestamp() + FACE_AUTH_TTL),
    )
    return {
        "data": {
            "authNo": auth_no,
            "psn_cert_type": ID_CARD,
            "certno": person.certno,
            "mask": persons.mask_name(person.name),
        }
    }


def person_info(ctx: Context) -> Output:
    data = f.sub(ctx.request.input, "data", "input")
    cert_type = f.text(data, "mdtrt_cert_type", "input.data", max_len=2, choices=CERT_TYPES)
    cert_no = f.text(data, "mdtrt_cert_no", "input.data", max_len=64)
    card_sn = f.text(data, "card_sn", "input.data", max_len=64, min_len=0, required=False)
    name = f.text(data, "psn_name", "input.data", max_len=50, min_len=0, required=False)
    f.text(data, "psn_cert_type", "input.data", max_len=6, min_len=0, required=False)
    f.text(data, "certno", "input.data", max_len=50, min_len=0, required=False)
    f.text(data, "begntime", "input.data", max_len=19, min_len=0, required=False)
    if cert_type == "02":
        person = persons.find_by_certno(ctx.conn, cert_no)
        if name and name != person.name:
            raise Rejected("姓名与身份证号不符", "psn_name does not match the ID number")
    elif cert_type == "03":
        person = _by_card(ctx, cert_no, card_sn)
    else:
        person = _by_token(ctx, cert_no, "ec" if cert_type == "01" else "face")
    return _person_output(ctx, person)


def _by_card(ctx: Context, card_no: str, card_sn: str) -> Person:
    row = ctx.conn.execute(
        "SELECT card_sn, psn_no, expires FROM cards WHERE card_no = ?", (card_no,)
    ).fetchone()
    if row is None or row[0].upper() != card_sn.upper():
        raise Rejected("社保卡信息不符", "unknown social security card or card_sn mismatch")
    if date.fromisoformat(row[2]) < ctx.now.date():
        raise Rejected("社保卡已过期", "social security card has expired; use another credential")
    return persons.find(ctx.conn, row[1])


def _by_token(ctx: Context, token: str, kind: str) -> Person:
    what = "ecToken" if kind == "ec" else "face authNo"
    row = ctx.conn.execute(
        "SELECT psn_no, expires, decoded, used FROM tokens WHERE tok = ? AND kind = ?",
        (token, kind),
    ).fetchone()
    if row is None or (kind == "ec" and row[2] is None):
        raise Rejected("凭证令牌无效", f"{what} unknown")
    if row[3] is not None:
        raise Rejected("凭证令牌已使用", f"{what} already used (single use)")
    if ctx.now.timestamp() > row[1]:
        raise Rejected("凭证令牌已过期", f"{what} expired")
    ctx.conn.execute("UPDATE tokens SET used = ? WHERE tok = ?", (ctx.now.timestamp(), token))
    return persons.find(ctx.conn, row[0])


def _person_output(ctx: Context, person: Person) -> Output:
    p = person.profile
    birth = date.fromisoformat(str(p.get("brdy", "1970-01-01")))
    output: dict[str, Any] = {
        "baseinfo": {
            "psn_no": person.psn_no,
            "psn_cert_type": ID_CARD,
            "certno": person.certno,
            "psn_name": person.name,
            "gend": str(p.get("gend", "")),
            "naty": str(p.get("naty", "01")),
            "brdy": birth.isoformat(),
            "age": str(_age(birth, ctx.now)),
        },
        "insuinfo": [
            {
                "balc": str(person.balc),
                "insutype": str(p.get("insutype", "")),
                "psn_type": str(p.get("psn_type", "")),
                "psn_insu_stas": str(p.get("psn_insu_stas", "")),
                "psn_insu_date": str(p.get("psn_insu_date", "")),
                "paus_insu_date": str(p.get("paus_insu_date", "")),
                "cvlserv_flag": str(p.get("cvlserv_flag", "0")),
                "insuplc_admdvs": person.insuplc_admdvs,
                "emp_name": str(p.get("emp_name", "")),
            }
        ],
        "idetinfo": [
            {
                "psn_idet_type": str(i["psn_idet_type"]),
                "psn_type_lv": str(i.get("psn_type_lv", "")),
                "begntime": str(i["begntime"]),
                "endtime": str(i.get("endtime") or ""),
            }
            for i in p.get("idet", [])
        ],
        "mulaid": [
            {
                "psn_no": member,
                "psn_name": persons.find(ctx.conn, member).name,
                "relation": relation,
                "acct_balc": str(persons.balance(ctx.conn, member)),
            }
            for member, relation in person.mulaid_members().items()
        ],
        # project extension: the commercial policies covering today (docs/commercial.md), so
        # a terminal pre-claims only for a person who holds one
        "commercial_policies": commercial.policies_on(ctx.conn, person.psn_no, ctx.now.date()),
    }
    if p.get("face_image"):
        index = ctx.faces.index()
        encoding = None if index is None else index.reference(person.psn_no)
        if encoding is not None:
            output["face_ref"] = {
                "kid": ctx.world.platform_key.kid,
                "encoding": [float(x) for x in encoding],
            }
    return output


def _age(birth: date, now: datetime) -> int:
    today = now.date()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
