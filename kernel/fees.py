"""Fee items and the catalogue classes they are settled by."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from kernel.money import Money


class ChargeLevel(StrEnum):
    """`chrgitm_lv`: how the insurance catalogue classes an item."""

    CLASS_A = "01"  # 甲类: fully in scope
    CLASS_B = "02"  # 乙类: in scope after a self-paid share
    CLASS_C = "03"  # 丙类: outside the catalogue, fully self-paid


@dataclass(frozen=True)
class CatalogueItem:
    """One entry of a region's catalogue (the treating region's, for cross-region care)."""

    med_list_codg: str
    name: str
    chrgitm_lv: ChargeLevel
    selfpay_prop: Decimal = Decimal(0)
    pric_uplmt_amt: Money | None = None
    ean: str = ""

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.selfpay_prop <= Decimal(1):
            raise ValueError(f"{self.med_list_codg}: selfpay_prop must be within 0..1")
        if self.chrgitm_lv is not ChargeLevel.CLASS_B and self.selfpay_prop != 0:
            raise ValueError(f"{self.med_list_codg}: only class B items have a selfpay_prop")


@dataclass(frozen=True)
class FeeItem:
    """One line of a bill: an item, its unit price and count (count may be fractional)."""

    feedetl_sn: str
    med_list_codg: str
    pric: Money
    cnt: Decimal

    def __post_init__(self) -> None:
        if self.pric.is_negative():
            raise ValueError(f"{self.feedetl_sn}: price must not be negative")
        if not self.cnt > 0:
            raise ValueError(f"{self.feedetl_sn}: count must be positive")
