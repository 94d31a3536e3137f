"""The terminal's PlatformClient against the real platform simulator process: each injected
fault becomes the typed error its docs promise, and an unknown outcome is resolved without
ever settling twice (resend with the same msgid, or 2601)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from kernel.breakdown import Breakdown
from kernel.money import Money
from offline_store.sequence import SqliteMsgidCounter
from simulators.central.testing import DEFAULT_WORLD, RunningSimulator, start_simulator
from terminal.central import inputs
from terminal.central.client import PlatformClient, PreparedRequest
from terminal.central.errors import (
    AmbiguousOutcomeError,
    BusinessError,
    PlatformError,
    PlatformSystemError,
    ProtocolError,
    TransportError,
)
from terminal.central.msgid import MsgidAllocator
from terminal.central.results import Settlement
from terminal.config import TerminalConfig, load_config

REPO = Path(__file__).resolve().parents[3]
FIXMEDINS = "H44030000001"
REGION = "440300"
EMPLOYEE = ("44030000000000000001", "440300198503121010", "310")
RETIREE = ("44030000000000000004", "440300195202141049", "310")


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSimulator]:
    running = start_simulator(tmp_path_factory.mktemp("central"))
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def no_faults(sim: RunningSimulator) -> Iterator[None]:
    yield
    sim.control("DELETE", "/_sim/faults")


@pytest.fixture(scope="module")
def counter_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One msgid counter for the module: every client here is the same terminal (slot 1)."""
    return tmp_path_factory.mktemp("terminal")


def make_client(url: str, counter_dir: Path, **platform: Any) -> PlatformClient:
    config = TerminalConfig.from_mapping(
        {
            "terminal": {
                "fixmedins_code": FIXMEDINS,
                "fixmedins_name": "深圳市模拟第二人民医院",
                "region": REGION,
                "terminal_id": "IT-KIOSK",
                "slot": 1,
                "opter_type": "2",
                "opter": "IT-KIOSK",
                "opter_name": "自助机",
                "recer_sys_code": "FSI",
                "institution_kind": "hospital",
            },
            "platform": {"base_url": url, "signtype": "NONE", **platform},
            "store": {"data_dir": str(counter_dir)},
        }
    )
    counter = SqliteMsgidCounter(counter_dir / "sequence.db")
    return PlatformClient(config, MsgidAllocator(FIXMEDINS, 1, 1, counter))


@pytest.fixture
def client(sim: RunningSimulator, counter_dir: Path) -> Iterator[PlatformClient]:
    platform_client = make_client(sim.url, counter_dir)
    yield platform_client
    platform_client.close()


def now() -> str:
    return f"{datetime.now():%Y-%m-%d %H:%M:%S}"


def visit(
    client: PlatformClient, who: tuple[str, str, str]
) -> tuple[inputs.SettlementRequest, Breakdown]:
    """1101, 2201, 2204, 2206 through the typed API: a pre-settled outpatient bill."""
    psn_no, certno, insutype = who
    person = client.query_person(inputs.PersonQuery("02", certno, begntime=now(), certno=certno))
    assert person.base.psn_no == psn_no
    registration = client.register(
        inputs.RegistrationRequest(
            psn_no=psn_no,
            insutype=insutype,
            begntime=now(),
            mdtrt_cert_type="02",
            mdtrt_cert_no=certno,
            ipt_otp_no=f"OTP{datetime.now():%H%M%S%f}",
            atddr_no="D0101",
            dr_name="陈建国",
            dept_code="A01",
            dept_name="内科",
            caty="A03",
        ),
        insuplc_admdvs=REGION,
    )
    lines = [
        inputs.FeeLine(
            feedetl_sn=f"{n:04d}",
            mdtrt_id=registration.mdtrt_id,
            psn_no=psn_no,
            chrg_bchno="B1",
            rxno="",
            fee_ocur_time=now(),
            med_list_codg=code,
            medins_list_codg=code,
            det_item_fee_sumamt=Money(price).times(count),
            cnt=Decimal(count),
            pric=Money(price),
            bilg_dept_codg="A01",
            bilg_dr_codg="D0101",
        )
        for n, (code, price, count) in enumerate([("X1", "30.00", "2"), ("X3", "10.00", "1")])
    ]
    results = client.upload_fees(lines, insuplc_admdvs=REGION)
    total = sum((line.det_item_fee_sumamt.amount for line in results), Decimal(0))
    request = inputs.SettlementRequest(
        psn_no=psn_no,
        mdtrt_cert_type="02",
        mdtrt_cert_no=certno,
        med_type="11",
        medfee_sumamt=Money(total),
        psn_setlway="01",
        mdtrt_id=registration.mdtrt_id,
        chrg_bchno="B1",
        acct_used_flag=True,
        insutype=insutype,
    )
    return request, client.pre_settle(request, insuplc_admdvs=REGION)


def settlements(sim: RunningSimulator, msgid: str) -> list[dict[str, Any]]:
    return [
        s for s in sim.control("GET", "/_sim/settlements")["settlements"] if s["msgid"] == msgid
    ]


