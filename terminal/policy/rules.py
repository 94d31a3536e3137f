"""Regional policy parameters, loaded from data: nothing in code names a region or a number.

A policy file (`regions/<admdvs>.json`, or a world's `policies` table) lists schemes, each the
benefit parameters for an insurance type, a set of person types and a benefit, plus the
medical-assistance ratios by identity.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kernel.errors import MedtermError, MoneyError
from kernel.money import Money

REGIONS_DIR = Path(__file__).with_name("regions")
LEVELS = ("1", "2", "3", "pharmacy")
ANY_PERSON_TYPE = "*"


class PolicyError(MedtermError):
    code = "E030"
    message_zh = "医保政策参数错误"
    message_en = "settlement policy is invalid or missing"
    action = "Check the policy file for the named region and key, then restart."
    action_zh = "请检查政策文件中提示的地区和配置项，然后重启终端。"


@dataclass(frozen=True)
class Scheme:
    """Benefit parameters of one insurance type, person types and benefit in one region."""

    insutype: str
    psn_types: frozenset[str]
    benefit: str
    deductible: Money
    ratios: Mapping[str, Decimal]
    cap: Money
    account: bool
    account_covers_ownpay_med_types: frozenset[str]

    def applies_to(self, insutype: str, psn_type: str, benefit: str) -> bool:
        return (
            self.insutype == insutype
            and self.benefit == benefit
            and (psn_type in self.psn_types or ANY_PERSON_TYPE in self.psn_types)
        )


@dataclass(frozen=True)
class Assistance:
    cap: Money
    ratios: Mapping[str, Decimal]


@dataclass(frozen=True)
class RegionPolicy:
    region: str
    policy_version: str
    schemes: tuple[Scheme, ...]
    assistance: Assistance

    def scheme(self, insutype: str, psn_type: str, benefit: str) -> Scheme:
        """The most specific scheme: an explicit person type wins over `*`."""
        matches = [s for s in self.schemes if s.applies_to(insutype, psn_type, benefit)]
        matches.sort(key=lambda s: psn_type not in s.psn_types)
        if not matches:
            raise PolicyError(
                f"region {self.region} has no {benefit} scheme for insutype {insutype}, "
                f"psn_type {psn_type}"
            )
        return matches[0]


@dataclass(frozen=True)
class PolicyBook:
    """Every region's policy the engine may need (insured regions for cross-region care)."""

    regions: Mapping[str, RegionPolicy]

    def region(self, admdvs: str) -> RegionPolicy:
        try:
            return self.regions[admdvs]
        except KeyError:
            raise PolicyError(f"no policy for region {admdvs}") from None

    @classmethod
    def from_mapping(cls, data: Any) -> PolicyBook:
        if not isinstance(data, Mapping):
            raise PolicyError("policies must be an object keyed by region code")
        return cls({str(code): _region(str(code), body) for code, body in data.items()})

    @classmethod
    def load_dir(cls, directory: Path = REGIONS_DIR) -> PolicyBook:
        """Load every `<region>.json` in a folder (by default the policies shipped with medterm)."""
        data: dict[str, Any] = {}
        for path in sorted(directory.glob("*.json")):
            try:
                data[path.stem] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as err:
                raise PolicyError(f"{path.name}: {err}") from None
        return cls.from_mapping(data)


def _region(code: str, body: Any) -> RegionPolicy:
    where = f"policies.{code}"
    obj = _object(body, where)
    schemes = _field(obj, "schemes", where)
    if not isinstance(schemes, list) or not schemes:
        raise PolicyError(f"{where}.schemes must be a non-empty list")
    assistance = _object(_field(obj, "assistance", where), f"{where}.assistance")
    return RegionPolicy(
        region=code,
        policy_version=str(obj.get("policy_version", code)),
        schemes=tuple(_scheme(s, f"{where}.schemes[{i}]") for i, s in enumerate(schemes)),
        assistance=Assistance(
            cap=_money(assistance, "cap", f"{where}.assistance"),
            ratios=_ratios(_field(assistance, "ratios", f"{where}.assistance"), where),
        ),
    )


def _scheme(body: Any, where: str) -> Scheme:
    obj = _object(body, where)
    ratios = _ratios(_field(obj, "ratios", where), where)
    missing = [level for level in LEVELS if level not in ratios]
    if missing:
        raise PolicyError(f"{where}.ratios lacks levels {', '.join(missing)}")
    psn_types = _field(obj, "psn_types", where)
    covers = obj.get("account_covers_ownpay_med_types", [])
    if not isinstance(psn_types, list) or not isinstance(covers, list):
        raise PolicyError(f"{where}: psn_types and account_covers_ownpay_med_types are lists")
    account = _field(obj, "account", where)
    if not isinstance(account, bool):
        raise PolicyError(f"{where}.account must be true or false")
    return Scheme(
        insutype=str(_field(obj, "insutype", where)),
        psn_types=frozenset(map(str, psn_types)),
        benefit=str(_field(obj, "benefit", where)),
        deductible=_money(obj, "deductible", where),
        ratios=ratios,
        cap=_money(obj, "cap", where),
        account=account,
        account_covers_ownpay_med_types=frozenset(map(str, covers)),
    )


def _ratios(body: Any, where: str) -> dict[str, Decimal]:
    obj = _object(body, f"{where}.ratios")
    out: dict[str, Decimal] = {}
    for key, raw in obj.items():
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            raise PolicyError(f"{where}.ratios.{key} is not a number") from None
        if not (value.is_finite() and 0 <= value <= 1):
            raise PolicyError(f"{where}.ratios.{key} must be between 0 and 1")
        out[str(key)] = value
    return out


def _money(obj: Mapping[str, Any], key: str, where: str) -> Money:
    try:
        value = Money.parse(_field(obj, key, where), field=f"{where}.{key}")
    except MoneyError as err:
        raise PolicyError(err.detail) from None
    if value.is_negative():
        raise PolicyError(f"{where}.{key} must not be negative")
    return value


def _object(body: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise PolicyError(f"{where} must be an object")
    return body


def _field(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj:
        raise PolicyError(f"{where}.{key} is missing")
    return obj[key]
