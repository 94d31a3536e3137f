"""Registration (挂号) at the simulated HIS through the terminal's client: today's numbers
per doctor and session, a registration as an unpaid order of the doctor's fee (the same one
again for the same person, doctor and session), no numbers left refused as RegistrationFull,
and garbage refused with a 4xx, never a server error."""

from __future__ import annotations

import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulators.central.his import SLOTS
from simulators.central.testing import RunningSimulator
from terminal.his import HisClient, HisError, RegistrationFull


def _certnos(sim: RunningSimulator, count: int) -> list[str]:
    people = json.loads(sim.world.read_text(encoding="utf-8"))["persons"]
    return [str(p["certno"]) for p in people[10:10 + count]]


def test_departments_give_each_doctors_fee_and_todays_numbers(sim: RunningSimulator) -> None:
    departments = HisClient(sim.url).departments()
    doctor = next(d for dept in departments for d in dept.doctors if d.dr_code == "D0102")
    assert str(doctor.fee) == "10.00"
    assert [(s.period, s.hours) for s in doctor.slots] == [(p, h) for p, h, _ in SLOTS]


def test_a_registration_is_an_unpaid_order_of_the_fee_and_takes_a_number(
    sim: RunningSimulator,
) -> None:
    client = HisClient(sim.url)
    (certno,) = _certnos(sim, 1)
    order = client.register(certno, "D0201", "am")
    assert order.rxno.startswith("REG") and order.dr_name == "黄志强"
    assert [(i.med_list_codg, str(i.pric)) for i in order.items] == [("REG02", "25.00")]
    assert order.rxno in {o.rxno for o in client.unpaid_orders(certno)}
    assert client.register(certno, "D0201", "am") == order  # the same number again
    doctor = next(d for dept in client.departments() for d in dept.doctors
                  if d.dr_code == "D0201")
    assert doctor.slots[0].left == SLOTS[0][2] - 1


def test_a_session_with_no_numbers_left_is_refused_as_full(sim: RunningSimulator) -> None:
    client = HisClient(sim.url)
    size = SLOTS[1][2]
    for certno in _certnos(sim, size):
        client.register(certno, "D0701", "pm")
    (late,) = _certnos(sim, size + 1)[size:]
    with pytest.raises(RegistrationFull):
        client.register(late, "D0701", "pm")


def test_an_unknown_doctor_is_a_his_error_not_full(sim: RunningSimulator) -> None:
    (certno,) = _certnos(sim, 1)
    with pytest.raises(HisError) as raised:
        HisClient(sim.url).register(certno, "D9999", "am")
    assert not isinstance(raised.value, RegistrationFull)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.dictionaries(st.sampled_from(["certno", "dr_code", "period"]),
                    st.one_of(st.text(max_size=40), st.integers(), st.none(), st.lists(st.text()))),
    st.lists(st.integers()), st.text(max_size=20), st.integers(),
))  # fmt: skip
def test_garbage_registrations_are_refused_with_a_client_error(
    sim: RunningSimulator, body: object
) -> None:
    # the simulator is shared by the examples: a refusal changes nothing in it
    answer = requests.post(sim.url + "/his/registrations", json=body, timeout=10)
    assert answer.status_code in (200, 400, 404), answer.text
    if answer.status_code != 200:
        assert answer.json()["ok"] is False
