"""Client-side overhead of one platform call: time in `PlatformClient`, excluding the server.

A minimal keep-alive server (its own process, so it does not share our GIL) answers every POST
instantly with one canned, valid 2207 response. The baseline is the same request bytes sent
with `http.client` on a keep-alive connection and the body read, nothing else; the client run
is `PlatformClient.execute(prepared)` (envelope, JSON encode, requests, strict parse, checked
Breakdown); "requests" is the same bytes through a bare `requests` session, to show how much
of the overhead is the HTTP library. The overhead is the difference of the medians. Three
modes: signtype NONE; signtype SM2 (signing each request, verifying each pre-signed response)
with the native SM2 (`terminal.openssl_sm2`); and SM2 with `gmssl` (pure Python, the
implementation it replaced) put behind `terminal.sm2`, the same-run baseline of the SM2
figures. Batches alternate between all functions of all three modes, so drift and the other
load of the machine hit them alike. Last, sign and verify alone, native against gmssl.

    .venv/bin/python -m bench.bench_client [--calls 2000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gmssl import sm2 as gmssl_sm2

from terminal import openssl_sm2, sm2
from terminal.central.client import PlatformClient, make_session
from terminal.central.envelope import encode
from terminal.central.msgid import MsgidAllocator
from terminal.central.paths import TRANSACTION_PATHS
from terminal.config import TerminalConfig
from terminal.services import ServiceProcess, python_module_argv

FIXMEDINS = "H44030000001"
SETLINFO = {
    "setl_id": "S4403000000000001",
    "mdtrt_id": "M1",
    "psn_no": "P1",
    "psn_name": "张三",
    "insutype": "310",
    "psn_type": "11",
    "med_type": "11",
    "setl_time": "2026-11-23 12:00:00",
    "medfee_sumamt": "100.00",
    "fulamt_ownpay_amt": "10.00",
    "overlmt_selfpay": "0.00",
    "preselfpay_amt": "5.00",
    "inscp_scp_amt": "85.00",
    "act_pay_dedc": "0.00",
    "hifp_pay": "60.00",
    "pool_prop_selfpay": "25.00",
    "cvlserv_pay": "0.00",
    "hifes_pay": "0.00",
    "hifmi_pay": "0.00",
    "hifob_pay": "0.00",
    "maf_pay": "0.00",
    "oth_pay": "0.00",
    "fund_pay_sumamt": "60.00",
    "psn_part_amt": "40.00",
    "acct_pay": "30.00",
    "acct_mulaid_pay": "0.00",
    "psn_cash_pay": "10.00",
    "balc": "470.00",
    "medins_setl_id": "",
}
SETTLE_INPUT = {
    "data": {
        "psn_no": "P1",
        "mdtrt_cert_type": "02",
        "mdtrt_cert_no": "440300199001011234",
        "med_type": "11",
        "medfee_sumamt": "100.00",
        "psn_setlway": "01",
        "mdtrt_id": "M1",
        "chrg_bchno": "B1",
        "acct_used_flag": "1",
        "insutype": "310",
        "invono": "",
        "fulamt_ownpay_amt": "10.00",
        "overlmt_selfpay": "0.00",
        "preselfpay_amt": "5.00",
        "inscp_scp_amt": "85.00",
        "mulaid_psn_no": "",
    },
    "drug_trac_info": [],
}


def canned_response(platform_keys: sm2.SM2KeyPair, *, signed: bool) -> bytes:
    response: dict[str, Any] = {
        "infcode": 0,
        "inf_refmsgid": "440300202611231200000000000001",
        "refmsg_time": "20261123120000000",
        "respond_time": "20261123120000001",
        "err_msg": "",
        "warn_msg": "",
        "output": {
            "setlinfo": SETLINFO,
            "setldetail": [
                {"fund_pay_type": "310100", "fund_pay_type_name": "统筹", "fund_payamt": "60.00"}
            ],
            "signinoutb": {"sign_no": "N1", "sign_time": "2026-11-23 12:00:00"},
        },
        "signtype": "SM2" if signed else "NONE",
        "cainfo": "",
    }
    if signed:
        signature = sm2.sign(
            platform_keys.private_key_hex,
            platform_keys.public_key_hex,
            sm2.canonical_json(response),
        )
        response["signdata"] = signature.hex()
    return json.dumps(response, ensure_ascii=False, separators=(",", ":")).encode()


def serve(platform_keys: sm2.SM2KeyPair) -> None:
    """The canned server: one instant answer per POST, keep-alive, Nagle off."""
    bodies = {
        False: canned_response(platform_keys, signed=False),
        True: canned_response(platform_keys, signed=True),
    }

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            request = self.rfile.read(int(self.headers["Content-Length"]))
            body = bodies[b'"signdata"' in request]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


class MemoryCounter:
    """Msgids in memory: the SQLite counter's fsync is the journal's cost, not the client's."""

    def __init__(self) -> None:
        self.second, self.value = "", -1

    def allocate(self, second: str, width: int) -> tuple[str, int]:
        if second > self.second:
            self.second, self.value = second, -1
        self.value = (
            self.value + 1
        ) % 10**width  # the bench reuses msgids: the server ignores them
        return self.second, self.value


