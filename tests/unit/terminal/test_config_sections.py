"""`[devices]`, `[face]`, `[payment]` and the institution level: typed and checked at start like
the rest of the configuration, every problem naming its key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_config import minimal

from drivers.face.settings import DEFAULT_THRESHOLD
from kernel.errors import ConfigError
from terminal.config import InstitutionLevel, TerminalConfig, env_overrides, load_config

REPO = Path(__file__).resolve().parents[3]


def with_section(name: str, table: Any) -> dict[str, Any]:
    data = minimal()
    data[name] = table
    return data


def test_without_the_sections_their_documented_defaults_apply() -> None:
    config = TerminalConfig.from_mapping(minimal())
    assert config.devices == {}
    assert config.face.threshold == DEFAULT_THRESHOLD
    payment = config.payment
    assert payment.gateway_url is None
    assert (payment.paycode_poll_interval, payment.paycode_timeout) == (0.2, 30.0)
    assert (payment.qr_poll_interval, payment.qr_timeout) == (0.5, 120.0)
    assert (payment.connect_timeout, payment.read_timeout) == (3.0, 10.0)


@pytest.mark.parametrize(
    ("kind", "level"),
    [("hospital", InstitutionLevel.SECOND), ("pharmacy", InstitutionLevel.PHARMACY)],
)
def test_the_institution_level_defaults_by_kind(kind: str, level: InstitutionLevel) -> None:
    data = minimal()
    data["terminal"]["institution_kind"] = kind
    assert TerminalConfig.from_mapping(data).terminal.institution_level is level


def test_a_hospital_says_its_grade() -> None:
    data = minimal()
    data["terminal"]["institution_level"] = "3"
    assert TerminalConfig.from_mapping(data).terminal.institution_level is InstitutionLevel.THIRD


@pytest.mark.parametrize(("kind", "level"), [("hospital", "pharmacy"), ("pharmacy", "2")])
def test_a_level_that_contradicts_the_kind_is_refused(kind: str, level: str) -> None:
    data = minimal()
    data["terminal"].update(institution_kind=kind, institution_level=level)
    with pytest.raises(ConfigError, match="terminal.institution_level"):
        TerminalConfig.from_mapping(data)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"qr_timeout": 0}, "payment.qr_timeout must be a positive number"),
        ({"paycode_timeout": "30"}, "payment.paycode_timeout must be a positive number"),
        ({"paycode_poll_interval": True}, "payment.paycode_poll_interval must be a positive"),
        ({"qr_poll_interval": 5, "qr_timeout": 5}, "payment.qr_poll_interval must be shorter"),
        ({"gateway_url": "ftp://gw"}, "payment.gateway_url must be an http(s) URL"),
        ({"gateway_url": "http://gw.example"}, "payment.gateway_url must use https"),
        ({"gateway_url": "http://[::1"}, "payment.gateway_url must be an http(s) URL"),
        ({"gatway_url": "https://gw"}, "payment.gatway_url is not a known key"),
    ],
)
def test_a_bad_payment_value_names_its_key(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        TerminalConfig.from_mapping(with_section("payment", table))


def test_the_gateway_url_loses_its_trailing_slash() -> None:
    config = TerminalConfig.from_mapping(with_section("payment", {"gateway_url": "https://gw/"}))
    assert config.payment.gateway_url == "https://gw"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"threshold": 2}, "face.threshold"),
        ({"detect_width": 10}, "face.detect_width"),
        ({"liveness": "wink"}, "face.liveness"),
        ({"treshold": 0.5}, "face.treshold is not a known key"),
        ({"threshold": "low"}, "face.threshold must be a number"),
    ],
)
def test_a_bad_face_value_names_its_key(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        TerminalConfig.from_mapping(with_section("face", table))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"idcard": {"kind": "serial"}}, "devices.idcard.port: missing"),
        ({"idcard": {"kind": "usb", "port": "/x"}}, "devices.idcard.kind: 'usb'"),
        ({"fax": {"kind": "serial"}}, "devices.fax: unknown device role"),
        ({"printer": {"kind": "escpos-serial", "port": "/x", "width": 40}}, "printer.width"),
        ({"printer": "escpos"}, "devices.printer: expected a table"),
    ],
)
def test_a_bad_device_entry_is_refused_at_start_naming_its_key(
    table: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        TerminalConfig.from_mapping(with_section("devices", table))


def test_device_paths_are_taken_from_the_configuration_files_folder(tmp_path: Path) -> None:
    devices = {
        "idcard": {"kind": "serial", "port": "links/idcard"},
        "scanner": {"kind": "serial", "port": "/dev/ttyACM0"},
        "card": {"kind": "pcsc", "reader": "Virtual PCD"},
    }
    config = TerminalConfig.from_mapping(with_section("devices", devices), base_dir=tmp_path)
    assert config.devices["idcard"].options["port"] == str(tmp_path / "links" / "idcard")
    assert config.devices["scanner"].options["port"] == "/dev/ttyACM0"
    assert config.devices["card"].options["reader"] == "Virtual PCD"  # a name, not a path


def test_a_device_can_be_configured_from_the_environment_alone() -> None:
    env = {"MEDTERM__DEVICES__SCANNER__KIND": "serial", "MEDTERM__DEVICES__SCANNER__PORT": "/p"}
    config = TerminalConfig.from_mapping(minimal(), overrides=env_overrides(env))
    assert config.devices["scanner"].kind == "serial"
    assert config.devices["scanner"].options["port"] == "/p"


def test_a_device_option_from_the_environment_must_have_the_options_type() -> None:
    data = with_section("devices", {"idcard": {"kind": "serial", "port": "/x"}})
    overrides = env_overrides({"MEDTERM__DEVICES__IDCARD__BAUDRATE": "fast"})
    with pytest.raises(ConfigError, match="devices.idcard.baudrate: expected int"):
        TerminalConfig.from_mapping(data, overrides=overrides)


@pytest.mark.parametrize("name", ["MEDTERM__DEVICES__IDCARD", "MEDTERM__FACE__A__B"])
def test_an_override_that_names_no_device_or_face_key_is_refused(name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        TerminalConfig.from_mapping(minimal(), overrides=env_overrides({name: "1"}))


@pytest.mark.parametrize("demo", ["terminal.demo.toml", "terminal.demo-pharmacy.toml"])
def test_the_demo_configurations_have_simulated_devices(demo: str) -> None:
    config = load_config(REPO / "packaging" / demo, env={})
    assert {"idcard", "scanner", "printer"} <= set(config.devices)
    links = REPO / ".demo-devices"
    for name in ("idcard", "scanner", "printer"):
        assert Path(config.devices[name].options["port"]).resolve() == links / name


section_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["serial", "pcsc", "escpos-serial", "blink", "https://gw", "/dev/ttyS0"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["kind", "port", "role", "width", "baudrate", "reader", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)
SECTION_KEYS = {
    "devices": ["card", "idcard", "scanner", "printer", "camera", "wedge"],
    "face": ["threshold", "detect_width", "liveness", "turn_yaw", "blink_ear"],
    "payment": ["gateway_url", "paycode_timeout", "qr_poll_interval", "read_timeout"],
}


@given(
    section=st.sampled_from(sorted(SECTION_KEYS)),
    data=st.data(),
    value=section_values,
)
def test_any_value_in_the_new_sections_is_a_config_error_or_accepted(
    section: str, data: st.DataObject, value: Any
) -> None:
    key = data.draw(st.sampled_from(SECTION_KEYS[section]))
    try:
        TerminalConfig.from_mapping(with_section(section, {key: value}))
    except ConfigError as err:
        assert err.detail


@given(
    section=st.sampled_from(sorted(SECTION_KEYS)),
    data=st.data(),
    text=st.text(max_size=12),
)
def test_any_override_text_in_the_new_sections_is_a_config_error_or_accepted(
    section: str, data: st.DataObject, text: str
) -> None:
    key = data.draw(st.sampled_from(SECTION_KEYS[section]))
    name = f"MEDTERM__{section}__{key}" + ("__PORT" if section == "devices" else "")
    try:
        TerminalConfig.from_mapping(minimal(), overrides=env_overrides({name: text}))
    except ConfigError as err:
        assert err.detail
