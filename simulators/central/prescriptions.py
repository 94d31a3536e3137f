"""The prescription centre (处方流转中心) under `/fixmedins/fixmedins/<op>`.

Hospitals pre-audit (`uploadChk`), have signed (`rxFixmedinsSign`), upload (`rxFileUpld`) and
revoke (`rxUndo`) e-prescriptions; pharmacies list a person's (`rxListQuery`), view one
(`hospRxDetlQuery`, with the patient's consent), upload the pharmacist's review
(`rxChkInfoUpld`, an acceptance reserves it), report the dispensing (`rxSetlInfoUpld`, once)
and everyone concerned reads the review (`rxChkInfoQuery`) and the dispensing
(`rxSetlInfoQuery`). Every request and answer is the SM4/SM2 envelope of
`terminal.rx.envelope`; the fields are those of docs/platform-wire.md.

The rules the centre holds, whoever asks: a prescription is dispensed once, anywhere; never
after its validity (the settlement time counts, so a sale made in time and reported late by
the forwarder still lands); never once revoked; never more of a drug than prescribed, nor a
drug not on it; only by the pharmacy whose pharmacist accepted it. A refusal is `code` != 0
with a message naming the reason (Chinese, then English in brackets), never a 500.

The simulated HIS issues through `issue()` (control endpoint `POST /_sim/his/prescriptions`),
which runs the same three steps a hospital sends over the wire.
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from kernel.errors import MoneyError
from kernel.money import Money
from simulators.central.clock import Clock
from simulators.central.db import Database
from simulators.central.world import World
from terminal import sm2
from terminal.rx import code as rxcode
from terminal.rx.envelope import AppKeys, app_key, open_sealed, seal
from terminal.rx.errors import RxEnvelopeError

Reply = tuple[int, dict[str, Any]]
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_DRUGS = 50
MAX_VALI_DAYS = 30

SCHEMA = """
CREATE TABLE IF NOT EXISTS rx (
    seq INTEGER PRIMARY KEY, hi_rxno TEXT UNIQUE NOT NULL, hosp_rxno TEXT NOT NULL,
    fixmedins_code TEXT NOT NULL, psn_no TEXT NOT NULL, certno TEXT NOT NULL,
    stage TEXT NOT NULL, vali_end_time TEXT NOT NULL, signed_value TEXT NOT NULL,
    sign_digest TEXT, used TEXT NOT NULL DEFAULT '0', rsv_fixmedins TEXT,
    chk TEXT, setl TEXT, undo TEXT,
    UNIQUE (fixmedins_code, hosp_rxno));
CREATE INDEX IF NOT EXISTS rx_certno ON rx (certno);
"""

STATUS_NAMES = {"1": "有效", "2": "已撤销", "3": "已过期"}
USE_NAMES = {"0": "未使用", "1": "已审核待取药", "2": "已取药"}


class Refusal(Exception):
    """A refused operation: the answer's `code` and its message."""

    def __init__(self, code: int, zh: str, en: str) -> None:
        self.code = code
        super().__init__(f"{zh} ({en})")


def _bad(field: str, problem: str) -> Refusal:
    return Refusal(2001, f"字段 {field} 无效", f"{field}: {problem}")


NOT_FOUND = (3001, "处方不存在", "no such prescription")
EXPIRED = (3002, "处方已过期", "the prescription has expired")
REVOKED = (3003, "处方已撤销", "the prescription was revoked by the hospital")
DISPENSED = (3004, "处方已取药", "the prescription was already dispensed")
RESERVED = (3005, "处方已在其他药店审核", "the prescription is reserved by another pharmacy")
OVER = (3006, "取药数量超过处方数量", "more than the prescribed quantity")
NOT_REVIEWED = (3007, "处方未经本药店药师审核", "no accepted review by this pharmacy")
FORBIDDEN = (3008, "无权操作该处方", "this institution may not do that with this prescription")


@dataclass(frozen=True)
class _App:
    kind: str  # "hospital" or "pharmacy"
    name: str
    public_key_hex: str
    sm4_key: bytes


