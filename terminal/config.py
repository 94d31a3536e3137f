"""The terminal's configuration: one TOML file, checked completely at start.

Every key is validated into frozen dataclasses before anything else runs, and every problem is a
`ConfigError` that names the key (`platform.read_timeout must be a positive number`), so a
technician fixes the file rather than reading a traceback. Environment variables
`MEDTERM__SECTION__KEY=value` override single keys (tests and containers use them); their text
is converted by the type of the key they target. Keys and defaults: docs/platform-client.md.

`[devices]` entries are checked by the device registry (`drivers.registry.parse_entry`, which
imports no driver) and `[face]` by `drivers.face.settings.FaceSettings` (which imports no face
library), so checking the whole file at start stays cheap for a command that uses neither.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from drivers.face.settings import FaceSettings
from drivers.registry import DeviceEntry, parse_entry, spec_of
from kernel.errors import ConfigError, MoneyError
from kernel.money import Money
from kernel.protocol import UnknownOutcome
from terminal import sm2
from terminal.flows.offline_policy import OfflineLimits, OfflineMode

DEFAULT_PATH = Path("/etc/medterm/terminal.toml")
ENV_PREFIX = "MEDTERM__"


class ConfigFileError(ConfigError):
    code = "E011"
    message_zh = "无法读取终端配置文件"
    message_en = "cannot read the terminal configuration file"
    action = "Check that the file exists, is readable and is valid TOML (the position is given)."
    action_zh = "请检查配置文件是否存在、可读且为有效的 TOML 格式（提示中给出了出错位置）。"


class SignType(StrEnum):
    SM2 = "SM2"
    NONE = "NONE"


class InstitutionKind(StrEnum):
    HOSPITAL = "hospital"
    PHARMACY = "pharmacy"


class InstitutionLevel(StrEnum):
    """The level the regional policy's ratios are keyed by: a hospital's grade (一级, 二级,
    三级) or a designated retail pharmacy."""

    FIRST = "1"
    SECOND = "2"
    THIRD = "3"
    PHARMACY = "pharmacy"


# A terminal that does not say its level: a pharmacy is a pharmacy, a hospital is taken as
# second grade (the commonest for the kiosks this software serves; docs/platform-client.md).
DEFAULT_LEVEL = {
    InstitutionKind.HOSPITAL: InstitutionLevel.SECOND,
    InstitutionKind.PHARMACY: InstitutionLevel.PHARMACY,
}


@dataclass(frozen=True)
class TerminalSection:
    fixmedins_code: str
    fixmedins_name: str
    region: str  # mdtrtarea_admvs
    terminal_id: str  # dev_no
    slot: int
    slot_digits: int
    opter_type: str
    opter: str
    opter_name: str
    recer_sys_code: str
    institution_kind: InstitutionKind
    institution_level: InstitutionLevel


@dataclass(frozen=True)
class PlatformSection:
    base_url: str
    signtype: SignType
    private_key_hex: str = field(repr=False)
    public_key_hex: str
    platform_public_keys: tuple[str, ...]
    ca_bundle: Path | None
    connect_timeout: float
    read_timeout: float
    unknown_outcome: UnknownOutcome
    pool_size: int

    @property
    def signs(self) -> bool:
        return self.signtype is SignType.SM2


@dataclass(frozen=True)
class StoreSection:
    data_dir: Path


@dataclass(frozen=True)
class OfflineSection:
    mode: OfflineMode
    max_tx_fund_amount: Money
    max_outstanding_fund_amount: Money
    max_outstanding_count: int
    max_age_hours: float

    @property
    def limits(self) -> OfflineLimits:
        return OfflineLimits(
            max_tx_fund_amount=self.max_tx_fund_amount,
            max_outstanding_fund_amount=self.max_outstanding_fund_amount,
            max_outstanding_count=self.max_outstanding_count,
            max_age=timedelta(hours=self.max_age_hours),
        )


@dataclass(frozen=True)
class PaymentSection:
    """The payment gateway and how long each self-pay channel waits (seconds)."""

    gateway_url: str | None  # None: no self-pay channel but cash and credit can be used
    paycode_poll_interval: float
    paycode_timeout: float
    qr_poll_interval: float
    qr_timeout: float
    connect_timeout: float
    read_timeout: float


@dataclass(frozen=True)
class TerminalConfig:
    terminal: TerminalSection
    platform: PlatformSection
    store: StoreSection
    offline: OfflineSection
    payment: PaymentSection
    face: FaceSettings
    devices: Mapping[str, DeviceEntry]  # read-only, in the table's order
    kiosk: Mapping[str, Any] = field(default_factory=dict)  # checked by the journey's settings

    @classmethod
    def from_mapping(
        cls,
        data: Any,
        *,
        base_dir: Path | None = None,
        overrides: Mapping[tuple[str, ...], str] | None = None,
    ) -> TerminalConfig:
        """Validate a parsed TOML document. Relative paths are taken from `base_dir` (the
        config file's folder); `overrides` are environment texts keyed by (section, key...)."""
        return _Builder(data, base_dir or Path.cwd(), overrides or {}).build()


def installed_config_path(env: Mapping[str, str] = os.environ) -> Path:
    """An installed terminal's configuration: `$MEDTERM_CONFIG`, else /etc/medterm/terminal.toml
    (the environment first, so a second terminal on one machine can have its own)."""
    return Path(env.get("MEDTERM_CONFIG") or DEFAULT_PATH)


def load_config(
    path: Path | None = None,
    env: Mapping[str, str] = os.environ,
    overrides: Mapping[tuple[str, ...], str] | None = None,
) -> TerminalConfig:
    """Read, override from `env` and then from `overrides` (a command's options), and validate
    the configuration.

    `path=None` means `installed_config_path(env)`."""
    if path is None:
        path = installed_config_path(env)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as err:
        raise ConfigFileError(f"{path}: {err}") from None
    except (OSError, ValueError) as err:  # ValueError: not UTF-8, or a NUL in the path
        raise ConfigFileError(f"{path}: {err.__class__.__name__}: {err}") from None
    return TerminalConfig.from_mapping(
        data,
        base_dir=path.resolve().parent,
        overrides={**env_overrides(env), **(overrides or {})},
    )


def env_overrides(env: Mapping[str, str]) -> dict[tuple[str, ...], str]:
    """`MEDTERM__PLATFORM__READ_TIMEOUT=5` -> {("platform", "read_timeout"): "5"}."""
    found: dict[tuple[str, ...], str] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX):
            continue
        parts = tuple(part.lower() for part in name[len(ENV_PREFIX) :].split("__"))
        if len(parts) < 2 or not all(parts):
            raise ConfigError(f"{name}: expected {ENV_PREFIX}SECTION__KEY")
        found[parts] = value
    return found


