"""Checks shared by the visit and settlement transactions: whose request, which person,
which visit, which catalogue item."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kernel.fees import CatalogueItem, FeeItem
from simulators.central import fields as f
from simulators.central import persons
from simulators.central.fields import Rejected
from simulators.central.persons import Person
from simulators.central.platform import Context

PHARMACY = "pharmacy"
MAX_LINES = 500  # fee details per request


@dataclass(frozen=True)
class Line:
    fee: FeeItem
    item: CatalogueItem


def read_line(ctx: Context, detail: Mapping[str, Any], where: str) -> Line:
    sn = f.text(detail, "feedetl_sn", where, max_len=30)
    code = f.text(detail, "med_list_codg", where, max_len=50)
    item = ctx.world.catalogue.get(code)
    if item is None:
        raise Rejected("目录中无此项目", f"{where}.med_list_codg {code} is not in the catalogue")
    pric = f.money(detail, "pric", where)
    cnt = f.count(detail, "cnt", where)
    total = f.money(detail, "det_item_fee_sumamt", where)
    if total != pric.times(cnt):
        raise Rejected(
            "明细金额不等于单价乘数量",
            f"{where}.det_item_fee_sumamt {total} != pric x cnt = {pric.times(cnt)}",
        )
    return Line(FeeItem(sn, code, pric, cnt), item)


def envelope_person(ctx: Context, data: Mapping[str, Any]) -> Person:
    psn_no = f.text(data, "psn_no", "input.data", max_len=30)
    person = persons.find(ctx.conn, psn_no)
    if person.insuplc_admdvs != ctx.request.insuplc_admdvs:
        raise Rejected(
            "参保地区划不符",
            f"envelope insuplc_admdvs {ctx.request.insuplc_admdvs} is not the person's "
            f"insured region {person.insuplc_admdvs}",
        )
    return person


def insutype_of(person: Person) -> str:
    return str(person.profile.get("insutype", ""))


def same_insutype(person: Person, insutype: str) -> None:
    if insutype_of(person) != insutype:
        raise Rejected("险种类型不符", f"the person is not insured under insutype {insutype}")


def hospital_only(ctx: Context) -> None:
    if ctx.world.institutions[ctx.request.fixmedins_code].level == PHARMACY:
        raise Rejected("药店不能办理门诊业务", "outpatient transactions are not for pharmacies")


def own_visit(ctx: Context, mdtrt_id: str, psn_no: str) -> None:
    row = ctx.conn.execute(
        "SELECT psn_no, fixmedins_code FROM mdtrts WHERE mdtrt_id = ?", (mdtrt_id,)
    ).fetchone()
    if row is None or row[1] != ctx.request.fixmedins_code:
        raise Rejected("就诊记录不存在", f"no visit {mdtrt_id} at this institution (2201 first)")
    if row[0] != psn_no:
        raise Rejected("就诊记录与人员不符", f"visit {mdtrt_id} belongs to another person")


def catalogue_item(ctx: Context, code: str) -> CatalogueItem:
    item = ctx.world.catalogue.get(code)
    if item is None:
        raise Rejected("目录中无此项目", f"{code} is no longer in the catalogue")
    return item
