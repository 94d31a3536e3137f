"""Reading and writing a person's record and yearly state inside a write transaction."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from kernel.money import Money
from simulators.central.fields import Rejected
from simulators.central.world import EMPTY_STATE, state_from_json, state_json
from terminal.policy.engine import AssistanceIdentity, PersonProfile, PersonState


@dataclass(frozen=True)
class Person:
    psn_no: str
    certno: str
    balc: Money
    profile: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.profile.get("psn_name", ""))

    @property
    def insuplc_admdvs(self) -> str:
        return str(self.profile.get("insuplc_admdvs", ""))

    def engine_profile(self) -> PersonProfile:
        identities = tuple(
            AssistanceIdentity(
                str(i["psn_idet_type"]),
                date.fromisoformat(i["begntime"]),
                date.fromisoformat(i["endtime"]) if i.get("endtime") else None,
            )
            for i in self.profile.get("idet", [])
        )
        return PersonProfile(
            insutype=str(self.profile.get("insutype", "")),
            psn_type=str(self.profile.get("psn_type", "")),
            insuplc_admdvs=self.insuplc_admdvs,
            psn_insu_stas=str(self.profile.get("psn_insu_stas", "")),
            identities=identities,
        )

    def mulaid_members(self) -> dict[str, str]:
        """psn_no -> relation of family members whose accounts this person may draw on."""
        return {
            str(m["psn_no"]): str(m.get("relation", "")) for m in self.profile.get("mulaid", [])
        }


def find(conn: sqlite3.Connection, psn_no: str) -> Person:
    row = conn.execute(
        "SELECT psn_no, certno, balc, profile FROM persons WHERE psn_no = ?", (psn_no,)
    ).fetchone()
    if row is None:
        raise Rejected("人员编号不存在", f"no insured person with psn_no {psn_no[:30]!r}")
    return _person(row)


def find_by_certno(conn: sqlite3.Connection, certno: str) -> Person:
    row = conn.execute(
        "SELECT psn_no, certno, balc, profile FROM persons WHERE certno = ?", (certno,)
    ).fetchone()
    if row is None:
        raise Rejected("未查询到参保信息", "no insured person with this ID number")
    return _person(row)


def _person(row: tuple[str, str, str, str]) -> Person:
    return Person(row[0], row[1], Money(row[2]), json.loads(row[3]))


def year_state(conn: sqlite3.Connection, person: Person, year: int) -> PersonState:
    """The person's accumulators of calendar `year` (zero when the year has no row yet)."""
    row = conn.execute(
        "SELECT state FROM usage WHERE psn_no = ? AND year = ?", (person.psn_no, year)
    ).fetchone()
    return state_from_json(json.loads(row[0] if row else EMPTY_STATE), person.balc)


def save_state(conn: sqlite3.Connection, psn_no: str, year: int, state: PersonState) -> None:
    conn.execute("INSERT OR REPLACE INTO usage VALUES (?, ?, ?)", (psn_no, year, state_json(state)))
    set_balance(conn, psn_no, state.balc)


def set_balance(conn: sqlite3.Connection, psn_no: str, balc: Money) -> None:
    conn.execute("UPDATE persons SET balc = ? WHERE psn_no = ?", (str(balc), psn_no))


def balance(conn: sqlite3.Connection, psn_no: str) -> Money:
    row = conn.execute("SELECT balc FROM persons WHERE psn_no = ?", (psn_no,)).fetchone()
    return Money(row[0]) if row else Money(0)


def mask_name(name: str) -> str:
    """张三丰 -> 张*丰, 张三 -> 张*: never a full name in a log or on a QR."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