class PrescriptionCentre:
    """The centre over the simulator's database; one per server."""

    def __init__(self, db: Database, world: World, clock: Clock) -> None:
        self.db = db
        self.world = world
        self.clock = clock
        key = world.platform_key
        self.keys = AppKeys("centre", key.private_key_hex, key.public_key_hex, b"")
        static = json.loads(db.meta("world_static") or "{}")
        self.apps: dict[str, _App] = {}
        for inst in static.get("institutions", []):
            private = str(inst.get("private_key_hex", ""))
            if not private:
                continue  # an institution without a key pair cannot use the centre
            code = str(inst["fixmedins_code"])
            self.apps[code] = _App(
                "pharmacy" if inst.get("level") == "pharmacy" else "hospital",
                str(inst.get("fixmedins_name", "")),
                str(inst["public_key_hex"]),
                app_key(code, private),
            )
        db.conn().executescript(SCHEMA)  # at start-up, before the server takes requests

    # -- the wire ----------------------------------------------------------------------------

    def handle(self, operation: str, envelope: Any) -> Reply:
        """One request: opened, run in one write transaction, its answer sealed."""
        handler = self._operations().get(operation)
        if handler is None:
            return 404, {"code": 1004, "message": f"无此接口 (no operation {operation[:60]})"}
        try:
            app_id, body = open_sealed(
                envelope,
                sm4_key_of=lambda app: self.apps[app].sm4_key,
                verify_with=self._verifying_keys,
            )
        except RxEnvelopeError as err:
            return 200, {"code": 1001, "message": f"报文无法解析或验签失败 ({err.detail})"}
        if not isinstance(body, Mapping):
            return 200, {"code": 1001, "message": "报文无法解析 (the body is not an object)"}
        try:
            if body.get("fixmedinsCode", app_id) != app_id:
                raise Refusal(*FORBIDDEN)
            with self.db.write() as conn:
                output = handler(conn, app_id, body)
        except Refusal as err:
            return 200, {"code": err.code, "message": str(err)}
        now_ms = int(self.clock.timestamp() * 1000)
        sealed = seal(
            output, signer=self.keys, sm4_key=self.apps[app_id].sm4_key, app_id=app_id,
            timestamp_ms=now_ms,
        )
        return 200, {"code": 0, "message": "成功", **sealed}

    def _verifying_keys(self, app: str) -> tuple[str, ...]:
        return (self.apps[app].public_key_hex,) if app in self.apps else ()

    def _operations(self) -> dict[str, Any]:
        return {
            "uploadChk": self._pre_audit,
            "rxFixmedinsSign": self._sign,
            "rxFileUpld": self._upload,
            "rxUndo": self._revoke,
            "hospRxDetlQuery": self._view,
            "rxListQuery": self._list,
            "rxChkInfoUpld": self._review,
            "rxChkInfoQuery": self._audit_result,
            "rxSetlInfoUpld": self._dispense,
            "rxSetlInfoQuery": self._dispensing_result,
        }

    # -- the simulated HIS -----------------------------------------------------------------

    def issue(self, body: Any) -> Reply:
        """Control endpoint: a hospital's doctor issues a prescription (pre-audit, sign,
        upload in one go, as the HIS would in three calls). Plain JSON in and out:

            {"fixmedins_code": "H...", "certno": "...", "hosp_rxno"?: "...",
             "dept_name", "dr_code", "dr_name", "diag_code", "diag_name",
             "vali_days": 1..30, "prsc_time"?: "yyyy-MM-dd HH:mm:ss",
             "drugs": [{"med_list_codg", "name", "cnt", "pric", "days"?, "unit"?, "spec"?}]}
        """
        if not isinstance(body, Mapping) or not isinstance(body.get("drugs"), list):
            return 400, {"ok": False, "error": 'expected {"fixmedins_code", "certno", "drugs"}'}
        app_id = str(body.get("fixmedins_code", ""))
        now = self.clock.now()
        with self.db.write() as conn:
            seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM rx").fetchone()[0]
        request = {
            "fixmedinsCode": app_id,
            "mdtrtCertType": "02",
            "mdtrtCertNo": str(body.get("certno", "")),
            "hospRxno": str(body.get("hosp_rxno") or f"HRX{now:%Y%m%d}{seq:06d}"),
            "rxTypeCode": "1",
            "prscTime": str(body.get("prsc_time") or f"{now:%Y-%m-%d %H:%M:%S}"),
            "valiDays": str(body.get("vali_days", 3)),
            "mdtrtinfo": {
                "fixmedinsCode": app_id,
                "prscDeptName": str(body.get("dept_name", "")),
                "drCode": str(body.get("dr_code", "")),
                "prscDrName": str(body.get("dr_name", "")),
                "maindiagCode": str(body.get("diag_code", "")),
                "maindiagName": str(body.get("diag_name", "")),
            },
            "diseinfo": [
                {
                    "diagType": "1",
                    "maindiagFlag": "1",
                    "diagSrtNo": 1,
                    "diagCode": str(body.get("diag_code", "")),
                    "diagName": str(body.get("diag_name", "")),
                }
            ],
            "rxdrugdetail": [_his_drug(d) for d in body["drugs"]],
        }
        try:
            if app_id not in self.apps or self.apps[app_id].kind != "hospital":
                raise Refusal(*FORBIDDEN)
            with self.db.write() as conn:
                checked = self._pre_audit(conn, app_id, request)
                signed = self._sign(conn, app_id, {"originalValue": checked["originalValue"]})
                uploaded = self._upload(
                    conn,
                    app_id,
                    {"hiRxno": checked["hiRxno"], "signDigest": signed["signDigest"]},
                )
        except Refusal as err:
            return 400, {"ok": False, "error": str(err)}
        return 200, {"ok": True, "hi_rxno": uploaded["hiRxno"], "rx_code": uploaded["rxCode"]}

    # -- hospital operations ---------------------------------------------------------------

    def _pre_audit(self, conn: sqlite3.Connection, app: str, body: Mapping[str, Any]) -> Any:
        self._require(app, "hospital")
        psn_no, certno, name = self._person(conn, body)
        hosp_rxno = _text(body, "hospRxno", 30)
        prsc_time = _time(body, "prscTime")
        days = _int(body, "valiDays", 1, MAX_VALI_DAYS)
        end = prsc_time + timedelta(days=days)
        info = _mapping(body.get("mdtrtinfo"), "mdtrtinfo")
        drugs = body.get("rxdrugdetail")
        if not isinstance(drugs, list) or not 0 < len(drugs) <= MAX_DRUGS:
            raise _bad("rxdrugdetail", f"1 to {MAX_DRUGS} drugs")
        if conn.execute(
            "SELECT 1 FROM rx WHERE fixmedins_code = ? AND hosp_rxno = ?", (app, hosp_rxno)
        ).fetchone():
            raise Refusal(2002, "处方已上传", f"hospRxno {hosp_rxno} was already uploaded")
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM rx").fetchone()[0]
        hi_rxno = f"RX{self.world.region}{prsc_time:%y%m%d}{seq:08d}"
        signed_value = {
            "hiRxno": hi_rxno,
            "hospRxno": hosp_rxno,
            "rxTypeCode": str(body.get("rxTypeCode", "1"))[:3],
            "prscTime": f"{prsc_time:%Y-%m-%d %H:%M:%S}",
            "valiDays": str(days),
            "valiEndTime": f"{end:%Y-%m-%d %H:%M:%S}",
            "mdtrtinfo": {
                "fixmedinsCode": app,
                "fixmedinsName": self.apps[app].name,
                "prscDeptName": _text(info, "prscDeptName", 50),
                "drCode": _text(info, "drCode", 30),
                "prscDrName": _text(info, "prscDrName", 50),
                "maindiagCode": _text(info, "maindiagCode", 30),
                "maindiagName": _text(info, "maindiagName", 100),
                "certno": certno,
                "patnName": name,
            },
            "diseinfo": [_diag(d) for d in body.get("diseinfo") or []],
            "rxdrugdetail": [self._drug(d) for d in drugs],
        }
        value = sm2.canonical_json(signed_value).decode()
        conn.execute(
            "INSERT INTO rx (hi_rxno, hosp_rxno, fixmedins_code, psn_no, certno, stage, "
            "vali_end_time, signed_value) VALUES (?, ?, ?, ?, ?, 'checked', ?, ?)",
            (hi_rxno, hosp_rxno, app, psn_no, certno, signed_value["valiEndTime"], value),
        )
        return {
            "hiRxno": hi_rxno,
            "rxTraceCode": f"T{hi_rxno}",
            "originalValue": base64.b64encode(value.encode()).decode(),
        }

    def _sign(self, conn: sqlite3.Connection, app: str, body: Mapping[str, Any]) -> Any:
        """The insurance e-signature over `originalValue` (the pre-audit's answer)."""
        self._require(app, "hospital")
        try:
            original = base64.b64decode(_text(body, "originalValue", 1 << 18), validate=True)
        except (binascii.Error, ValueError):
            raise _bad("originalValue", "not base64") from None
        signature = sm2.sign(self.keys.private_key_hex, self.keys.public_key_hex, original)
        return {
            "rxFile": str(body.get("originalRxFile", "")),
            "signDigest": base64.b64encode(signature).decode(),
            "signCertSn": self.world.platform_key.kid,
            "signCertDn": "CN=medterm simulated insurance e-signature",
        }

    def _upload(self, conn: sqlite3.Connection, app: str, body: Mapping[str, Any]) -> Any:
        self._require(app, "hospital")
        row = self._row(conn, _text(body, "hiRxno", 30))
        if row["fixmedins_code"] != app:
            raise Refusal(*FORBIDDEN)
        if row["stage"] != "checked":
            raise Refusal(2002, "处方已上传", f"{row['hi_rxno']} is already {row['stage']}")
        try:
            digest = base64.b64decode(_text(body, "signDigest", 200), validate=True)
        except (binascii.Error, ValueError):
            raise _bad("signDigest", "not base64") from None
        if not sm2.verify(self.keys.public_key_hex, row["signed_value"].encode(), digest):
            raise Refusal(1002, "处方签名验证失败", "signDigest does not sign this prescription")
        conn.execute(
            "UPDATE rx SET stage = 'uploaded', sign_digest = ? WHERE hi_rxno = ?",
            (base64.b64encode(digest).decode(), row["hi_rxno"]),
        )
        key = self.keys
        return {
            "hiRxno": row["hi_rxno"],
            "rxStasCodg": "1",
            "rxStasName": STATUS_NAMES["1"],
            "rxCode": rxcode.mint(row["hi_rxno"], key.private_key_hex, key.public_key_hex),
        }

    def _revoke(self, conn: sqlite3.Connection, app: str, body: Mapping[str, Any]) -> Any:
        row = self._row(conn, _text(body, "hiRxno", 30))
        if row["fixmedins_code"] != app:
            raise Refusal(*FORBIDDEN)
        if row["used"] == "2":
            raise Refusal(*DISPENSED)
        undo = {
            "drCode": _text(body, "drCode", 30),
            "undoDrName": str(body.get("undoDrName", ""))[:50],
            "undoRea": _text(body, "undoRea", 200),
            "undoTime": f"{self.clock.now():%Y-%m-%d %H:%M:%S}",
        }
        conn.execute(
            "UPDATE rx SET stage = 'revoked', undo = ? WHERE hi_rxno = ?",
            (json.dumps(undo, ensure_ascii=False), row["hi_rxno"]),
        )
        return {"hiRxno": row["hi_rxno"], "rxStasCodg": "2", "rxStasName": STATUS_NAMES["2"]}

    # -- pharmacy operations ---------------------------------------------------------------

    def _view(self, conn: sqlite3.Connection, app: str, body: Mapping[str, Any]) -> Any:
        row = self._visible(conn, app, _text(body, "hiRxno", 30))
        if row["fixmedins_code"] != app and not self._consented(conn, row, body):
            raise Refusal(
                3008, "未获得患者授权", "give the patient's ecToken, rxCode or ID number"
            )
        status = self._status(row)
        return {
            "hiRxno": row["hi_rxno"],
            "fixmedinsCode": row["fixmedins_code"],
            "fixmedinsName": self.apps[row["fixmedins_code"]].name,
            "rxStasCodg": status,
            "rxStasName": STATUS_NAMES[status],
            "rxUsedStasCodg": row["used"],
            "rxUsedStasName": USE_NAMES[row["used"]],
            "valiEndTime": row["vali_end_time"],
            "rsvFixmedinsCode": row["rsv_fixmedins"] or "",
            "rxSignedValue": base64.b64encode(row["signed_value"].encode()).decode(),
            "signDigest": row["sign_digest"],
            "signCertSn": self.world.platform_key.kid,
        }

    def _list(self, conn: sqlite3.Connection, app: str, body: Mapping[str, Any]) -> Any:
        certno = _text(body, "certno", 18)
        rows = conn.execute(
            "SELECT * FROM rx WHERE certno = ? AND stage != 'checked' ORDER BY seq DESC",
            (certno,),
        ).fetchall()
        out = []
        for row in map(_as_dict, rows):
            signed = json.loads(row["signed_value"])
            out.append(
                {
                    "hiRxno": row["hi_rxno"],
                    "fixmedinsName": signed["mdtrtinfo"]["fixmedinsName"],
                    "prscDrName": signed["mdtrtinfo"]["prscDrName"],
                    "prscTime": signed["prscTime"],
                    "valiEndTime": row["vali_end_time"],
                    "rxStasCodg": self._status(row),
                    "rxUsedStasCodg": row["used"],
                    "drugNames": [d["drugGenname"] for d in signed["rxdrugdetail"]],
                }
            )
        return {"rxList": out}

    def _review(self, conn: sqlite3.Connection, app: str, body: Mapping[str, Any]) -> Any:
        self._require(app, "pharmacy")
        row = self._visible(conn, app, _text(body, "hiRxno", 30))
        self._still_usable(row, self.clock.now(), app)
        verdict = _text(body, "rxChkStasCodg", 1)
        if verdict not in ("1", "2"):
            raise _bad("rxChkStasCodg", "1 (accepted) or 2 (rejected)")
        chk = {
            "hiRxno": row["hi_rxno"],
            "fixmedinsCode": app,
            "pharCode": _text(body, "pharCode", 30),
            "pharName": str(body.get("pharName", ""))[:50],
            "rxChkStasCodg": verdict,
            "rxChkOpnn": _text(body, "rxChkOpnn", 200),
            "rxChkTime": f"{self.clock.now():%Y-%m-%d %H:%M:%S}",
        }
        used, holder = ("1", app) if verdict == "1" else ("0", None)
        conn.execute(
            "UPDATE rx SET chk = ?, used = ?, rsv_fixmedins = ? WHERE hi_rxno = ?",
            (json.dumps(chk, ensure_ascii=False), used, holder, row["hi_rxno"]),
        )
        return chk

    def _audit_result(self, conn: sqlite3.Connection, app: str, body: Mapping[str, Any]) -> Any:
        row = self._visible(conn, app, _text(body, "hiRxno", 30))
        chk = json.loads(row["chk"]) if row["chk"] else None
        if chk is None:
            raise Refusal(3009, "处方尚未审核", "no pharmacist has reviewed it yet")
        if app not in (row["fixmedins_code"], chk["fixmedinsCode"]):
            raise Refusal(*FORBIDDEN)
        return chk

    def _dispense(self, conn: sqlite3.Connection, app: str, body: Mapping[str, Any]) -> Any:
        self._require(app, "pharmacy")
        row = self._visible(conn, app, _text(body, "hiRxno", 30))
        setl_id = _text(body, "setlId", 30)
        setl_time = _time(body, "setlTime")
        if row["used"] == "2":
            done = json.loads(row["setl"])
            if done["fixmedinsCode"] == app and done["setlId"] == setl_id:
                return done  # the same report again (a lost answer): the same answer
            raise Refusal(
                DISPENSED[0], f"{DISPENSED[1]} ({done['setlTime']})", DISPENSED[2]
            )
        self._still_usable(row, setl_time, app)
        signed = json.loads(row["signed_value"])
        if setl_time < datetime.strptime(signed["prscTime"], TIME_FORMAT):
            raise _bad("setlTime", "before the prescription was issued")
        if row["used"] != "1" or row["rsv_fixmedins"] != app:
            raise Refusal(*NOT_REVIEWED)
        prescribed = {
            d["medListCodg"]: Decimal(d["drugCnt"])
            for d in signed["rxdrugdetail"]
        }
        lines = body.get("seltdelts")
        if not isinstance(lines, list) or not lines:
            raise _bad("seltdelts", "at least one dispensed line")
        given: dict[str, Decimal] = {}
        out_lines = []
        for n, raw in enumerate(lines):
            line = _mapping(raw, f"seltdelts[{n}]")
            code = _text(line, "medListCodg", 50)
            if code not in prescribed:
                raise Refusal(3010, "药品不在处方中", f"{code} is not on the prescription")
            cnt = _decimal(line, "cnt")
            given[code] = given.get(code, Decimal(0)) + cnt
            if given[code] > prescribed[code]:
                raise Refusal(
                    OVER[0],
                    OVER[1],
                    f"{code}: {given[code]} dispensed, {prescribed[code]} prescribed",
                )
            traces = line.get("drugTracCodg", [])
            if not isinstance(traces, list) or not all(
                isinstance(t, str) and 0 < len(t) <= 60 for t in traces
            ):
                raise _bad(f"seltdelts[{n}].drugTracCodg", "a list of traceability codes")
            out_lines.append(
                {
                    "medListCodg": code,
                    "drugGenname": str(line.get("drugGenname", ""))[:100],
                    "cnt": str(cnt),
                    "drugTracCodg": traces,
                }
            )
        setl = {
            "hiRxno": row["hi_rxno"],
            "fixmedinsCode": app,
            "setlId": setl_id,
            "setlTime": f"{setl_time:%Y-%m-%d %H:%M:%S}",
            "seltdelts": out_lines,
        }
        conn.execute(
            "UPDATE rx SET used = '2', setl = ? WHERE hi_rxno = ?",
            (json.dumps(setl, ensure_ascii=False), row["hi_rxno"]),
        )
        return setl

    def _dispensing_result(
        self, conn: sqlite3.Connection, app: str, body: Mapping[str, Any]
    ) -> Any:
        row = self._visible(conn, app, _text(body, "hiRxno", 30))
        if not row["setl"]:
            raise Refusal(3011, "处方尚未取药", "not dispensed yet")
        setl = json.loads(row["setl"])
        if app not in (row["fixmedins_code"], setl["fixmedinsCode"]):
            raise Refusal(*FORBIDDEN)
        return setl

    # -- rules -----------------------------------------------------------------------------

    def _require(self, app: str, kind: str) -> None:
        if self.apps[app].kind != kind:
            raise Refusal(3008, "机构类型不符", f"only a {kind} may do this")

    def _row(self, conn: sqlite3.Connection, hi_rxno: str) -> dict[str, Any]:
        row = conn.execute("SELECT * FROM rx WHERE hi_rxno = ?", (hi_rxno,)).fetchone()
        if row is None:
            raise Refusal(*NOT_FOUND)
        return _as_dict(row)

    def _visible(self, conn: sqlite3.Connection, app: str, hi_rxno: str) -> dict[str, Any]:
        """A prescription this institution may see exists: its issuer sees it from the
        pre-audit on, everyone else once it is uploaded."""
        row = self._row(conn, hi_rxno)
        if row["stage"] == "checked" and row["fixmedins_code"] != app:
            raise Refusal(*NOT_FOUND)
        return row

    def _status(self, row: Mapping[str, Any]) -> str:
        if row["stage"] == "revoked":
            return "2"
        if self.clock.now() > datetime.strptime(row["vali_end_time"], TIME_FORMAT):
            return "3"
        return "1"

    def _still_usable(self, row: Mapping[str, Any], at: datetime, app: str) -> None:
        if row["stage"] == "revoked":
            raise Refusal(*REVOKED)
        if row["stage"] != "uploaded":
            raise Refusal(*NOT_FOUND)
        if at > datetime.strptime(row["vali_end_time"], TIME_FORMAT):
            raise Refusal(EXPIRED[0], f"{EXPIRED[1]} ({row['vali_end_time']})", EXPIRED[2])
        if row["used"] == "2":
            raise Refusal(*DISPENSED)
        if row["used"] == "1" and row["rsv_fixmedins"] != app:
            raise Refusal(*RESERVED)

    def _consented(
        self, conn: sqlite3.Connection, row: Mapping[str, Any], body: Mapping[str, Any]
    ) -> bool:
        """The patient's consent: an unexpired e-voucher token of theirs, the prescription's
        code, or their ID number (read from their card or ID card at the counter)."""
        token = body.get("ecToken")
        if isinstance(token, str) and token:
            found = conn.execute(
                "SELECT psn_no, expires FROM tokens WHERE tok = ? AND kind = 'ec'", (token,)
            ).fetchone()
            return bool(
                found and found[0] == row["psn_no"] and found[1] >= self.clock.timestamp()
            )
        code = body.get("rxCode")
        if isinstance(code, str) and code:
            try:
                scanned = rxcode.verify(code, (self.keys.public_key_hex,))
            except ValueError:
                return False
            return scanned.hi_rxno == row["hi_rxno"]
        certno = body.get("certno")
        return isinstance(certno, str) and certno == row["certno"]

    def _person(self, conn: sqlite3.Connection, body: Mapping[str, Any]) -> tuple[str, str, str]:
        cert_type = _text(body, "mdtrtCertType", 2)
        number = _text(body, "mdtrtCertNo", 64)
        if cert_type == "01":
            found = conn.execute(
                "SELECT psn_no FROM tokens WHERE tok = ? AND kind = 'ec'", (number,)
            ).fetchone()
            row = (
                None
                if found is None
                else conn.execute(
                    "SELECT psn_no, certno, profile FROM persons WHERE psn_no = ?", (found[0],)
                ).fetchone()
            )
        elif cert_type == "02":
            row = conn.execute(
                "SELECT psn_no, certno, profile FROM persons WHERE certno = ?", (number,)
            ).fetchone()
        else:
            raise _bad("mdtrtCertType", "01 (ecToken) or 02 (ID number)")
        if row is None:
            raise Refusal(3012, "参保人不存在", "no insured person with this credential")
        return str(row[0]), str(row[1]), str(json.loads(row[2]).get("psn_name", ""))

    def _drug(self, raw: Any) -> dict[str, Any]:
        drug = _mapping(raw, "rxdrugdetail[]")
        code = _text(drug, "medListCodg", 50)
        if code not in self.world.catalogue:
            raise _bad("medListCodg", f"{code} is not in the catalogue")
        try:
            pric = Money.parse(_text(drug, "drugPric", 20), field="drugPric")
        except MoneyError as err:
            raise _bad("drugPric", err.detail) from None
        return {
            "medListCodg": code,
            "drugGenname": _text(drug, "drugGenname", 100),
            "drugSpec": str(drug.get("drugSpec", ""))[:50],
            "drugDosunt": str(drug.get("drugDosunt", ""))[:10],
            "drugCnt": str(_decimal(drug, "drugCnt")),
            "drugPric": str(pric),
            "medcDays": str(_int(drug, "medcDays", 1, 365)),
            "usedFrquName": str(drug.get("usedFrquName", ""))[:30],
            "sinDoscnt": str(drug.get("sinDoscnt", ""))[:10],
            "sinDosunt": str(drug.get("sinDosunt", ""))[:10],
        }


