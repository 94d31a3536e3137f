"""The HIS endpoints under /his/, and face authorisation (1191) feeding 1101 (cert type 90)."""

from __future__ import annotations

import json

import pytest
import requests
from testdata import FACES

from simulators.central.testing import PlatformClient, RunningSimulator

HU_CERTNO_PSN = "44030000000000000015"  # has two pending orders in the default world


def _certno(sim: RunningSimulator, psn_no: str) -> str:
    people = json.loads(sim.world.read_text(encoding="utf-8"))["persons"]
    return str(next(p for p in people if p["psn_no"] == psn_no)["certno"])


def test_departments_list_doctors_with_registration_fees(sim: RunningSimulator) -> None:
    answer = sim.control("GET", "/his/departments")
    doctors = [d for dept in answer["departments"] for d in dept["doctors"]]
    assert doctors and all(d["reg_fee"] and d["reg_med_list_codg"] for d in doctors)


def test_orders_are_listed_until_paid_and_paying_is_idempotent(sim: RunningSimulator) -> None:
    certno = _certno(sim, HU_CERTNO_PSN)
    orders = sim.control("GET", f"/his/orders?certno={certno}")["orders"]
    assert len(orders) == 2
    rxno = orders[0]["rxno"]
    assert {"med_list_codg", "pric", "cnt"} <= set(orders[0]["items"][0])
    paid = {"rxnos": [rxno], "setl_id": "S4403000000000000001"}
    assert sim.control("POST", "/his/orders/paid", paid)["ok"]
    assert sim.control("POST", "/his/orders/paid", paid)["ok"]
    other = requests.post(
        sim.url + "/his/orders/paid", json=dict(paid, setl_id="S4403000000000000002"), timeout=10
    )
    assert other.status_code == 409
    left = sim.control("GET", f"/his/orders?certno={certno}")["orders"]
    assert [o["rxno"] for o in left] == [orders[1]["rxno"]]


def test_control_endpoint_adds_orders(sim: RunningSimulator) -> None:
    added = sim.control(
        "POST",
        "/_sim/his/orders",
        {
            "psn_no": "44030000000000000001",
            "orders": [
                {
                    "dept_code": "A01",
                    "items": [{"med_list_codg": "E0001", "pric": "20.00", "cnt": "1"}],
                }
            ],
        },
    )
    assert added["ok"] and len(added["rxnos"]) == 1
    certno = _certno(sim, "44030000000000000001")
    orders = sim.control("GET", f"/his/orders?certno={certno}")["orders"]
    assert [o["rxno"] for o in orders] == added["rxnos"]
    assert orders[0]["items"][0]["name"] == "血常规检查"


def test_1191_refuses_a_failed_liveness_check(client: PlatformClient) -> None:
    data = {
        "encoding": [0.0] * 128,
        "termId": "T01",
        "liveness": {"passed": False, "method": "blink"},
    }
    answer = client.call("1191", {"data": data})
    assert answer["infcode"] == -2 and "liveness" in answer["err_msg"]


@pytest.fixture(scope="module")
def encode():  # type: ignore[no-untyped-def]
    engine_module = pytest.importorskip("drivers.face.engine")
    from drivers.camera.images import read_rgb
    from drivers.face.models import FaceModels
    from drivers.face.settings import FaceSettings

    engine = engine_module.FaceEngine(FaceModels(), FaceSettings())
    return lambda name: [float(x) for x in engine.encode_single(read_rgb(FACES / name))]


def test_face_of_an_enrolled_person_authorises_1101(client: PlatformClient, encode) -> None:  # type: ignore[no-untyped-def]
    data = {
        "encoding": encode("obama_2.jpg"),
        "termId": "T01",
        "liveness": {"passed": True, "method": "blink"},
    }
    auth = client.call("1191", {"data": data})
    assert auth["infcode"] == 0, auth["err_msg"]
    assert auth["output"]["data"]["mask"] == "张*"
    query = {"mdtrt_cert_type": "90", "mdtrt_cert_no": auth["output"]["data"]["authNo"]}
    person = client.call("1101", {"data": query})["output"]
    assert person["baseinfo"]["psn_no"] == "44030000000000000001"
    assert len(person["face_ref"]["encoding"]) == 128
    assert client.call("1101", {"data": query})["infcode"] == -2  # authNo is single use


def test_face_of_an_unenrolled_impostor_is_refused(client: PlatformClient, encode) -> None:  # type: ignore[no-untyped-def]
    data = {
        "encoding": encode("miranda_1.png"),
        "termId": "T01",
        "liveness": {"passed": True, "method": "blink"},
    }
    answer = client.call("1191", {"data": data})
    assert answer["infcode"] == -2 and "no enrolled face" in answer["err_msg"]
