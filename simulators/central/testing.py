"""Start the platform simulator as a real process for tests, and talk to it plainly.

    sim = start_simulator(tmp_path)                      # default world, fresh database
    client = PlatformClient(sim.url)                     # H44030000001, signtype NONE
    out = client.call("1101", {"data": {...}}, insuplc="440300")
    sim.control("POST", "/_sim/faults", {"rules": [...]})
    sim.stop()  /  sim.kill()  /  sim = sim.restart()    # same world and database

`PlatformClient` is a test tool that builds envelopes by hand; it is not the terminal's client.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from terminal.central.paths import CALL_SERVICE_PATH, TRANSACTION_PATHS
from terminal.services import ServiceProcess, python_module_argv

WORLDS_DIR = Path(__file__).resolve().parents[1] / "worlds"
DEFAULT_WORLD = WORLDS_DIR / "default.json"
DEFAULT_INSTITUTION = "H44030000001"
PHARMACY = "P44030000002"


@dataclass
class RunningSimulator:
    """A started `python -m simulators.central` process."""

    url: str
    process: ServiceProcess
    world: Path
    db: Path
    extra_args: Sequence[str] = ()

    def stop(self) -> None:
        self.process.stop()

    def kill(self) -> None:
        self.process.kill()

    def restart(self) -> RunningSimulator:
        """Stop (if running) and start again on the same world and database."""
        self.stop()
        return _start(self.world, self.db, self.extra_args)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call a `/_sim/` or `/his/` endpoint and return its JSON."""
        response = requests.request(method, self.url + path, json=body, timeout=30)
        return response.json()


def start_simulator(
    tmp_path: Path,
    world: Path = DEFAULT_WORLD,
    extra_args: Sequence[str] = (),
    db: Path | None = None,
) -> RunningSimulator:
    """Start the simulator on a free loopback port with its database in `tmp_path`."""
    return _start(world, db or tmp_path / "central.db", extra_args)


def _start(world: Path, db: Path, extra_args: Sequence[str]) -> RunningSimulator:
    argv = python_module_argv(
        "simulators.central",
        "--world",
        str(world),
        "--db",
        str(db),
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        *extra_args,
    )
    process = ServiceProcess.start(argv, name="central simulator", cwd=WORLDS_DIR.parents[1])
    return RunningSimulator(process.url, process, world, db, tuple(extra_args))


_SEQUENCE = itertools.count()
_SEQUENCE_LOCK = threading.Lock()
_BASE = datetime.now().replace(microsecond=0)