def client_config(url: str, platform_public_key: str, *, signtype: str) -> TerminalConfig:
    platform: dict[str, Any] = {"base_url": url, "signtype": signtype}
    if signtype == "SM2":
        keys = sm2.SM2KeyPair.generate()
        platform.update(
            private_key_hex=keys.private_key_hex,
            public_key_hex=keys.public_key_hex,
            platform_public_keys=[platform_public_key],
        )
    return TerminalConfig.from_mapping(
        {
            "terminal": {
                "fixmedins_code": FIXMEDINS,
                "fixmedins_name": "测试医院",
                "region": "440300",
                "terminal_id": "BENCH",
                "slot": 0,
                "opter_type": "2",
                "opter": "BENCH",
                "opter_name": "bench",
                "recer_sys_code": "FSI",
                "institution_kind": "hospital",
            },
            "platform": platform,
            "store": {"data_dir": "/tmp"},
        },
        base_dir=Path("/tmp"),
    )


def make_client(url: str, platform_public_key: str, *, signtype: str) -> PlatformClient:
    config = client_config(url, platform_public_key, signtype=signtype)
    allocator = MsgidAllocator(FIXMEDINS, 0, 1, MemoryCounter(), datetime.now)
    client = PlatformClient(config, allocator)
    client.sign_in()
    return client


class GmsslBackend:
    """The bytes-level interface of `terminal.openssl_sm2`, computed by gmssl: what
    `terminal.sm2` did before it went native, for the same-run baseline. Keys are set up
    natively (untimed)."""

    public_key = staticmethod(openssl_sm2.public_key)
    check_public_key = staticmethod(openssl_sm2.check_public_key)

    @staticmethod
    def sign(private: bytes, public: bytes, data: bytes) -> bytes:
        crypt = gmssl_sm2.CryptSM2(private_key=private.hex(), public_key="")
        crypt.public_key = public.hex()  # after construction: gmssl strips a leading "04"
        return bytes.fromhex(crypt.sign_with_sm3(data))

    @staticmethod
    def verify(public: bytes, data: bytes, signature: bytes) -> bool:
        crypt = gmssl_sm2.CryptSM2(private_key="", public_key="")
        crypt.public_key = public.hex()
        return bool(crypt.verify_with_sm3(signature.hex(), data))


@contextmanager
def backend(name: str) -> Iterator[None]:
    """`terminal.sm2` computing with `name` ("native" or "gmssl") inside the block."""
    native = sm2.openssl_sm2
    if name == "gmssl":
        sm2.openssl_sm2 = GmsslBackend  # type: ignore[assignment]
    try:
        yield
    finally:
        sm2.openssl_sm2 = native


def timed(fn: Callable[[], Any], calls: int) -> list[float]:
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


@dataclass
class Mode:
    """One way of calling (signtype NONE, SM2 native, SM2 gmssl): its four timed functions,
    the samples each gathered, and what to close."""

    label: str
    implementation: str
    batch: int
    functions: dict[str, Callable[[], Any]]
    closers: list[Callable[[], Any]]
    samples: dict[str, list[float]] = field(default_factory=dict)

    def run_batch(self) -> None:
        with backend(self.implementation):
            for name, fn in self.functions.items():
                self.samples.setdefault(name, []).extend(timed(fn, self.batch))

    def close(self) -> None:
        for close in self.closers:
            close()

    def medians_ms(self) -> dict[str, float]:
        median = {name: statistics.median(t) * 1000 for name, t in self.samples.items()}
        return {
            **median,
            "overhead": median["execute"] - median["baseline"],
            "overhead_with_prepare": median["+prepare"] - median["baseline"],
        }


