"""E-voucher QR codes: 1162 accepts a minted code once and refuses forged, expired, replayed
and truncated ones with the reason; the ecToken it issues is single-use for 1101."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta

from simulators.central.testing import PlatformClient, RunningSimulator

ZHANG = "44030000000000000001"


def _decode(client: PlatformClient, qr: str) -> dict:
    data = {
        "ecQrCode": qr,
        "businessType": "01301",
        "deviceType": "SelfService",
        "termId": "T01",
        "orgId": "H44030000001",
        "operatorId": "T01",
    }
    return client.call("1162", {"data": data})


def _mint(sim: RunningSimulator, ttl: int = 120) -> str:
    return str(sim.control("POST", "/_sim/voucher", {"psn_no": ZHANG, "ttl": ttl})["qr"])


def _refused(answer: dict, reason: str) -> None:
    assert answer["infcode"] == -2
    assert reason in answer["err_msg"], answer["err_msg"]


def test_minted_voucher_has_the_project_format(sim: RunningSimulator) -> None:
    prefix, kid, payload, signature = _mint(sim).split(".")
    assert (prefix, kid) == ("ECQR1", "k2026")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert body["exp"] - body["iat"] == 120
    assert body["mask"] == "张*" and body["insuOrg"] == "440300" and len(body["tok"]) == 40
    assert len(base64.urlsafe_b64decode(signature + "==")) == 64


def test_replayed_voucher_is_refused(sim: RunningSimulator, client: PlatformClient) -> None:
    qr = _mint(sim)
    assert _decode(client, qr)["infcode"] == 0
    _refused(_decode(client, qr), "replayed")


def test_forged_voucher_is_refused(sim: RunningSimulator, client: PlatformClient) -> None:
    prefix, kid, payload, signature = _mint(sim).split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["exp"] += 3600
    forged_payload = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    _refused(_decode(client, f"{prefix}.{kid}.{forged_payload}.{signature}"), "forged")


def test_expired_voucher_is_refused(sim: RunningSimulator, client: PlatformClient) -> None:
    qr = _mint(sim, ttl=60)
    now = datetime.strptime(sim.control("GET", "/_sim/clock")["now"], "%Y-%m-%d %H:%M:%S")
    later = now + timedelta(seconds=61)  # past the 60 s the voucher lives, at any hour
    sim.control("POST", "/_sim/clock", {"now": later.strftime("%Y-%m-%d %H:%M:%S")})
    _refused(_decode(client, qr), "expired")


def test_truncated_voucher_is_refused(sim: RunningSimulator, client: PlatformClient) -> None:
    qr = _mint(sim)
    _refused(_decode(client, qr[: qr.rindex(".")]), "truncated")


def test_voucher_of_an_unknown_key_is_refused(
    sim: RunningSimulator, client: PlatformClient
) -> None:
    _, _, payload, signature = _mint(sim).split(".")
    _refused(_decode(client, f"ECQR1.k1999.{payload}.{signature}"), "unknown key")


def test_ec_token_expires(sim: RunningSimulator, client: PlatformClient) -> None:
    sim.control("POST", "/_sim/clock", {"now": "2026-05-01 08:00:00"})
    token = _decode(client, _mint(sim))["output"]["data"]["ecToken"]
    sim.control("POST", "/_sim/clock", {"now": "2026-05-01 09:00:00"})
    answer = client.call("1101", {"data": {"mdtrt_cert_type": "01", "mdtrt_cert_no": token}})
    _refused(answer, "expired")
