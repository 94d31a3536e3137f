"""The simulator's prescription centre over the wire: garbage, a wrong key, the wrong kind of
institution and a view without the patient's consent are each refused with the reason."""

from __future__ import annotations

import json

import pytest
import requests

from simulators.central.testing import DEFAULT_WORLD, RunningSimulator
from terminal import sm2
from terminal.rx.client import LIST, PRE_AUDIT, VIEW, RxClient
from terminal.rx.envelope import AppKeys, app_key
from terminal.rx.errors import RxRefused

PATIENT = "440300198503121010"


def client_of(url: str, code: str, *, signer: sm2.SM2KeyPair | None = None) -> RxClient:
    """The centre as institution `code` (signing with `signer` instead of its own key)."""
    world = json.loads(DEFAULT_WORLD.read_text())
    inst = next(i for i in world["institutions"] if i["fixmedins_code"] == code)
    own = sm2.SM2KeyPair(inst["private_key_hex"], inst["public_key_hex"])
    pair = signer or own
    keys = AppKeys(
        code, pair.private_key_hex, pair.public_key_hex, app_key(code, own.private_key_hex)
    )
    return RxClient(url, keys, (world["platform_key"]["public_key_hex"],))


def test_garbage_is_refused_with_a_reason_not_a_500(sim: RunningSimulator) -> None:
    answer = requests.post(sim.url + "/fixmedins/fixmedins/" + VIEW, json={"x": 1}, timeout=10)
    assert answer.status_code == 200
    assert answer.json()["code"] == 1001 and "missing" in answer.json()["message"]


def test_an_envelope_signed_with_another_key_does_not_verify(sim: RunningSimulator) -> None:
    impostor = client_of(sim.url, "P44030000002", signer=sm2.SM2KeyPair.generate())
    with pytest.raises(RxRefused, match="does not verify"):
        impostor.call(LIST, {"certno": PATIENT})


def test_a_pharmacy_cannot_issue_prescriptions(sim: RunningSimulator) -> None:
    pharmacy = client_of(sim.url, "P44030000002")
    with pytest.raises(RxRefused, match="only a hospital") as refused:
        pharmacy.call(PRE_AUDIT, {"mdtrtCertType": "02", "mdtrtCertNo": PATIENT})
    assert refused.value.centre_code == 3008


def test_a_view_without_the_patients_consent_is_refused(sim: RunningSimulator) -> None:
    issued = sim.control(
        "POST",
        "/_sim/his/prescriptions",
        {
            "fixmedins_code": "H44030000001", "certno": PATIENT, "dr_code": "D1",
            "dr_name": "王医生", "dept_name": "内科", "diag_code": "J06.9", "diag_name": "感冒",
            "drugs": [{"med_list_codg": "X1", "name": "阿莫西林", "cnt": "1", "pric": "9.00"}],
        },
    )  # fmt: skip
    pharmacy = client_of(sim.url, "P44030000002")
    with pytest.raises(RxRefused, match="授权"):
        pharmacy.view(issued["hi_rxno"])
    with pytest.raises(RxRefused, match="授权"):
        pharmacy.view_for_person(issued["hi_rxno"], "440300199007081026")
    assert pharmacy.view_for_person(issued["hi_rxno"], PATIENT).hi_rxno == issued["hi_rxno"]


def test_the_simulated_his_refuses_a_drug_outside_the_catalogue(sim: RunningSimulator) -> None:
    answer = sim.control(
        "POST",
        "/_sim/his/prescriptions",
        {
            "fixmedins_code": "H44030000001", "certno": PATIENT, "dr_code": "D1",
            "dr_name": "王医生", "dept_name": "内科", "diag_code": "J06.9", "diag_name": "感冒",
            "drugs": [{"med_list_codg": "NOPE", "name": "?", "cnt": "1", "pric": "9.00"}],
        },
    )  # fmt: skip
    assert answer["ok"] is False and "NOPE is not in the catalogue" in answer["error"]