def new_msgid(fixmedins_code: str = DEFAULT_INSTITUTION) -> str:
    """A msgid never used before in this process (time advances every 10,000 ids)."""
    with _SEQUENCE_LOCK:
        n = next(_SEQUENCE)
    moment = _BASE + timedelta(seconds=n // 10000)
    return f"{fixmedins_code}{moment:%Y%m%d%H%M%S}{n % 10000:04d}"


@dataclass
class PlatformClient:
    """Builds fsi envelopes (signtype NONE) and posts them to the per-transaction paths."""

    url: str
    fixmedins_code: str = DEFAULT_INSTITUTION
    region: str = "440300"
    session: requests.Session = field(default_factory=requests.Session)

    def envelope(
        self, infno: str, data: dict[str, Any], *, msgid: str | None = None, insuplc: str = ""
    ) -> dict[str, Any]:
        return {
            "infno": infno,
            "msgid": msgid or new_msgid(self.fixmedins_code),
            "mdtrtarea_admvs": self.region,
            "insuplc_admdvs": insuplc,
            "recer_sys_code": "MEDTERM",
            "dev_no": "T01",
            "dev_safe_info": "",
            "cainfo": "",
            "signtype": "NONE",
            "infver": "V1.0",
            "opter_type": "2",
            "opter": "T01",
            "opter_name": "自助机",
            "inf_time": f"{datetime.now():%Y-%m-%d %H:%M:%S}",
            "fixmedins_code": self.fixmedins_code,
            "fixmedins_name": "",
            "sign_no": "",
            "input": data,
        }

    def post(self, envelope: dict[str, Any], *, path: str | None = None) -> dict[str, Any]:
        target = path or TRANSACTION_PATHS.get(str(envelope.get("infno")), CALL_SERVICE_PATH)
        response = self.session.post(self.url + target, json=envelope, timeout=30)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def call(
        self, infno: str, data: dict[str, Any], *, msgid: str | None = None, insuplc: str = ""
    ) -> dict[str, Any]:
        return self.post(self.envelope(infno, data, msgid=msgid, insuplc=insuplc))


# --- bills ---------------------------------------------------------------------------------

Line = tuple[str, str, str]  # med_list_codg, pric, cnt
SCOPE = (
    "medfee_sumamt",
    "fulamt_ownpay_amt",
    "overlmt_selfpay",
    "preselfpay_amt",
    "inscp_scp_amt",
)


def fee_lines(lines: Sequence[Line], **common: str) -> list[dict[str, str]]:
    """`feedetail[]` entries for `lines` (det_item_fee_sumamt computed half-up)."""
    from decimal import ROUND_HALF_UP, Decimal

    out = []
    for n, (code, pric, cnt) in enumerate(lines, start=1):
        total = (Decimal(pric) * Decimal(cnt)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        out.append(
            {
                "feedetl_sn": f"{n:04d}",
                "med_list_codg": code,
                "medins_list_codg": code,
                "pric": pric,
                "cnt": cnt,
                "det_item_fee_sumamt": str(total),
                "fee_ocur_time": f"{datetime.now():%Y-%m-%d %H:%M:%S}",
                "rxno": "",
                "rx_circ_flag": "0",
                "bilg_dept_codg": "A01",
                "bilg_dr_codg": "D0101",
                "hosp_appr_flag": "1",
                **common,
            }
        )
    return out


@dataclass(frozen=True)
class Patient:
    psn_no: str
    insutype: str
    insuplc: str = "440300"


def outpatient_visit(
    client: PlatformClient, who: Patient, lines: Sequence[Line], chrg_bchno: str = "B1"
) -> Visit:
    """2201 + 2204: a registered visit with uploaded fee details."""
    reg = client.call(
        "2201",
        {
            "data": {
                "psn_no": who.psn_no,
                "insutype": who.insutype,
                "begntime": f"{datetime.now():%Y-%m-%d %H:%M:%S}",
                "mdtrt_cert_type": "02",
                "mdtrt_cert_no": "x",
                "ipt_otp_no": f"OTP{next(_SEQUENCE)}",
                "atddr_no": "D0101",
                "dr_name": "陈建国",
                "dept_code": "A01",
                "dept_name": "内科",
                "caty": "A03",
            }
        },
        insuplc=who.insuplc,
    )
    if reg["infcode"] != 0:
        raise AssertionError(reg["err_msg"])
    mdtrt_id = reg["output"]["data"]["mdtrt_id"]
    details = fee_lines(lines, mdtrt_id=mdtrt_id, psn_no=who.psn_no, chrg_bchno=chrg_bchno)
    up = client.call("2204", {"feedetail": details}, insuplc=who.insuplc)
    if up["infcode"] != 0:
        raise AssertionError(up["err_msg"])
    return Visit(mdtrt_id, chrg_bchno, summed(up["output"]["result"]))


@dataclass(frozen=True)
class Visit:
    mdtrt_id: str
    chrg_bchno: str
    amounts: dict[str, str]  # medfee_sumamt and the four scope sums


def summed(results: Sequence[dict[str, str]]) -> dict[str, str]:
    """The bill's amounts from 2204's per-item results (missing split fields count as 0)."""
    from decimal import Decimal

    pairs = {
        "medfee_sumamt": "det_item_fee_sumamt",
        "fulamt_ownpay_amt": "fulamt_ownpay_amt",
        "overlmt_selfpay": "overlmt_amt",
        "preselfpay_amt": "preselfpay_amt",
        "inscp_scp_amt": "inscp_scp_amt",
    }
    return {
        name: str(sum((Decimal(r.get(item, "0")) for r in results), Decimal("0.00")))
        for name, item in pairs.items()
    }


def outpatient_input(
    who: Patient,
    visit: Visit,
    *,
    med_type: str = "11",
    acct_used: str = "1",
    mulaid_psn_no: str = "",
) -> dict[str, Any]:
    """The `data` of 2206/2207 for a visit's bill."""
    data = {
        "psn_no": who.psn_no,
        "mdtrt_cert_type": "02",
        "mdtrt_cert_no": "x",
        "med_type": med_type,
        "psn_setlway": "01",
        "mdtrt_id": visit.mdtrt_id,
        "chrg_bchno": visit.chrg_bchno,
        "acct_used_flag": acct_used,
        "insutype": who.insutype,
        "invono": "",
        "mulaid_psn_no": mulaid_psn_no,
    }
    data.update(visit.amounts)
    return data


def pharmacy_input(
    who: Patient,
    lines: Sequence[Line],
    amounts: dict[str, str],
    *,
    acct_used: str = "1",
    mulaid_psn_no: str = "",
) -> dict[str, Any]:
    """The `input` of 2101/2102: `amounts` from `medfee` for 2101, a 2101 setlinfo for 2102."""
    data = {
        "psn_no": who.psn_no,
        "mdtrt_cert_type": "02",
        "mdtrt_cert_no": "x",
        "med_type": "41",
        "psn_setlway": "01",
        "acct_used_flag": acct_used,
        "insutype": who.insutype,
        "invono": "",
        "mulaid_psn_no": mulaid_psn_no,
    }
    data.update(amounts)
    return {"data": data, "feedetail": fee_lines(lines)}


def medfee(lines: Sequence[Line]) -> dict[str, str]:
    """{"medfee_sumamt": ...} of `lines`: all a preview (2101) needs besides the items."""
    return {"medfee_sumamt": summed(fee_lines(lines))["medfee_sumamt"]}
