"""The settlement breakdown (`setlinfo`) as one value type.

Its constructor enforces every invariant of central-api.md, so a breakdown that exists adds
up: the terminal never shows a patient, nor collects money for, a split that does not.

`commercial_pay` is the project's one line beside the platform's: what a commercial plan (a
city plan of the 惠民保 kind) paid of the patient's cash part after the basic settlement
(docs/commercial.md). It is never part of the platform's `setlinfo` sums; it only takes its
share of `psn_cash_pay`, so `cash_due` is what the patient still pays.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from kernel.errors import BreakdownInvariantError, MoneyError
from kernel.money import ZERO, Money, money_sum

FUND_FIELDS = (
    "hifp_pay",
    "cvlserv_pay",
    "hifes_pay",
    "hifmi_pay",
    "hifob_pay",
    "maf_pay",
    "oth_pay",
)
SCOPE_FIELDS = ("fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt")
IDENTIFIER_FIELDS = (
    "setl_id",
    "mdtrt_id",
    "psn_no",
    "psn_name",
    "insutype",
    "psn_type",
    "med_type",
    "setl_time",
    "medins_setl_id",
)


@dataclass(frozen=True)
class Breakdown:
    """A settlement split, checked on construction.

    `cancellation=True` marks the negated breakdown of 2208/2103, whose amounts are all <= 0.
    `balc` is the personal account balance after the settlement (not part of the sums).
    `commercial_pay` is the commercial plan's share of `psn_cash_pay` (0 without a claim).
    """

    medfee_sumamt: Money
    fulamt_ownpay_amt: Money
    overlmt_selfpay: Money
    preselfpay_amt: Money
    inscp_scp_amt: Money
    act_pay_dedc: Money
    hifp_pay: Money
    pool_prop_selfpay: Money
    cvlserv_pay: Money
    hifes_pay: Money
    hifmi_pay: Money
    hifob_pay: Money
    maf_pay: Money
    oth_pay: Money
    fund_pay_sumamt: Money
    psn_part_amt: Money
    acct_pay: Money
    acct_mulaid_pay: Money
    psn_cash_pay: Money
    balc: Money = ZERO
    commercial_pay: Money = ZERO
    setl_id: str = ""
    mdtrt_id: str = ""
    psn_no: str = ""
    psn_name: str = ""
    insutype: str = ""
    psn_type: str = ""
    med_type: str = ""
    setl_time: str = ""
    medins_setl_id: str = ""
    cancellation: bool = False

    def __post_init__(self) -> None:
        for name in _AMOUNT_FIELDS:
            if not isinstance(getattr(self, name), Money):
                raise BreakdownInvariantError(f"{name} is not Money")
        self._check_sums()
        self._check_signs()
        self._check_commercial()

    def _check_sums(self) -> None:
        funds = money_sum(getattr(self, name) for name in FUND_FIELDS)
        _require(
            self.fund_pay_sumamt == funds,
            f"fund_pay_sumamt {self.fund_pay_sumamt} != sum of fund payments {funds}",
        )
        part = self.medfee_sumamt - self.fund_pay_sumamt
        _require(
            self.psn_part_amt == part,
            f"psn_part_amt {self.psn_part_amt} != medfee_sumamt - fund_pay_sumamt = {part}",
        )
        cash = self.psn_part_amt - self.acct_pay - self.acct_mulaid_pay
        _require(
            self.psn_cash_pay == cash,
            f"psn_cash_pay {self.psn_cash_pay} != psn_part_amt - acct_pay - acct_mulaid_pay "
            f"= {cash}",
        )
        scope = money_sum(getattr(self, name) for name in SCOPE_FIELDS)
        _require(
            self.medfee_sumamt == scope,
            f"medfee_sumamt {self.medfee_sumamt} != own-pay + over-limit + pre-self-pay + "
            f"in-scope = {scope}",
        )

    def _check_signs(self) -> None:
        for name in _SIGNED_FIELDS:
            value: Money = getattr(self, name)
            if self.cancellation:
                _require(not value > ZERO, f"{name} {value} is positive in a cancellation")
            else:
                _require(not value.is_negative(), f"{name} {value} is negative")

    def _check_commercial(self) -> None:
        """The plan pays of the cash part only: never more than the patient would pay (the
        signs are checked first, so the sign of a cancellation is already right)."""
        within = (
            self.commercial_pay >= self.psn_cash_pay
            if self.cancellation
            else self.commercial_pay <= self.psn_cash_pay
        )
        _require(
            within, f"commercial_pay {self.commercial_pay} exceeds psn_cash_pay {self.psn_cash_pay}"
        )

    @property
    def account_total(self) -> Money:
        """What personal accounts paid: the person's own and a family member's (共济)."""
        return self.acct_pay + self.acct_mulaid_pay

    @property
    def cash_due(self) -> Money:
        """What the patient pays by a self-pay channel: the cash part less the plan's share."""
        return self.psn_cash_pay - self.commercial_pay

    def with_commercial(self, amount: Money) -> Breakdown:
        """This split with the commercial plan paying `amount` of its cash part (checked)."""
        return replace(self, commercial_pay=amount)

    def negated(self) -> Breakdown:
        """The cancellation of this settlement (2208/2103): every amount negated."""
        values = {name: -getattr(self, name) for name in _SIGNED_FIELDS}
        return replace(self, cancellation=not self.cancellation, **values)

    def to_setlinfo(self) -> dict[str, str]:
        """The wire form: money as strings with two decimals, identifiers as given."""
        out: dict[str, str] = {}
        for f in fields(self):
            if f.name == "cancellation":
                continue
            if f.name == "commercial_pay" and not self.commercial_pay:
                continue  # not the platform's: absent from its setlinfo unless a plan paid
            value = getattr(self, f.name)
            out[f.name] = str(value)
        return out

    @classmethod
    def from_setlinfo(cls, data: Any, *, cancellation: bool = False) -> Breakdown:
        """Parse a platform `setlinfo` strictly: every amount present, a decimal string with
        exactly two decimals, and every invariant holding. Raises BreakdownInvariantError or
        MoneyError with the offending field named."""
        if not isinstance(data, dict):
            raise BreakdownInvariantError(f"setlinfo must be an object, got {type(data).__name__}")
        values: dict[str, Any] = {}
        for name in _AMOUNT_FIELDS:
            if name not in data:
                if name in _OPTIONAL_AMOUNTS:
                    continue
                raise BreakdownInvariantError(f"setlinfo is missing {name}")
            try:
                values[name] = Money.parse(data[name], field=name)
            except MoneyError as err:
                raise BreakdownInvariantError(err.detail) from None
        for name in IDENTIFIER_FIELDS:
            raw = data.get(name, "")
            if raw is None:
                raw = ""
            if not isinstance(raw, (str, int)) or isinstance(raw, bool):
                raise BreakdownInvariantError(f"setlinfo.{name} must be text")
            values[name] = str(raw)
        return cls(cancellation=cancellation, **values)


_AMOUNT_FIELDS = tuple(f.name for f in fields(Breakdown) if f.type in ("Money", Money))
_OPTIONAL_AMOUNTS = frozenset({"balc", "commercial_pay"})
_SIGNED_FIELDS = tuple(name for name in _AMOUNT_FIELDS if name != "balc")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise BreakdownInvariantError(message)