# --- key kinds: each checks a TOML value, and converts an environment text first ---------------


@dataclass(frozen=True)
class _Kind:
    check: Callable[[str, Any], Any]
    from_text: Callable[[str], Any] = lambda text: text


def _fail(key: str, problem: str) -> ConfigError:
    return ConfigError(f"{key} {problem}")


def _text(
    *, length: int | None = None, max_len: int | None = None, pattern: str | None = None
) -> _Kind:
    regex = re.compile(pattern) if pattern else None

    def check(key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise _fail(key, "must be text")
        if length is not None and len(value) != length:
            raise _fail(key, f"must be exactly {length} characters")
        if max_len is not None and not 0 < len(value) <= max_len:
            raise _fail(key, f"must be 1 to {max_len} characters")
        if regex is not None and not regex.fullmatch(value):
            raise _fail(key, f"must match {pattern}")
        return value

    return _Kind(check)


def _choice(enum: type[StrEnum]) -> _Kind:
    def check(key: str, value: Any) -> StrEnum:
        allowed = [member.value for member in enum]
        if not isinstance(value, str) or value not in allowed:
            raise _fail(key, "must be one of " + ", ".join(repr(a) for a in allowed))
        return enum(value)

    return _Kind(check)


def _integer(low: int, high: int | None = None) -> _Kind:
    def check(key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(key, "must be a whole number")
        if value < low or (high is not None and value > high):
            bounds = f"{low}..{high}" if high is not None else f">= {low}"
            raise _fail(key, f"must be within {bounds}")
        return value

    def from_text(text: str) -> Any:
        return int(text) if re.fullmatch(r"\s*-?\d{1,18}\s*", text) else text

    return _Kind(check, from_text)


def _positive_number() -> _Kind:
    def check(key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _fail(key, "must be a positive number")
        if not (math.isfinite(value) and value > 0):
            raise _fail(key, "must be a positive number")
        return float(value)

    def from_text(text: str) -> Any:
        try:
            return float(text)
        except ValueError:
            return text

    return _Kind(check, from_text)


def _amount() -> _Kind:
    def check(key: str, value: Any) -> Money:
        if not isinstance(value, str):
            raise _fail(key, 'must be an amount written as text, e.g. "500.00"')
        try:
            money = Money.parse(value, field=key)
        except MoneyError:
            raise _fail(key, 'must be an amount with exactly two decimals, e.g. "500.00"') from None
        if money.is_negative():
            raise _fail(key, "must not be negative")
        return money

    return _Kind(check)


def _hex_keys() -> _Kind:
    def check(key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise _fail(key, "must be a list of public keys (128 hex digits each)")
        for item in value:
            if not isinstance(item, str) or not re.fullmatch(r"[0-9a-fA-F]{128}", item):
                raise _fail(key, "must be a list of public keys (128 hex digits each)")
            try:
                sm2.check_public_key(item)
            except sm2.SignatureError:
                raise _fail(key, f"{item[:8]}... is not a point of the SM2 curve") from None
        return tuple(item.lower() for item in value)

    return _Kind(check, lambda text: [part.strip() for part in text.split(",") if part.strip()])


_PATH = _text(max_len=4096)
_REQUIRED = object()

_SCHEMA: dict[str, dict[str, tuple[_Kind, Any]]] = {
    "terminal": {
        "fixmedins_code": (_text(pattern=r"[0-9A-Za-z]{12}"), _REQUIRED),
        "fixmedins_name": (_text(max_len=200), _REQUIRED),
        "region": (_text(pattern=r"\d{6}"), _REQUIRED),
        "terminal_id": (_text(max_len=100), _REQUIRED),
        "slot": (_integer(0, 999), _REQUIRED),
        "slot_digits": (_integer(0, 3), 1),
        "opter_type": (_text(pattern=r"[123]"), _REQUIRED),
        "opter": (_text(max_len=30), _REQUIRED),
        "opter_name": (_text(max_len=50), _REQUIRED),
        "recer_sys_code": (_text(max_len=10), _REQUIRED),
        "institution_kind": (_choice(InstitutionKind), _REQUIRED),
        "institution_level": (_choice(InstitutionLevel), None),  # None: DEFAULT_LEVEL
    },
    "platform": {
        "base_url": (_text(max_len=2000), _REQUIRED),
        "signtype": (_choice(SignType), "SM2"),
        "private_key_hex": (_text(pattern=r"[0-9a-fA-F]{64}"), None),
        "public_key_hex": (_text(pattern=r"[0-9a-fA-F]{128}"), None),
        "key_file": (_PATH, None),
        "platform_public_keys": (_hex_keys(), []),
        "ca_bundle": (_PATH, None),
        "connect_timeout": (_positive_number(), 3),
        "read_timeout": (_positive_number(), 10),
        "unknown_outcome": (_choice(UnknownOutcome), "retry_same_msgid"),
        "pool_size": (_integer(1, 256), 8),
    },
    "store": {"data_dir": (_PATH, _REQUIRED)},
    "offline": {
        "mode": (_choice(OfflineMode), "self_pay"),
        "max_tx_fund_amount": (_amount(), "500.00"),
        "max_outstanding_fund_amount": (_amount(), "5000.00"),
        "max_outstanding_count": (_integer(0, 1_000_000), 200),
        "max_age_hours": (_positive_number(), 72),
    },
    "payment": {
        "gateway_url": (_text(max_len=2000), None),
        "paycode_poll_interval": (_positive_number(), 0.2),
        "paycode_timeout": (_positive_number(), 30),
        "qr_poll_interval": (_positive_number(), 0.5),
        "qr_timeout": (_positive_number(), 120),
        "connect_timeout": (_positive_number(), 3),
        "read_timeout": (_positive_number(), 10),
    },
}
# Sections checked by their owners (the device registry, the face settings, the kiosk
# journey's settings), not by _SCHEMA.
OWNED_SECTIONS = ("devices", "face", "kiosk")


class _Builder:
    """Reads each section once, with the overrides applied, and checks what is left over."""

    def __init__(self, data: Any, base_dir: Path, overrides: Mapping[tuple[str, ...], str]) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError("the configuration must be a TOML table")
        self._data = data
        self._base_dir = base_dir
        self._overrides = overrides

    def build(self) -> TerminalConfig:
        for name in self._data:
            if name not in _SCHEMA and name not in OWNED_SECTIONS:
                raise ConfigError(f"[{name}] is not a known section")
        for path in self._overrides:
            known = (
                (path[0] == "devices" and len(path) == 3)
                or (path[0] == "face" and len(path) == 2)
                or (len(path) == 2 and path[1] in _SCHEMA.get(path[0], {}))
            )
            if not known:
                raise ConfigError(
                    f"{ENV_PREFIX}{'__'.join(path).upper()} names no configuration key"
                )
        values = {name: self._section(name) for name in _SCHEMA}
        return TerminalConfig(
            terminal=self._terminal(values["terminal"]),
            platform=self._platform(values["platform"]),
            store=StoreSection(data_dir=self._path(values["store"]["data_dir"], "store.data_dir")),
            offline=OfflineSection(**values["offline"]),
            payment=self._payment(values["payment"]),
            face=self._face(),
            devices=self._devices(),
            kiosk=dict(self._table("kiosk")),
        )

    def _table(self, name: str) -> Mapping[str, Any]:
        table = self._data.get(name, {})
        if not isinstance(table, Mapping):
            raise ConfigError(f"[{name}] must be a table")
        return table

    def _section(self, name: str) -> dict[str, Any]:
        schema = _SCHEMA[name]
        table = self._table(name)
        for key in table:
            if key not in schema:
                raise ConfigError(f"{name}.{key} is not a known key")
        out: dict[str, Any] = {}
        for key, (kind, default) in schema.items():
            dotted = f"{name}.{key}"
            if (name, key) in self._overrides:
                out[key] = kind.check(dotted, kind.from_text(self._overrides[(name, key)]))
            elif key in table:
                out[key] = kind.check(dotted, table[key])
            elif default is _REQUIRED:
                raise ConfigError(f"{dotted} is required")
            else:
                out[key] = None if default is None else kind.check(dotted, default)
        return out

    def _owned_overrides(self, name: str) -> dict[tuple[str, ...], str]:
        return {path[1:]: text for path, text in self._overrides.items() if path[0] == name}

    def _face(self) -> FaceSettings:
        table = dict(self._table("face"))
        table.update({key: text for (key,), text in self._owned_overrides("face").items()})
        return FaceSettings.from_mapping(table)

    def _devices(self) -> Mapping[str, DeviceEntry]:
        """Each entry checked by the registry; an override's text takes the type of the option
        it sets; relative paths are taken from the configuration file's folder (and shown
        without `..`, as a technician reads them in `diag devices`)."""
        table = _thaw(self._table("devices"))
        overrides: dict[str, dict[str, str]] = {}
        for (name, key), text in self._owned_overrides("devices").items():
            overrides.setdefault(name, {})[key] = text
        entries: dict[str, DeviceEntry] = {}
        for name in [*table, *(n for n in overrides if n not in table)]:
            entry = table.get(name, {})
            given = overrides.get(name, {})
            if isinstance(entry, dict) and "kind" in given:
                entry["kind"] = given["kind"]
            spec = spec_of(name, entry)
            for key, text in given.items():
                option = spec.options.get(key)
                entry[key] = text if option is None else option.from_text(text)
            parsed = parse_entry(name, entry)
            options = {
                key: os.path.normpath(self._path(value, f"devices.{name}.{key}"))
                if spec.options[key].is_path and value
                else value
                for key, value in parsed.options.items()
            }
            entries[name] = replace(parsed, options=MappingProxyType(options))
        return MappingProxyType(entries)

    def _payment(self, v: dict[str, Any]) -> PaymentSection:
        if v["gateway_url"] is not None:
            _check_url("payment.gateway_url", v["gateway_url"])
            v["gateway_url"] = v["gateway_url"].rstrip("/")
        for channel in ("paycode", "qr"):
            if v[f"{channel}_poll_interval"] >= v[f"{channel}_timeout"]:
                raise ConfigError(
                    f"payment.{channel}_poll_interval must be shorter than "
                    f"payment.{channel}_timeout"
                )
        return PaymentSection(**v)

    def _path(self, text: str, key: str) -> Path:
        if "\x00" in text:
            raise ConfigError(f"{key} must be a path without NUL characters")
        try:
            path = Path(text).expanduser()
        except RuntimeError:  # "~someone" with no such user
            raise ConfigError(f"{key} names the home of an unknown user") from None
        return path if path.is_absolute() else self._base_dir / path

    def _terminal(self, v: dict[str, Any]) -> TerminalSection:
        if v["slot"] >= 10 ** v["slot_digits"]:
            raise ConfigError(
                f"terminal.slot must be below {10 ** v['slot_digits']} "
                f"(terminal.slot_digits = {v['slot_digits']})"
            )
        kind = v["institution_kind"]
        if v["institution_level"] is None:
            v["institution_level"] = DEFAULT_LEVEL[kind]
        pharmacy_level = v["institution_level"] is InstitutionLevel.PHARMACY
        if pharmacy_level != (kind is InstitutionKind.PHARMACY):
            raise ConfigError(
                'terminal.institution_level must be "pharmacy" exactly when '
                f'terminal.institution_kind is "pharmacy" (it is "{kind.value}")'
            )
        return TerminalSection(**v)

    def _platform(self, v: dict[str, Any]) -> PlatformSection:
        _check_url("platform.base_url", v["base_url"])
        ca_bundle = None
        if v["ca_bundle"] is not None:
            ca_bundle = self._path(v["ca_bundle"], "platform.ca_bundle")
        if ca_bundle is not None and not ca_bundle.is_file():
            raise ConfigError(f"platform.ca_bundle {ca_bundle} is not a readable file")
        private, public = self._keys(v)
        if v["signtype"] is SignType.SM2 and not private:
            raise ConfigError(
                "platform.private_key_hex and platform.public_key_hex (or platform.key_file) "
                'are required when platform.signtype is "SM2"'
            )
        return PlatformSection(
            base_url=v["base_url"].rstrip("/"),
            signtype=v["signtype"],
            private_key_hex=private,
            public_key_hex=public,
            platform_public_keys=v["platform_public_keys"],
            ca_bundle=ca_bundle,
            connect_timeout=v["connect_timeout"],
            read_timeout=v["read_timeout"],
            unknown_outcome=v["unknown_outcome"],
            pool_size=v["pool_size"],
        )

    def _keys(self, v: dict[str, Any]) -> tuple[str, str]:
        private, public = v["private_key_hex"], v["public_key_hex"]
        if v["key_file"] is not None:
            if private or public:
                raise ConfigError(
                    "platform.key_file excludes platform.private_key_hex/public_key_hex"
                )
            private, public = _read_key_file(self._path(v["key_file"], "platform.key_file"))
        if (private is None) != (public is None):
            raise ConfigError("platform.private_key_hex and platform.public_key_hex go together")
        if private is None or public is None:
            return "", ""
        private, public = private.lower(), public.lower()
        if not _pair_matches(private, public):
            raise ConfigError("platform.public_key_hex does not belong to platform.private_key_hex")
        return private, public


def _pair_matches(private: str, public: str) -> bool:
    try:
        return sm2.public_key_of(private) == public
    except sm2.SignatureError:
        return False


def _check_url(key: str, url: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # a malformed port or IPv6 literal
        raise ConfigError(f"{key} must be an http(s) URL with a host") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(f"{key} must be an http(s) URL with a host")
    if parts.scheme == "http" and not _is_loopback(host):
        raise ConfigError(f"{key} must use https (plain http only on loopback)")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _read_key_file(path: Path) -> tuple[str, str]:
    """A key file is TOML with `private_key_hex` and `public_key_hex` (kept root-only)."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, ValueError) as err:  # ValueError: TOML or UTF-8 decoding
        raise ConfigError(f"platform.key_file {path}: {err.__class__.__name__}") from None
    private = _text(pattern=r"[0-9a-fA-F]{64}").check(
        "platform.key_file private_key_hex", data.get("private_key_hex")
    )
    public = _text(pattern=r"[0-9a-fA-F]{128}").check(
        "platform.key_file public_key_hex", data.get("public_key_hex")
    )
    return private, public


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_thaw(v) for v in value]
    return value