def _his_drug(raw: Any) -> dict[str, Any]:
    """A drug of the control endpoint's snake_case request as `rxdrugdetail` sends it."""
    drug = raw if isinstance(raw, Mapping) else {}
    return {
        "medListCodg": str(drug.get("med_list_codg", "")),
        "drugGenname": str(drug.get("name", "")),
        "drugSpec": str(drug.get("spec", "")),
        "drugDosunt": str(drug.get("unit", "盒")),
        "drugCnt": str(drug.get("cnt", "")),
        "drugPric": str(drug.get("pric", "")),
        "medcDays": str(drug.get("days", 7)),
        "usedFrquName": str(drug.get("usage", "")),
    }


def _diag(raw: Any) -> dict[str, Any]:
    diag = _mapping(raw, "diseinfo[]")
    return {
        "diagType": str(diag.get("diagType", "1"))[:3],
        "maindiagFlag": str(diag.get("maindiagFlag", "0"))[:1],
        "diagSrtNo": str(diag.get("diagSrtNo", "1"))[:3],
        "diagCode": _text(diag, "diagCode", 30),
        "diagName": _text(diag, "diagName", 100),
    }


def _as_dict(row: Any) -> dict[str, Any]:
    names = (
        "seq", "hi_rxno", "hosp_rxno", "fixmedins_code", "psn_no", "certno", "stage",
        "vali_end_time", "signed_value", "sign_digest", "used", "rsv_fixmedins", "chk", "setl",
        "undo",
    )  # fmt: skip
    return dict(zip(names, row, strict=True))


def _mapping(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _bad(name, "must be an object")
    return value


def _text(body: Mapping[str, Any], name: str, limit: int) -> str:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise _bad(name, "is required")
    text = str(value).strip()
    if len(text) > limit:
        raise _bad(name, f"at most {limit} characters")
    return text


def _int(body: Mapping[str, Any], name: str, low: int, high: int) -> int:
    try:
        value = int(_text(body, name, 6))
    except ValueError:
        raise _bad(name, "must be a whole number") from None
    if not low <= value <= high:
        raise _bad(name, f"must be {low}..{high}")
    return value


def _decimal(body: Mapping[str, Any], name: str) -> Decimal:
    try:
        value = Decimal(_text(body, name, 20))
    except InvalidOperation:
        raise _bad(name, "must be a number") from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.001")):
        raise _bad(name, "must be positive, at most 3 decimals")
    return value


def _time(body: Mapping[str, Any], name: str) -> datetime:
    try:
        return datetime.strptime(_text(body, name, 19), TIME_FORMAT)
    except ValueError:
        raise _bad(name, "must be yyyy-MM-dd HH:mm:ss") from None
