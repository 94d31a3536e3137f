"""Face-only identification end to end: live encoding -> 1191 -> authNo -> 1101 (type 90),
with the terminal's platform client against the real simulator process."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

import pytest
from face_photos import photo

from drivers.camera.source import Frame
from drivers.face.engine import FaceEngine
from drivers.face.errors import FaceAuthorisationError, FaceNotEnrolledError
from drivers.face.liveness import LivenessResult
from drivers.face.session import LiveFace
from drivers.face.verifier import FaceVerifier, Reference
from offline_store.sequence import SqliteMsgidCounter
from simulators.central.testing import DEFAULT_INSTITUTION, RunningSimulator, start_simulator
from terminal.central.client import PlatformClient
from terminal.central.inputs import PersonQuery
from terminal.central.msgid import MsgidAllocator
from terminal.central.results import FaceAuthorisation, PersonInfo
from terminal.config import TerminalConfig
from terminal.flows.face_identify import FACE_CERT_TYPE, FaceIdentifyFlow, FaceIdentifyState

OBAMA_PSN_NO = "44030000000000000001"  # enrolled in the default world with obama_1.jpg


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSimulator]:
    running = start_simulator(tmp_path_factory.mktemp("central"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(
    sim: RunningSimulator, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PlatformClient]:
    """One client (and one msgid counter) for the module: msgids never repeat on the sim."""
    tmp_path = tmp_path_factory.mktemp("terminal")
    config = TerminalConfig.from_mapping(
        {
            "terminal": {
                "fixmedins_code": DEFAULT_INSTITUTION,
                "fixmedins_name": "测试医院",
                "region": "440300",
                "terminal_id": "FACE01",
                "slot": 0,
                "opter_type": "2",
                "opter": "FACE01",
                "opter_name": "kiosk",
                "recer_sys_code": "FSI",
                "institution_kind": "hospital",
            },
            "platform": {"base_url": sim.url, "signtype": "NONE"},
            "store": {"data_dir": str(tmp_path)},
        },
        base_dir=tmp_path,
    )
    counter = SqliteMsgidCounter(tmp_path / "msgid.sqlite")
    platform = PlatformClient(config, MsgidAllocator(DEFAULT_INSTITUTION, 0, 1, counter))
    platform.sign_in()
    yield platform
    platform.close()


def _live(engine: FaceEngine, name: str) -> LiveFace:
    """A live face as the liveness check hands it over (the blink itself is tested apart)."""
    image = photo(name)
    box = engine.select(image)
    encoding = engine.encode(image, box)
    liveness = LivenessResult("blink", 12, 1.2, Frame(image, 1.2, 12), box, encoding)
    return LiveFace(encoding, liveness)


def test_an_enrolled_face_is_identified_through_1191_and_1101(
    engine: FaceEngine, client: PlatformClient
) -> None:
    states: list[FaceIdentifyState] = []
    flow = FaceIdentifyFlow(client, on_state=states.append)
    identity = flow.identify(_live(engine, "obama_2.jpg"))  # not the enrolled photo
    assert identity.person.base.psn_no == OBAMA_PSN_NO
    assert identity.mdtrt_cert_type == FACE_CERT_TYPE == "90"
    assert identity.person.face_ref is not None  # 1101 sends the enrolled encoding back
    assert len(identity.person.face_ref.encoding) == 128
    assert states == [
        FaceIdentifyState.AUTHORISING,
        FaceIdentifyState.QUERYING,
        FaceIdentifyState.IDENTIFIED,
    ]


def test_the_face_ref_of_1101_verifies_the_same_person_locally(
    engine: FaceEngine, client: PlatformClient
) -> None:
    identity = FaceIdentifyFlow(client).identify(_live(engine, "obama_3.jpg"))
    assert identity.person.face_ref is not None
    reference = Reference.from_encoding(identity.person.face_ref.encoding)
    verifier = FaceVerifier(engine)
    assert verifier.verify(photo("obama_480p.jpg"), reference).matched
    assert not verifier.verify(photo("biden_2.jpg"), reference).matched


def test_a_face_not_enrolled_is_refused_with_use_a_card(
    engine: FaceEngine, client: PlatformClient
) -> None:
    states: list[FaceIdentifyState] = []
    with pytest.raises(FaceNotEnrolledError) as info:
        FaceIdentifyFlow(client, on_state=states.append).identify(_live(engine, "miranda_1.png"))
    assert info.value.code == "E430"
    assert states[-1] is FaceIdentifyState.FAILED


def test_an_authorisation_number_is_single_use(engine: FaceEngine, client: PlatformClient) -> None:
    identity = FaceIdentifyFlow(client).identify(_live(engine, "biden_2.jpg"))

    class Replay:
        """The platform client, but 1191 hands back the authorisation already used."""

        def authorize_face(
            self, encoding: Sequence[float], *, liveness_passed: bool, liveness_method: str
        ) -> FaceAuthorisation:
            return identity.authorisation

        def query_person(self, query: PersonQuery) -> PersonInfo:
            return client.query_person(query)

    with pytest.raises(FaceAuthorisationError) as info:
        FaceIdentifyFlow(Replay(), clock=datetime.now).identify(_live(engine, "biden_2.jpg"))
    assert info.value.code == "E431"