def mode(
    url: str, platform_public_key: str, *, signtype: str, implementation: str, batch: int
) -> Mode:
    """The four ways of sending one 2207 with `signtype`: raw http.client (the baseline), a
    bare requests session, `client.execute`, and prepare + execute."""
    with backend(implementation):
        client = make_client(url, platform_public_key, signtype=signtype)
        prepared = client.prepare("2207", SETTLE_INPUT, insuplc_admdvs="440300")
        body = encode(client.envelope_for(prepared))  # the bytes the client sends
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port)
    path = TRANSACTION_PATHS["2207"]
    headers = {"Content-Type": "application/json; charset=utf-8"}

    def raw() -> None:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()

    session = make_session(client_config(url, platform_public_key, signtype=signtype).platform)

    def transport_only() -> None:
        response = session.post(url + path, data=body, headers=headers, timeout=(3, 10))
        assert response.content

    def full() -> None:
        client.execute(prepared)

    def with_prepare() -> None:
        client.execute(client.prepare("2207", SETTLE_INPUT, insuplc_admdvs="440300"))

    label = signtype if signtype == "NONE" else f"SM2 {implementation}"
    functions = {
        "baseline": raw,
        "requests": transport_only,
        "execute": full,
        "+prepare": with_prepare,
    }
    result = Mode(
        label, implementation, batch, functions, [connection.close, session.close, client.close]
    )
    with backend(implementation):
        for fn in functions.values():
            timed(fn, max(5, batch // 2))  # warm up connections and caches
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--serve", nargs=2, metavar=("PRIVATE", "PUBLIC"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(sm2.SM2KeyPair(*args.serve))
        return 0
    platform = sm2.SM2KeyPair.generate()
    service = ServiceProcess.start(
        python_module_argv(
            "bench.bench_client", "--serve", platform.private_key_hex, platform.public_key_hex
        ),
        name="canned",
    )
    try:
        print(
            f"{'signtype':12} {'baseline':>9} {'requests':>9} {'execute':>9} {'+prepare':>9} "
            f"{'overhead':>9} {'+prepare':>9} (median ms per call)"
        )
        # Batches alternate between the modes, so drift and other load hit all three alike;
        # gmssl is 20-40x slower, so its batches are a tenth the size.
        modes = [
            mode(
                service.url,
                platform.public_key_hex,
                signtype=signtype,
                implementation=implementation,
                batch=batch,
            )
            for signtype, implementation, batch in (
                ("NONE", "native", 100),
                ("SM2", "native", 100),
                ("SM2", "gmssl", 10),
            )
        ]
        try:
            for _ in range(max(1, args.calls // 100)):
                for each in modes:
                    each.run_batch()
        finally:
            for each in modes:
                each.close()
        overhead: dict[str, float] = {}
        for each in modes:
            r = each.medians_ms()
            overhead[each.label] = r["overhead"]
            print(
                f"{each.label:12} {r['baseline']:9.3f} {r['requests']:9.3f} "
                f"{r['execute']:9.3f} {r['+prepare']:9.3f} {r['overhead']:9.3f} "
                f"{r['overhead_with_prepare']:9.3f} ({len(each.samples['execute'])} calls)"
            )
        print(
            f"client overhead with SM2: native {overhead['SM2 native']:.3f} ms, gmssl "
            f"{overhead['SM2 gmssl']:.3f} ms (gmssl/native "
            f"{overhead['SM2 gmssl'] / overhead['SM2 native']:.1f}x); signing's share over "
            f"NONE: {overhead['SM2 native'] - overhead['NONE']:.3f} ms"
        )
        data = sm2.canonical_json(SETTLE_INPUT)
        keys = sm2.SM2KeyPair.generate()
        signature = sm2.sign(keys.private_key_hex, keys.public_key_hex, data)
        operations: dict[str, Callable[[], Any]] = {
            "sign": lambda: sm2.sign(keys.private_key_hex, keys.public_key_hex, data),
            "verify": lambda: sm2.verify(keys.public_key_hex, data, signature),
        }
        alone: dict[str, dict[str, list[float]]] = {
            name: {"sign": [], "verify": []} for name in ("native", "gmssl")
        }
        for _ in range(10):  # rounds alternate: 100 native calls, then 20 gmssl calls, each
            for implementation, calls in (("native", 100), ("gmssl", 20)):
                with backend(implementation):
                    for operation, fn in operations.items():
                        alone[implementation][operation] += timed(fn, calls)
        for operation in ("sign", "verify"):
            native = statistics.median(alone["native"][operation]) * 1000
            reference = statistics.median(alone["gmssl"][operation]) * 1000
            print(
                f"SM2 {operation} alone ({len(alone['native'][operation])} / "
                f"{len(alone['gmssl'][operation])} calls): native {native:.3f} ms, "
                f"gmssl {reference:.3f} ms (gmssl/native {reference / native:.1f}x)"
            )
    finally:
        service.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
