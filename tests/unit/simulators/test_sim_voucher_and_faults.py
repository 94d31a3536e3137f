"""E-voucher minting and checking, fault rules, and the strict field readers (hypothesis)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulators.central import fields, voucher
from simulators.central.faults import FaultRuleError, Faults, parse_rules
from simulators.central.fields import Rejected
from simulators.central.world import PlatformKey
from simulators.worlds import build

KEYS = build.key_pair("unit", "platform")
KEY = PlatformKey("k1", KEYS["private_key_hex"], KEYS["public_key_hex"], "2099-12-31")
IDENTITY = {"idType": "01", "idNo": "440300198001010011", "name": "张三丰"}
NOW = 1_790_000_000


def _mint(ttl: int = 120) -> str:
    return voucher.mint(KEY, IDENTITY, "440300", "张*丰", NOW, ttl)[0]


def test_minted_voucher_decodes_to_its_identity() -> None:
    decoded = voucher.decode(KEY, _mint(), NOW + 10)
    assert decoded.identity == IDENTITY
    assert decoded.insu_org == "440300"
    assert len(decoded.tok) == 40


def test_voucher_is_refused_after_exp_and_before_iat_minus_skew() -> None:
    qr = _mint(60)
    with pytest.raises(Rejected, match="expired"):
        voucher.decode(KEY, qr, NOW + 61)
    with pytest.raises(Rejected, match="future"):
        voucher.decode(KEY, qr, NOW - 31)


def test_voucher_signed_by_another_key_is_forged() -> None:
    other = build.key_pair("unit", "someone else")
    impostor = PlatformKey("k1", other["private_key_hex"], other["public_key_hex"], "")
    qr = voucher.mint(impostor, IDENTITY, "440300", "张*丰", NOW, 120)[0]
    with pytest.raises(Rejected, match="forged"):
        voucher.decode(KEY, qr, NOW)


def test_idx_is_not_readable_without_the_platform_key() -> None:
    payload = _mint().split(".")[2]
    import base64

    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert IDENTITY["idNo"] not in json.dumps(body) and IDENTITY["name"] not in json.dumps(body)


@given(st.text(max_size=1100))
def test_any_other_string_is_refused_never_crashes(text: str) -> None:
    with pytest.raises(Rejected):
        voucher.decode(KEY, text, NOW)


@given(st.integers(min_value=0, max_value=200))
def test_any_truncation_of_a_voucher_is_refused(cut: int) -> None:
    qr = _mint()
    with pytest.raises(Rejected):
        voucher.decode(KEY, qr[: len(qr) - 1 - cut], NOW)


def test_count_rule_fires_exactly_count_times() -> None:
    faults = Faults()
    faults.replace(parse_rules({"rules": [{"infno": "2207", "mode": "http_503", "count": 2}]}))
    picks = [getattr(faults.pick("2207")[1], "mode", None) for _ in range(4)]
    assert picks == ["http_503", "http_503", None, None]
    assert faults.pick("9001") == (0, None)


def test_delay_combines_with_another_mode() -> None:
    faults = Faults()
    faults.replace(
        parse_rules(
            {
                "rules": [
                    {"infno": "*", "mode": "delay", "ms": 50, "probability": 1},
                    {"infno": "*", "mode": "garbage_body", "probability": 1},
                ]
            }
        )
    )
    delay, rule = faults.pick("2207")
    assert (delay, rule and rule.mode) == (50, "garbage_body")


def test_offline_rule_is_reported_until_cleared() -> None:
    faults = Faults()
    faults.replace(parse_rules({"rules": [{"mode": "offline", "probability": 1}]}))
    assert faults.offline()
    faults.clear()
    assert not faults.offline()


@pytest.mark.parametrize(
    "rule",
    [
        {"mode": "nope", "count": 1},
        {"mode": "http_503"},
        {"mode": "http_503", "count": 1, "probability": 0.5},
        {"mode": "http_503", "probability": 2},
        {"mode": "delay", "count": 1},
        {"mode": "http_503", "count": 0},
        {"infno": "22", "mode": "http_503", "count": 1},
        {"infno": "*", "mode": "refuse", "count": 1},
        {"infno": "2207", "mode": "refuse", "count": 1, "err_msg": ""},
        {"infno": "2207", "mode": "refuse", "count": 1, "err_msg": "两行\n原因"},
        {"infno": "2207", "mode": "refuse", "count": 1, "err_msg": 7},
        {"infno": "2207", "mode": "http_503", "count": 1, "err_msg": "只给 refuse"},
    ],
)
def test_malformed_rules_are_refused(rule: dict) -> None:
    with pytest.raises(FaultRuleError):
        parse_rules({"rules": [rule]})


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
    max_leaves=8,
)


@given(JSON)
def test_field_readers_return_a_checked_value_or_reject(value: object) -> None:
    parent = {"v": value}
    for reader in (
        lambda: fields.money(parent, "v", "p"),
        lambda: fields.count(parent, "v", "p"),
        lambda: fields.day(parent, "v", "p"),
        lambda: fields.moment(parent, "v", "p"),
        lambda: fields.digits(parent, "v", "p", 6),
        lambda: fields.text(parent, "v", "p", max_len=10),
        lambda: fields.obj(value, "p"),
        lambda: fields.items(parent, "v", "p"),
    ):
        try:
            reader()
        except Rejected as err:
            assert "p" in err.message


def test_money_field_refuses_three_decimals_and_numbers() -> None:
    with pytest.raises(Rejected, match="two decimals"):
        fields.money({"a": "1.005"}, "a", "x")
    with pytest.raises(Rejected, match="decimal string"):
        fields.money({"a": 1.5}, "a", "x")
