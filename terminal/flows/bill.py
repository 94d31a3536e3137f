"""A bill: the fee lines a patient pays in one transaction, as the journal keeps them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kernel.fees import CatalogueItem, ChargeLevel, FeeItem
from kernel.money import Money, money_sum
from terminal.central import inputs
from terminal.his import HisOrder
from terminal.policy.engine import BillSplit, split_bill


@dataclass(frozen=True)
class BillLine:
    feedetl_sn: str
    med_list_codg: str
    name: str
    pric: Money
    cnt: Decimal
    rxno: str = ""
    dept_code: str = ""
    dept_name: str = ""
    dr_code: str = ""
    dr_name: str = ""
    drug_trac_codg: tuple[str, ...] = ()  # one traceability code per dispensed unit
    rx_circ: bool = False  # dispensed from a circulated e-prescription (`rxno` is its hiRxno)

    def __post_init__(self) -> None:
        if isinstance(self.cnt, int):  # a whole count written plainly: exact, so accepted
            object.__setattr__(self, "cnt", Decimal(self.cnt))
        if not isinstance(self.cnt, Decimal) or not self.cnt.is_finite() or self.cnt <= 0:
            raise ValueError(f"{self.feedetl_sn}: count must be a positive Decimal")

    @property
    def amount(self) -> Money:
        return self.pric.times(self.cnt)

    def to_json(self) -> dict[str, Any]:
        return {
            "feedetl_sn": self.feedetl_sn,
            "med_list_codg": self.med_list_codg,
            "name": self.name,
            "pric": str(self.pric),
            "cnt": str(self.cnt),
            "rxno": self.rxno,
            "dept_code": self.dept_code,
            "dept_name": self.dept_name,
            "dr_code": self.dr_code,
            "dr_name": self.dr_name,
            "drug_trac_codg": list(self.drug_trac_codg),
            "rx_circ": self.rx_circ,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BillLine:
        return cls(
            feedetl_sn=str(data["feedetl_sn"]),
            med_list_codg=str(data["med_list_codg"]),
            name=str(data.get("name", "")),
            pric=Money.parse(data["pric"]),
            cnt=Decimal(str(data["cnt"])),
            rxno=str(data.get("rxno", "")),
            dept_code=str(data.get("dept_code", "")),
            dept_name=str(data.get("dept_name", "")),
            dr_code=str(data.get("dr_code", "")),
            dr_name=str(data.get("dr_name", "")),
            drug_trac_codg=tuple(str(c) for c in data.get("drug_trac_codg", ())),
            rx_circ=data.get("rx_circ") is True,
        )


def lines_from_orders(orders: Iterable[HisOrder]) -> tuple[BillLine, ...]:
    lines = []
    for order in orders:
        for item in order.items:
            lines.append(
                BillLine(
                    feedetl_sn=f"{order.rxno}-{len(lines) + 1:03d}",
                    med_list_codg=item.med_list_codg,
                    name=item.name,
                    pric=item.pric,
                    cnt=item.cnt,
                    rxno=order.rxno,
                    dept_code=order.dept_code,
                    dept_name=order.dept_name,
                    dr_code=order.dr_code,
                    dr_name=order.dr_name,
                )
            )
    return tuple(lines)


def total(lines: Sequence[BillLine]) -> Money:
    return money_sum(line.amount for line in lines)


def fee_lines(
    lines: Sequence[BillLine], *, mdtrt_id: str, psn_no: str, chrg_bchno: str, when: str
) -> list[inputs.FeeLine]:
    """The lines as 2204/2101/2102 fee details (`psn_no`/`mdtrt_id` may be `$ref`s offline)."""
    return [
        inputs.FeeLine(
            feedetl_sn=line.feedetl_sn,
            mdtrt_id=mdtrt_id,
            psn_no=psn_no,
            chrg_bchno=chrg_bchno,
            rxno=line.rxno,
            fee_ocur_time=when,
            med_list_codg=line.med_list_codg,
            medins_list_codg=line.med_list_codg,
            det_item_fee_sumamt=line.amount,
            cnt=line.cnt,
            pric=line.pric,
            bilg_dept_codg=line.dept_code,
            bilg_dr_codg=line.dr_code,
            rx_circ_flag="1" if line.rx_circ else "0",
        )
        for line in lines
    ]


def drug_traces(lines: Sequence[BillLine]) -> list[inputs.DrugTrace]:
    return [
        inputs.DrugTrace(line.feedetl_sn, code) for line in lines for code in line.drug_trac_codg
    ]


def split_with_catalogue(
    lines: Sequence[BillLine], catalogue: Mapping[str, CatalogueItem]
) -> BillSplit:
    """The bill's split by a locally known catalogue; an item it does not know counts as
    class C (fully self-paid), the conservative assumption offline."""
    pairs = []
    for line in lines:
        entry = catalogue.get(line.med_list_codg) or CatalogueItem(
            line.med_list_codg, line.name, ChargeLevel.CLASS_C
        )
        pairs.append((FeeItem(line.feedetl_sn, line.med_list_codg, line.pric, line.cnt), entry))
    return split_bill(pairs)
