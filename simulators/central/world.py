"""A world file loaded into the simulator's database once, and its static part kept in memory.

The static part (region, keys, institutions, policies, catalogue, HIS departments) is small and
read on every request, so it lives in a `World` value; persons and their state live only in
SQLite, so a world of a million people costs no memory. A database remembers the SHA-256 of
the world it was loaded from: restarting on the same world keeps all state, restarting on a
different one is refused rather than silently mixing two regions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from kernel.errors import MedtermError
from kernel.fees import CatalogueItem, ChargeLevel
from kernel.money import ZERO, Money
from simulators.central.db import Database
from terminal.policy.engine import BenefitUsage, PersonState
from terminal.policy.rules import PolicyBook

BATCH = 5000


class WorldError(ValueError):
    """The world file cannot be used (the message names the problem)."""


@dataclass(frozen=True)
class Institution:
    fixmedins_code: str
    fixmedins_name: str
    level: str
    public_key_hex: str


@dataclass(frozen=True)
class PlatformKey:
    kid: str
    private_key_hex: str
    public_key_hex: str
    not_after: str


@dataclass(frozen=True)
class Plan:
    """A commercial supplementary plan (惠民保 kind) of the world: docs/commercial.md."""

    plan_code: str
    plan_name: str
    insurer: str
    premium: Money
    deductible: Money
    ratio: Decimal
    covers: tuple[str, ...]  # setlinfo scopes it pays a ratio of
    annual_cap: Money
    begndate: date
    enddate: date


PLAN_SCOPES = frozenset({"fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt"})


@dataclass(frozen=True)
class World:
    region: str
    platform_key: PlatformKey
    institutions: Mapping[str, Institution]
    book: PolicyBook
    policy_version: str
    catalogue: Mapping[str, CatalogueItem]
    chrgitm_types: Mapping[str, str]
    departments: list[Any]
    face_persons: list[dict[str, str]]
    world_file: Path
    plans: Mapping[str, Plan] = field(default_factory=dict)


def load_world(db: Database, world_path: Path) -> World:
    """Load `world_path` into `db` unless it already holds it; return the static part."""
    digest = _sha256(world_path)
    held = db.meta("world_sha256")
    if held is None:
        static = _import(db, world_path, digest)
    elif held == digest:
        static = json.loads(db.meta("world_static") or "{}")
    else:
        raise WorldError(
            f"{db.path} holds another world (sha256 {held[:12]}…); use a new --db file "
            f"or delete it to load {world_path.name}"
        )
    return replace(_static_world(static), world_file=world_path.resolve())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as err:
        raise WorldError(f"cannot read world {path}: {err}") from None
    return digest.hexdigest()


def _import(db: Database, world_path: Path, digest: str) -> dict[str, Any]:
    try:
        world = json.loads(world_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise WorldError(f"world {world_path} is not readable JSON: {err}") from None
    if not isinstance(world, dict) or not isinstance(world.get("persons"), list):
        raise WorldError("a world is an object with a persons list")
    persons = world.pop("persons")
    year = int(world.get("year", date.today().year))
    world["face_persons"] = [
        {"psn_no": p["psn_no"], "face_image": p["face_image"]}
        for p in persons
        if isinstance(p, dict) and p.get("face_image")
    ]
    _static_world(world)  # validates keys, policies and catalogue before anything is written
    with db.write() as conn:
        for batch in _batches(persons):
            rows = [_person_rows(p, year) for p in batch]
            conn.executemany("INSERT INTO persons VALUES (?, ?, ?, ?)", [r[0] for r in rows])
            conn.executemany(
                "INSERT INTO cards VALUES (?, ?, ?, ?, ?)", [c for r in rows for c in r[1]]
            )
            conn.executemany("INSERT INTO usage VALUES (?, ?, ?)", [r[2] for r in rows])
            conn.executemany(
                "INSERT INTO his_orders (rxno, psn_no, certno, body) VALUES (?, ?, ?, ?)",
                [o for r in rows for o in r[3]],
            )
            conn.executemany(
                "INSERT INTO policies VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                [c for r in rows for c in r[4]],
            )
        conn.execute("INSERT INTO meta VALUES ('world_static', ?)", (json.dumps(world),))
        conn.execute("INSERT INTO meta VALUES ('world_sha256', ?)", (digest,))
    return world


def _batches(persons: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(persons), BATCH):
        yield persons[start : start + BATCH]


PersonRows = tuple[
    tuple[str, str, str, str],
    list[tuple[str, ...]],
    tuple[str, int, str],
    list[tuple[str, ...]],
    list[tuple[str, ...]],
]
PERSON_KEYS = ("balc", "cards", "ytd", "pending_orders", "policies", "psn_no", "certno")


def _person_rows(person: Any, year: int) -> PersonRows:
    if not isinstance(person, dict):
        raise WorldError("every person is an object")
    try:
        psn_no, certno = str(person["psn_no"]), str(person["certno"])
        balc = Money.parse(person.get("balc", "0.00"), field=f"{psn_no}.balc")
        profile = {
            k: v
            for k, v in person.items()
            if k not in PERSON_KEYS
        }
        cards = [
            (str(c["card_no"]), str(c["card_sn"]), psn_no, str(c["version"]), str(c["expires"]))
            for c in person.get("cards", [])
        ]
        orders = [
            (str(o["rxno"]), psn_no, certno, json.dumps(o, ensure_ascii=False))
            for o in person.get("pending_orders", [])
        ]
        policies = [_policy_row(psn_no, p) for p in person.get("policies", [])]
        state = state_from_json(person.get("ytd", {}), balc)
    except (KeyError, TypeError, ValueError) as err:
        raise WorldError(f"person {person.get('psn_no', '?')}: {err}") from None
    profile_json = json.dumps(profile, ensure_ascii=False)
    return (
        (psn_no, certno, str(balc), profile_json),
        cards,
        (psn_no, year, state_json(state)),
        orders,
        policies,
    )


def _policy_row(psn_no: str, policy: Mapping[str, Any]) -> tuple[str, ...]:
    """A person's commercial policy as stored; dates and amounts checked."""
    begin = date.fromisoformat(str(policy["begndate"]))
    end = date.fromisoformat(str(policy["enddate"]))
    if end < begin:
        raise ValueError(f"policy {policy['policy_no']} ends before it begins")
    state = str(policy.get("state", "active"))
    if state not in ("active", "suspended"):
        raise ValueError(f"policy {policy['policy_no']}: state must be active or suspended")
    return (
        str(policy["policy_no"]),
        psn_no,
        str(policy["plan_code"]),
        begin.isoformat(),
        end.isoformat(),
        state,
        str(Money.parse(policy.get("dedc_used", "0.00"))),
        str(Money.parse(policy.get("paid", "0.00"))),
    )


