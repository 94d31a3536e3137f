"""The configuration is checked completely at start, and every problem names its key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.errors import ConfigError
from kernel.money import Money
from terminal.config import (
    ConfigFileError,
    SignType,
    TerminalConfig,
    UnknownOutcome,
    env_overrides,
    load_config,
)
from terminal.flows.offline_policy import OfflineMode
from terminal.sm2 import SM2KeyPair

REPO = Path(__file__).resolve().parents[3]
KEYS = SM2KeyPair.generate()


def minimal() -> dict[str, Any]:
    return {
        "terminal": {
            "fixmedins_code": "H44030000001",
            "fixmedins_name": "测试医院",
            "region": "440300",
            "terminal_id": "T1",
            "slot": 3,
            "opter_type": "2",
            "opter": "T1",
            "opter_name": "自助机",
            "recer_sys_code": "FSI",
            "institution_kind": "hospital",
        },
        "platform": {"base_url": "http://127.0.0.1:8765", "signtype": "NONE"},
        "store": {"data_dir": "data"},
    }


def test_minimal_config_takes_the_documented_defaults(tmp_path: Path) -> None:
    config = TerminalConfig.from_mapping(minimal(), base_dir=tmp_path)
    assert config.terminal.slot_digits == 1
    assert config.platform.connect_timeout == 3.0
    assert config.platform.read_timeout == 10.0
    assert config.platform.unknown_outcome is UnknownOutcome.RETRY_SAME_MSGID
    assert config.offline.mode is OfflineMode.SELF_PAY
    assert config.offline.max_tx_fund_amount == Money("500.00")
    assert config.offline.limits.max_age.total_seconds() == 72 * 3600
    assert config.store.data_dir == tmp_path / "data"


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("platform", "read_timeout", 0, "platform.read_timeout must be a positive number"),
        ("platform", "read_timeout", "10", "platform.read_timeout must be a positive number"),
        ("terminal", "fixmedins_code", "H4403", "terminal.fixmedins_code must match"),
        ("terminal", "region", "44030", "terminal.region must match"),
        ("terminal", "slot", 10, "terminal.slot must be below 10"),
        ("terminal", "slot", True, "terminal.slot must be a whole number"),
        ("terminal", "opter_type", "4", "terminal.opter_type must match"),
        ("offline", "max_tx_fund_amount", 500.0, "offline.max_tx_fund_amount must be an amount"),
        ("offline", "max_tx_fund_amount", "1.234", "offline.max_tx_fund_amount must be an amount"),
        ("offline", "mode", "maybe", "offline.mode must be one of"),
        ("platform", "unknown_outcome", "pray", "platform.unknown_outcome must be one of"),
        ("platform", "base_url", "http://platform.example", "platform.base_url must use https"),
        ("terminal", "colour", "blue", "terminal.colour is not a known key"),
    ],
)
def test_a_bad_value_is_refused_naming_its_key(
    section: str, key: str, value: Any, message: str
) -> None:
    data = minimal()
    data.setdefault(section, {})[key] = value
    with pytest.raises(ConfigError) as caught:
        TerminalConfig.from_mapping(data)
    assert message in caught.value.detail


@pytest.mark.parametrize("key", ["key_file", "ca_bundle"])
@pytest.mark.parametrize("path", ["a\x00b", "~no-such-user-here/key.toml", "/no/such/file"])
def test_an_unusable_path_is_refused_naming_its_key(key: str, path: str) -> None:
    data = minimal()
    data["platform"][key] = path
    with pytest.raises(ConfigError, match=f"platform.{key}"):
        TerminalConfig.from_mapping(data)


def test_a_missing_required_key_is_named() -> None:
    data = minimal()
    del data["terminal"]["region"]
    with pytest.raises(ConfigError, match="terminal.region is required"):
        TerminalConfig.from_mapping(data)


def test_sm2_needs_a_key_pair() -> None:
    data = minimal()
    data["platform"]["signtype"] = "SM2"
    with pytest.raises(ConfigError, match="platform.private_key_hex"):
        TerminalConfig.from_mapping(data)


def test_a_public_key_of_another_pair_is_refused() -> None:
    data = minimal()
    data["platform"].update(
        signtype="SM2",
        private_key_hex=KEYS.private_key_hex,
        public_key_hex=SM2KeyPair.generate().public_key_hex,
    )
    with pytest.raises(ConfigError, match="does not belong"):
        TerminalConfig.from_mapping(data)


def test_the_key_pair_can_come_from_a_key_file(tmp_path: Path) -> None:
    (tmp_path / "key.toml").write_text(
        f'private_key_hex = "{KEYS.private_key_hex}"\npublic_key_hex = "{KEYS.public_key_hex}"\n'
    )
    data = minimal()
    data["platform"].update(signtype="SM2", key_file="key.toml")
    config = TerminalConfig.from_mapping(data, base_dir=tmp_path)
    assert config.platform.signtype is SignType.SM2
    assert config.platform.public_key_hex == KEYS.public_key_hex
    assert KEYS.private_key_hex not in repr(config)


def test_environment_overrides_are_typed_by_their_key() -> None:
    env = {
        "MEDTERM__PLATFORM__READ_TIMEOUT": "2.5",
        "MEDTERM__TERMINAL__SLOT": "7",
        "MEDTERM__OFFLINE__MAX_TX_FUND_AMOUNT": "100.00",
        "MEDTERM__DEVICES__PRINTER__PORT": "/dev/pts/9",
        "MEDTERM__DEVICES__PRINTER__WIDTH": "48",
        "MEDTERM__FACE__THRESHOLD": "0.55",
        "MEDTERM__PAYMENT__QR_TIMEOUT": "90",
        "PATH": "/usr/bin",
    }
    data = {**minimal(), "devices": {"printer": {"kind": "escpos-serial", "port": "/dev/ttyS0"}}}
    config = TerminalConfig.from_mapping(data, overrides=env_overrides(env))
    assert config.platform.read_timeout == 2.5
    assert config.terminal.slot == 7
    assert config.offline.max_tx_fund_amount == Money("100.00")
    printer = config.devices["printer"].options
    assert (printer["port"], printer["width"]) == ("/dev/pts/9", 48)
    assert config.face.threshold == 0.55
    assert config.payment.qr_timeout == 90.0


def test_a_bad_environment_override_names_the_key() -> None:
    overrides = env_overrides({"MEDTERM__PLATFORM__CONNECT_TIMEOUT": "soon"})
    with pytest.raises(ConfigError, match="platform.connect_timeout must be a positive number"):
        TerminalConfig.from_mapping(minimal(), overrides=overrides)


def test_an_override_of_an_unknown_key_is_refused() -> None:
    overrides = env_overrides({"MEDTERM__PLATFORM__READ_TIMOUT": "5"})
    with pytest.raises(ConfigError, match="MEDTERM__PLATFORM__READ_TIMOUT"):
        TerminalConfig.from_mapping(minimal(), overrides=overrides)


def test_the_devices_section_is_read_only() -> None:
    data = minimal()
    data["devices"] = {"scanner": {"kind": "serial", "port": "/dev/ttyS0"}}
    config = TerminalConfig.from_mapping(data)
    with pytest.raises(TypeError):
        config.devices["scanner"].options["port"] = "/dev/ttyS1"  # type: ignore[index]
    with pytest.raises(TypeError):
        config.devices["printer"] = config.devices["scanner"]  # type: ignore[index]


def test_unparsable_toml_is_a_config_file_error(tmp_path: Path) -> None:
    path = tmp_path / "terminal.toml"
    path.write_text("[terminal\nslot = ")
    with pytest.raises(ConfigFileError, match=str(path)):
        load_config(path, env={})


def test_the_demo_config_loads() -> None:
    config = load_config(REPO / "packaging" / "terminal.demo.toml", env={})
    assert config.platform.signtype is SignType.NONE


def test_the_example_config_loads_once_its_files_exist(tmp_path: Path) -> None:
    data = tomllib.loads((REPO / "packaging" / "terminal.example.toml").read_text())
    (tmp_path / "key.toml").write_text(
        f'private_key_hex = "{KEYS.private_key_hex}"\npublic_key_hex = "{KEYS.public_key_hex}"\n'
    )
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    data["platform"].update(key_file=str(tmp_path / "key.toml"), ca_bundle=str(tmp_path / "ca.pem"))
    config = TerminalConfig.from_mapping(data)
    assert config.platform.unknown_outcome is UnknownOutcome.REVERSE


toml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["H44030000001", "440300", "2", "SM2", "NONE", "http://127.0.0.1:1"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


@given(
    section=st.sampled_from(
        ["terminal", "platform", "store", "offline", "devices", "face", "payment", "nope"]
    ),
    key=st.sampled_from(
        [
            "slot",
            "slot_digits",
            "fixmedins_code",
            "base_url",
            "read_timeout",
            "signtype",
            "private_key_hex",
            "key_file",
            "ca_bundle",
            "data_dir",
            "mode",
            "max_tx_fund_amount",
            "max_outstanding_count",
            "platform_public_keys",
            "institution_level",
            "gateway_url",
            "qr_timeout",
            "paycode_poll_interval",
            "threshold",
            "liveness",
            "detect_width",
            "printer",
            "x",
        ]
    ),
    value=toml_values,
)
def test_any_wrong_value_is_a_config_error_or_accepted(section: str, key: str, value: Any) -> None:
    data = minimal()
    data.setdefault(section, {})[key] = value
    try:
        TerminalConfig.from_mapping(data)
    except ConfigError as err:
        assert err.detail
    data = minimal()
    data[section] = value
    try:
        TerminalConfig.from_mapping(data)
    except ConfigError as err:
        assert err.detail


@given(st.binary(max_size=200))
def test_any_file_content_is_a_config_error_or_a_config(tmp_path_factory: Any, blob: bytes) -> None:
    path = tmp_path_factory.mktemp("cfg") / "terminal.toml"
    path.write_bytes(blob)
    try:
        load_config(path, env={})
    except ConfigError as err:
        assert err.detail


@given(st.dictionaries(st.text(max_size=30), st.text(max_size=10), max_size=4))
def test_any_environment_is_a_config_error_or_a_config(env: dict[str, str]) -> None:
    env = {f"MEDTERM__{k}": v for k, v in env.items()}
    try:
        TerminalConfig.from_mapping(minimal(), overrides=env_overrides(env))
    except ConfigError as err:
        assert err.detail


def test_without_a_path_the_file_comes_from_medterm_config() -> None:
    path = REPO / "packaging" / "terminal.demo.toml"
    config = load_config(None, env={"MEDTERM_CONFIG": str(path), "MEDTERM__TERMINAL__SLOT": "4"})
    assert config.terminal.slot == 4
