"""Offline e-voucher checks: every refusal names its reason; a good code passes once."""

from __future__ import annotations

import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terminal import voucher
from terminal.sm2 import SM2KeyPair

KEY = SM2KeyPair.generate()
OTHER = SM2KeyPair.generate()
NOW = 1_800_000_000


def payload(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "tok": "T" * 40,
        "iat": NOW,
        "exp": NOW + 120,
        "insuOrg": "440300",
        "mask": "张*丰",
        "idx": "b3BhcXVl",
    }
    values.update(changes)
    return values


def minted(signer: SM2KeyPair = KEY, kid: str = "k1", **changes: Any) -> str:
    return voucher.mint(kid, signer.private_key_hex, signer.public_key_hex, payload(**changes))


@pytest.fixture
def verifier(tmp_path: Path) -> Callable[[float], voucher.VoucherVerifier]:
    keys = voucher.load_platform_keys(
        [
            {"kid": "k1", "public_key_hex": KEY.public_key_hex, "not_after": "2030-12-31"},
            {"kid": "old", "public_key_hex": KEY.public_key_hex, "not_after": "2020-01-01"},
        ]
    )
    cache = voucher.ReplayCache(tmp_path / "replay.sqlite")

    def make(now: float = NOW) -> voucher.VoucherVerifier:
        return voucher.VoucherVerifier(keys, cache, clock=lambda: now)

    return make


def test_genuine_voucher_passes_and_shows_only_the_mask(verifier: Any) -> None:
    result = verifier().verify(minted())
    assert result.mask == "张*丰"
    assert result.insu_org == "440300"
    assert "b3BhcXVl" not in repr(result)


def test_second_use_is_refused_as_replayed(verifier: Any) -> None:
    verifier().verify(minted())
    with pytest.raises(voucher.VoucherReplayed):
        verifier().verify(minted())


def test_replay_memory_survives_a_restart(tmp_path: Path) -> None:
    keys = voucher.load_platform_keys([{"kid": "k1", "public_key_hex": KEY.public_key_hex}])
    code = minted()
    first = voucher.VoucherVerifier(keys, voucher.ReplayCache(tmp_path / "r.db"), lambda: NOW)
    first.verify(code)
    again = voucher.VoucherVerifier(keys, voucher.ReplayCache(tmp_path / "r.db"), lambda: NOW)
    with pytest.raises(voucher.VoucherReplayed):
        again.verify(code)


def test_expired_tokens_are_purged_from_the_replay_memory(tmp_path: Path) -> None:
    cache = voucher.ReplayCache(tmp_path / "r.db")
    assert cache.remember("a" * 40, NOW, NOW)
    assert cache.remember("b" * 40, NOW + 500, NOW + 100)
    assert len(cache) == 1


def test_signature_by_another_key_is_forged(verifier: Any) -> None:
    with pytest.raises(voucher.VoucherForged):
        verifier().verify(minted(signer=OTHER))


def test_altered_payload_is_forged(verifier: Any) -> None:
    genuine = minted().split(".")
    other = minted(mask="李*四").split(".")
    with pytest.raises(voucher.VoucherForged):
        verifier().verify(".".join([genuine[0], genuine[1], other[2], genuine[3]]))


def test_after_exp_is_expired(verifier: Any) -> None:
    with pytest.raises(voucher.VoucherExpired):
        verifier(NOW + 121).verify(minted())


def test_at_exp_still_passes(verifier: Any) -> None:
    assert verifier(NOW + 120).verify(minted()).tok == "T" * 40


def test_more_than_30_s_before_iat_is_not_yet_valid(verifier: Any) -> None:
    with pytest.raises(voucher.VoucherNotYetValid):
        verifier(NOW - 31).verify(minted())
    assert verifier(NOW - 30).verify(minted()).kid == "k1"


def test_unknown_kid_is_refused(verifier: Any) -> None:
    with pytest.raises(voucher.VoucherUnknownKey, match="'k9'"):
        verifier().verify(minted(kid="k9"))


def test_retired_key_is_refused(verifier: Any) -> None:
    with pytest.raises(voucher.VoucherUnknownKey, match="retired"):
        verifier().verify(minted(kid="old"))


def test_cut_short_is_truncated(verifier: Any) -> None:
    code = minted()
    with pytest.raises(voucher.VoucherTruncated):
        verifier().verify(code[: code.rindex(".")])
    with pytest.raises(voucher.VoucherTruncated, match="signature"):
        verifier().verify(code[:-10])


def test_over_1024_characters_is_oversized(verifier: Any) -> None:
    with pytest.raises(voucher.VoucherOversized):
        verifier().verify(minted(idx="A" * 900))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"tok": "short"}, "token"),
        ({"exp": NOW + 30}, "lifetime"),
        ({"exp": NOW + 301}, "lifetime"),
        ({"iat": "1800000000"}, "iat"),
        ({"iat": True}, "iat"),
        ({"insuOrg": "4403"}, "insuOrg"),
        ({"mask": None}, "mask"),
    ],
)
def test_bad_payload_fields_are_malformed(verifier: Any, changes: dict, reason: str) -> None:
    with pytest.raises(voucher.VoucherMalformed, match=reason):
        verifier().verify(minted(**changes))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: c.replace("ECQR1", "ECQR2", 1),
        lambda c: c.replace(".k1.", ".k#1.", 1),
        lambda c: c.replace(".k1.", ".k" + "1" * 16 + ".", 1),
        lambda c: c + "=",
        lambda c: c + ".extra",
        lambda c: c[:-2] + "é",
    ],
)
def test_bad_structure_is_malformed(verifier: Any, mangle: Callable[[str], str]) -> None:
    with pytest.raises(voucher.VoucherMalformed):
        verifier().verify(mangle(minted()))


@given(st.text(max_size=1100))
def test_any_string_is_accepted_or_refused_with_a_reason(text: str) -> None:
    try:
        voucher.parse(text)
    except voucher.VoucherRefused:
        return


B64 = string.ascii_letters + string.digits + "-_"


@given(
    st.text(alphabet=B64, min_size=1, max_size=16),
    st.text(alphabet=B64, max_size=400),
    st.text(alphabet=B64 + "=.", max_size=100),
)
def test_voucher_shaped_strings_only_raise_refusals(kid: str, body: str, sig: str) -> None:
    try:
        voucher.parse(f"ECQR1.{kid}.{body}.{sig}")
    except voucher.VoucherRefused:
        return


@given(st.binary(max_size=200))
def test_b64url_round_trips(data: bytes) -> None:
    assert voucher.b64url_decode(voucher.b64url_encode(data), "x") == data