def state_from_json(data: Mapping[str, Any], balc: Money) -> PersonState:
    """A person's yearly accumulators as stored (`ytd` of the world file, `usage.state`)."""
    usage = {
        name: BenefitUsage(
            Money.parse(data[name].get("dedc_used", "0.00")),
            Money.parse(data[name].get("hifp_paid", "0.00")),
        )
        for name in ("outpatient", "chronic")
        if isinstance(data.get(name), dict)
    }
    return PersonState(usage, Money.parse(data.get("maf_paid", "0.00")), balc)


def state_json(state: PersonState) -> str:
    """The accumulators of a state (the balance is kept with the person, not per year)."""
    body: dict[str, Any] = {
        name: {"dedc_used": str(u.dedc_used), "hifp_paid": str(u.hifp_paid)}
        for name, u in sorted(state.usage.items())
    }
    body["maf_paid"] = str(state.maf_paid)
    return json.dumps(body, sort_keys=True)


EMPTY_STATE = state_json(PersonState({}, ZERO, ZERO))


def _static_world(world: dict[str, Any]) -> World:
    try:
        key = world["platform_key"]
        book = PolicyBook.from_mapping(world["policies"])
        versions = sorted(r.policy_version for r in book.regions.values())
        return World(
            region=str(world["region"]),
            platform_key=PlatformKey(
                str(key["kid"]),
                str(key["private_key_hex"]),
                str(key["public_key_hex"]),
                str(key.get("not_after", "2099-12-31")),
            ),
            institutions={
                str(i["fixmedins_code"]): Institution(
                    str(i["fixmedins_code"]),
                    str(i.get("fixmedins_name", "")),
                    str(i["level"]),
                    str(i.get("public_key_hex", "")),
                )
                for i in world["institutions"]
            },
            book=book,
            policy_version=str(world.get("policy_version", ",".join(versions))),
            catalogue={str(c["med_list_codg"]): _catalogue_item(c) for c in world["catalogue"]},
            chrgitm_types={
                str(c["med_list_codg"]): str(c.get("med_chrgitm_type", ""))
                for c in world["catalogue"]
            },
            departments=list(world.get("his", {}).get("departments", [])),
            face_persons=list(world.get("face_persons", [])),
            world_file=Path("."),
            plans={
                str(p["plan_code"]): _plan(p) for p in world.get("commercial_plans", [])
            },
        )
    except (KeyError, TypeError, ValueError, MedtermError) as err:
        raise WorldError(f"world is incomplete or malformed: {err!r}") from None


def _plan(entry: Mapping[str, Any]) -> Plan:
    covers = tuple(str(c) for c in entry["covers"])
    if not covers or not set(covers) <= PLAN_SCOPES:
        raise ValueError(f"plan {entry.get('plan_code')}: covers must be among {PLAN_SCOPES}")
    ratio = Decimal(str(entry["ratio"]))
    if not 0 < ratio <= 1:
        raise ValueError(f"plan {entry.get('plan_code')}: ratio must be in (0, 1]")
    plan = Plan(
        plan_code=str(entry["plan_code"]),
        plan_name=str(entry.get("plan_name", "")),
        insurer=str(entry.get("insurer", "")),
        premium=Money.parse(entry["premium"]),
        deductible=Money.parse(entry["deductible"]),
        ratio=ratio,
        covers=covers,
        annual_cap=Money.parse(entry["annual_cap"]),
        begndate=date.fromisoformat(str(entry["begndate"])),
        enddate=date.fromisoformat(str(entry["enddate"])),
    )
    if plan.enddate < plan.begndate:
        raise ValueError(f"plan {plan.plan_code} ends before it begins")
    return plan


def _catalogue_item(entry: Mapping[str, Any]) -> CatalogueItem:
    limit = entry.get("pric_uplmt_amt")
    return CatalogueItem(
        med_list_codg=str(entry["med_list_codg"]),
        name=str(entry.get("name", "")),
        chrgitm_lv=ChargeLevel(str(entry["chrgitm_lv"])),
        selfpay_prop=Decimal(str(entry.get("selfpay_prop", "0"))),
        pric_uplmt_amt=None if limit is None else Money.parse(limit),
        ean=str(entry.get("ean", "")),
    )