def fault(sim: RunningSimulator, infno: str, mode: str, **extra: Any) -> None:
    sim.control("POST", "/_sim/faults", {"rules": [{"infno": infno, "mode": mode, **extra}]})


def test_an_outpatient_settlement_runs_end_to_end(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    request, presettled = visit(client, EMPLOYEE)
    seen: list[PreparedRequest] = []
    settled = client.settle(request, presettled, insuplc_admdvs=REGION, before_send=seen.append)
    assert isinstance(settled, Settlement)
    assert settled.breakdown.medfee_sumamt == Money("70.00")
    assert settled.breakdown.medins_setl_id == seen[0].msgid
    assert [s["state"] for s in settlements(sim, seen[0].msgid)] == ["settled"]


@pytest.mark.parametrize(
    ("mode", "extra", "error"),
    [
        ("delay", {"ms": 2500}, AmbiguousOutcomeError),
        ("http_503", {}, AmbiguousOutcomeError),
        ("reset_before", {}, AmbiguousOutcomeError),
        ("drop_after_commit", {}, AmbiguousOutcomeError),
        ("garbage_body", {}, AmbiguousOutcomeError),
        ("infcode_minus1", {}, PlatformSystemError),
        # The simulator's "offline" resets each connection once its request head has arrived,
        # so the client has sent the request: honestly ambiguous. A platform that cannot be
        # reached at all is the stopped-simulator test below.
        ("offline", {}, AmbiguousOutcomeError),
    ],
)
def test_each_fault_is_the_documented_typed_error(
    sim: RunningSimulator,
    client: PlatformClient,
    mode: str,
    extra: dict[str, Any],
    error: type[PlatformError],
    counter_dir: Path,
) -> None:
    request, _ = visit(client, RETIREE)
    impatient = make_client(sim.url, counter_dir, read_timeout=1)
    impatient.sign_in()
    fault(sim, "*" if mode == "offline" else "2206", mode, count=1, **extra)
    started = time.monotonic()
    with pytest.raises(error) as caught:
        impatient.pre_settle(request, insuplc_admdvs=REGION)
    assert caught.value.may_have_executed
    assert caught.value.infno == "2206"
    assert time.monotonic() - started < 1.5  # the read timeout bounds every wait


def test_an_unreachable_platform_is_a_transport_error(tmp_path: Path) -> None:
    stopped = start_simulator(tmp_path)
    url = stopped.url
    stopped.stop()
    client = make_client(url, tmp_path)
    with pytest.raises(TransportError) as caught:
        client.sign_in()
    assert not caught.value.may_have_executed


@pytest.mark.parametrize("mode", ["drop_after_commit", "infcode_minus1", "garbage_body"])
def test_resending_the_same_msgid_settles_exactly_once(
    sim: RunningSimulator, client: PlatformClient, mode: str
) -> None:
    request, presettled = visit(client, EMPLOYEE)
    prepared = client.prepare("2207", inputs.settle(request, presettled), insuplc_admdvs=REGION)
    fault(sim, "2207", mode, count=1)
    with pytest.raises((AmbiguousOutcomeError, PlatformSystemError)):
        client.execute(prepared)
    assert len(settlements(sim, prepared.msgid)) == 1  # it did execute

    again = client.execute(PreparedRequest.from_json(prepared.to_json()))
    assert isinstance(again, Settlement)
    assert again.breakdown.medins_setl_id == prepared.msgid
    rows = settlements(sim, prepared.msgid)
    assert len(rows) == 1 and rows[0]["setl_id"] == again.breakdown.setl_id


def test_reversal_undoes_an_executed_settlement(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    request, presettled = visit(client, EMPLOYEE)
    prepared = client.prepare("2207", inputs.settle(request, presettled), insuplc_admdvs=REGION)
    fault(sim, "2207", "drop_after_commit", count=1)
    with pytest.raises(AmbiguousOutcomeError):
        client.execute(prepared)

    client.reverse(prepared, request.psn_no)
    client.reverse(prepared, request.psn_no)  # twice is harmless
    assert [s["state"] for s in settlements(sim, prepared.msgid)] == ["reversed"]
    with pytest.raises(BusinessError):
        client.execute(prepared)  # a reversed msgid is never answered as settled

    settled = client.settle(request, presettled, insuplc_admdvs=REGION)  # now under a new msgid
    assert settled.breakdown.medfee_sumamt == presettled.medfee_sumamt


def test_reversing_a_request_that_never_ran_is_harmless_and_final(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    request, presettled = visit(client, RETIREE)
    prepared = client.prepare("2207", inputs.settle(request, presettled), insuplc_admdvs=REGION)
    fault(sim, "2207", "reset_before", count=1)
    with pytest.raises(AmbiguousOutcomeError):
        client.execute(prepared)
    assert settlements(sim, prepared.msgid) == []

    client.reverse(prepared, request.psn_no)
    assert settlements(sim, prepared.msgid) == []
    with pytest.raises(BusinessError):
        client.execute(prepared)  # arriving late after its reversal, it is refused


def test_signed_requests_and_verified_responses(sim: RunningSimulator, counter_dir: Path) -> None:
    world = json.loads(DEFAULT_WORLD.read_text())
    institution = next(i for i in world["institutions"] if i["fixmedins_code"] == FIXMEDINS)
    client = make_client(
        sim.url,
        counter_dir,
        signtype="SM2",
        private_key_hex=institution["private_key_hex"],
        public_key_hex=institution["public_key_hex"],
        platform_public_keys=[world["platform_key"]["public_key_hex"]],
    )
    signed_in = client.sign_in()
    assert signed_in.platform_keys[0].public_key_hex == world["platform_key"]["public_key_hex"]
    _, presettled = visit(client, EMPLOYEE)
    assert presettled.medfee_sumamt == Money("70.00")
    with pytest.raises(BusinessError):  # a refusal arrives unsigned, and is still a refusal
        client.query_person(inputs.PersonQuery("02", "440300190001010000", begntime=now()))


def test_a_retry_by_msgid_alone_gets_the_original_result(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    request, presettled = visit(client, RETIREE)
    prepared = client.prepare("2207", inputs.settle(request, presettled), insuplc_admdvs=REGION)
    fault(sim, "2207", "drop_after_commit", count=1)
    with pytest.raises(AmbiguousOutcomeError):
        client.execute(prepared)
    again = client.call("2207", prepared.input, prepared.msgid, insuplc_admdvs=REGION)
    assert again.output["setlinfo"]["medins_setl_id"] == prepared.msgid
    assert len(settlements(sim, prepared.msgid)) == 1


def test_parallel_chains_share_one_client(sim: RunningSimulator, client: PlatformClient) -> None:
    request, presettled = visit(client, EMPLOYEE)

    def chain(_: int) -> list[Breakdown]:
        return [client.pre_settle(request, insuplc_admdvs=REGION) for _ in range(5)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        splits = [split for result in pool.map(chain, range(8)) for split in result]

    def amounts(split: Breakdown) -> dict[str, str]:
        varying = ("setl_time", "medins_setl_id")  # when, and by which msgid
        return {k: v for k, v in split.to_setlinfo().items() if k not in varying}

    assert len(splits) == 40
    for split in splits:
        assert amounts(split) == amounts(presettled)


def test_reconciliation_reports_what_each_side_lacks(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    request, presettled = visit(client, EMPLOYEE)
    settled = client.settle(request, presettled, insuplc_admdvs=REGION)
    today = f"{datetime.now():%Y-%m-%d}"
    detail = client.reconcile_detail(today, today, [settled.breakdown.setl_id, "S-NOT-HELD"])
    assert detail.terminal_only == ("S-NOT-HELD",)
    assert settled.breakdown.setl_id not in detail.platform_only
    totals = client.reconcile_totals(
        inputs.DailyTotals(
            insutype="310",
            clr_type="11",
            setl_optins=REGION,
            stmt_begndate=today,
            stmt_enddate=today,
            medfee_sumamt=Money("0.01"),
            fund_pay_sumamt=Money("0.00"),
            acct_pay=Money("0.00"),
            fixmedins_setl_cnt=0,
        )
    )
    assert not totals.balanced and totals.description


def test_the_demo_config_talks_to_the_simulator(sim: RunningSimulator, counter_dir: Path) -> None:
    config = load_config(
        REPO / "packaging" / "terminal.demo.toml", env={"MEDTERM__PLATFORM__BASE_URL": sim.url}
    )
    t = config.terminal
    counter = SqliteMsgidCounter(counter_dir / "sequence.db")  # same institution and slot
    allocator = MsgidAllocator(t.fixmedins_code, t.slot, t.slot_digits, counter)
    assert PlatformClient(config, allocator).sign_in().sign_no


class DoctoringProxy:
    """Forwards to the simulator and adds a cent to the cash part of every 2207 breakdown:
    a platform that executed the settlement and answered a split that does not add up."""

    def __init__(self, upstream: str) -> None:
        session = requests.Session()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                answer = session.post(upstream + self.path, data=body, timeout=30).json()
                setlinfo = (answer.get("output") or {}).get("setlinfo")
                if json.loads(body)["infno"] == "2207" and setlinfo:
                    setlinfo["psn_cash_pay"] = str(Money(setlinfo["psn_cash_pay"]) + Money("0.01"))
                reply = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_breakdown_that_does_not_add_up_is_refused_then_reversed(
    sim: RunningSimulator, counter_dir: Path
) -> None:
    proxy = DoctoringProxy(sim.url)
    try:
        client = make_client(proxy.url, counter_dir)
        request, presettled = visit(client, RETIREE)
        prepared = client.prepare("2207", inputs.settle(request, presettled), insuplc_admdvs=REGION)
        with pytest.raises(ProtocolError, match="psn_cash_pay") as caught:
            client.execute(prepared)
        assert caught.value.may_have_executed
        assert [s["state"] for s in settlements(sim, prepared.msgid)] == ["settled"]

        client.reverse(prepared, request.psn_no)  # never collect on it: undo it instead
        assert [s["state"] for s in settlements(sim, prepared.msgid)] == ["reversed"]
    finally:
        proxy.close()
