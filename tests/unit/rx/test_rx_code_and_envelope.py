"""The prescription's code and the centre's envelope refuse garbage with a typed error, and
a prescription whose signature does not verify is never read."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terminal import sm2
from terminal.rx import code as rxcode
from terminal.rx import records
from terminal.rx.envelope import AppKeys, app_key, open_sealed, seal
from terminal.rx.errors import RxCodeInvalid, RxEnvelopeError, RxSignatureInvalid

CENTRE = sm2.SM2KeyPair.generate()
OTHER = sm2.SM2KeyPair.generate()
PHARMACY = sm2.SM2KeyPair.generate()
HI_RXNO = "RX44030026120100000001"


def pharmacy_keys() -> AppKeys:
    key = app_key("P1", PHARMACY.private_key_hex)
    return AppKeys("P1", PHARMACY.private_key_hex, PHARMACY.public_key_hex, key)


def test_a_minted_code_verifies_with_the_centres_key() -> None:
    text = rxcode.mint(HI_RXNO, CENTRE.private_key_hex, CENTRE.public_key_hex)
    assert rxcode.verify(text, [CENTRE.public_key_hex]).hi_rxno == HI_RXNO


def test_a_code_signed_by_another_key_is_a_signature_error() -> None:
    text = rxcode.mint(HI_RXNO, OTHER.private_key_hex, OTHER.public_key_hex)
    with pytest.raises(RxSignatureInvalid):
        rxcode.verify(text, [CENTRE.public_key_hex])


def test_a_code_for_another_number_does_not_verify() -> None:
    text = rxcode.mint(HI_RXNO, CENTRE.private_key_hex, CENTRE.public_key_hex)
    forged = text.replace(HI_RXNO, "RX44030026120100000002")
    with pytest.raises(RxSignatureInvalid):
        rxcode.verify(forged, [CENTRE.public_key_hex])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("ECQR1.RX44030026120100000001.AAAA", "does not start"),
        ("MTRX1.RX44030026120100000001", "three parts"),
        ("MTRX1.rx-lower.AAAA", "prescription number"),
        ("MTRX1.RX44030026120100000001.AAAA", "truncated"),
        ("MTRX1.RX44030026120100000001.+/+/", "base64url"),
        ("MTRX1." + "9" * 300, "longer than"),
    ],
)
def test_a_malformed_code_names_its_problem(text: str, reason: str) -> None:
    with pytest.raises(RxCodeInvalid, match=reason):
        rxcode.parse(text)


@given(st.text(max_size=300))
def test_any_text_is_a_code_or_a_typed_refusal(text: str) -> None:
    try:
        hi_rxno, signature = rxcode.parse(text)
    except RxCodeInvalid as err:
        assert err.code == "E804" and err.detail
    else:
        assert rxcode.HI_RXNO.fullmatch(hi_rxno) and len(signature) == 64


def test_a_sealed_body_opens_with_the_apps_key_and_verifies() -> None:
    keys = pharmacy_keys()
    envelope = seal({"hiRxno": HI_RXNO}, signer=keys, sm4_key=keys.sm4_key, app_id="P1",
                    timestamp_ms=1)
    assert "hiRxno" not in envelope["encData"]
    app, body = open_sealed(
        envelope, sm4_key_of=lambda _a: keys.sm4_key, verify_with=lambda _a: (keys.public_key_hex,)
    )
    assert (app, body) == ("P1", {"hiRxno": HI_RXNO})


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"encType": "AES"}, "encType"),
        ({"encData": "not base64!"}, "base64"),
        ({"encData": base64.b64encode(bytes(48)).decode()}, "decrypt"),
        ({"timestamp": "2"}, "does not verify"),
        ({"appId": "P2"}, "unknown appId"),
        ({"signData": None}, "missing"),
    ],
)
def test_an_altered_envelope_is_refused_with_the_reason(change: dict, reason: str) -> None:
    keys = pharmacy_keys()
    envelope = seal({"a": 1}, signer=keys, sm4_key=keys.sm4_key, app_id="P1", timestamp_ms=1)
    with pytest.raises(RxEnvelopeError, match=reason):
        open_sealed(
            {**envelope, **change},
            sm4_key_of=lambda _a: keys.sm4_key,
            verify_with=lambda a: (keys.public_key_hex,) if a == "P1" else (),
        )


def _view_answer(signed_value: dict, signer: sm2.SM2KeyPair) -> dict:
    raw = sm2.canonical_json(signed_value)
    signature = sm2.sign(signer.private_key_hex, signer.public_key_hex, raw)
    return {
        "hiRxno": signed_value["hiRxno"],
        "rxStasCodg": "1",
        "rxUsedStasCodg": "0",
        "rxSignedValue": base64.b64encode(raw).decode(),
        "signDigest": base64.b64encode(signature).decode(),
    }


SIGNED = {
    "hiRxno": HI_RXNO,
    "hospRxno": "HRX1",
    "prscTime": "2026-12-01 09:00:00",
    "valiDays": "3",
    "valiEndTime": "2026-12-04 09:00:00",
    "mdtrtinfo": {
        "fixmedinsCode": "H1", "fixmedinsName": "医院", "prscDeptName": "内科", "drCode": "D1",
        "prscDrName": "王医生", "maindiagCode": "J06.9", "maindiagName": "感冒",
        "certno": "440300198503121010", "patnName": "张伟",
    },
    "rxdrugdetail": [
        {"medListCodg": "X1", "drugGenname": "阿莫西林", "drugCnt": "2", "drugPric": "12.50",
         "medcDays": "7"}
    ],
}


def test_a_prescription_signed_by_the_centre_is_read_from_its_signed_value() -> None:
    rx = records.prescription(_view_answer(SIGNED, CENTRE), [CENTRE.public_key_hex])
    assert (rx.hi_rxno, rx.drugs[0].cnt, rx.dr_name) == (HI_RXNO, 2, "王医生")


def test_a_prescription_whose_signature_does_not_verify_is_refused() -> None:
    answer = _view_answer(SIGNED, OTHER)
    with pytest.raises(RxSignatureInvalid, match=HI_RXNO):
        records.prescription(answer, [CENTRE.public_key_hex])


def test_an_altered_quantity_breaks_the_signature() -> None:
    answer = _view_answer(SIGNED, CENTRE)
    altered = json.loads(base64.b64decode(answer["rxSignedValue"]))
    altered["rxdrugdetail"][0]["drugCnt"] = "20"
    answer["rxSignedValue"] = base64.b64encode(sm2.canonical_json(altered)).decode()
    with pytest.raises(RxSignatureInvalid):
        records.prescription(answer, [CENTRE.public_key_hex])
