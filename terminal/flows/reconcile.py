"""Reconciling a day with the platform: 3201 per insurance type, 3202 when one does not balance.

Decisions where the spec is silent (docs/forwarding.md, "Reconciliation"):

- 3201 is sent for both insurance types (310, 390) even when the terminal has no settlement of
  one, so that settlements the platform holds and the terminal does not are found too.
- `clr_type` is `11` (outpatient) at a hospital terminal and `41` (pharmacy) at a pharmacy
  one, the `med_type` of what each settles; `setl_optins` is the terminal's region.
- On any `stmt_rslt=1`, one 3202 lists every settlement id the terminal holds for the day (all
  insurance types); the platform answers which it holds that were not listed (`platform_only`)
  and which listed ones it does not hold (`terminal_only`). Both lists go to the audit log.
- The platform reconciles per institution: with several terminals in one institution, each
  terminal's 3201 differs from the institution's totals and 3202 lists the others' settlements
  as `platform_only`. That is reported, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from offline_store.journal import Journal
from offline_store.reconcile import DayReport, day_report, record_platform_result
from terminal.central.client import PlatformClient
from terminal.central.inputs import DailyTotals
from terminal.config import InstitutionKind, TerminalConfig

CLR_TYPES = {InstitutionKind.HOSPITAL: "11", InstitutionKind.PHARMACY: "41"}


@dataclass(frozen=True)
class TotalsCheck:
    """3201's answer for one insurance type."""

    insutype: str
    balanced: bool
    description: str


@dataclass(frozen=True)
class PlatformReconciliation:
    day: date
    checks: tuple[TotalsCheck, ...]
    detail_checked: bool  # 3202 was sent
    platform_only: tuple[str, ...]  # settlements the platform holds that the terminal lacks
    terminal_only: tuple[str, ...]  # settlements the terminal holds that the platform lacks

    @property
    def balanced(self) -> bool:
        return all(check.balanced for check in self.checks)

    def as_rows(self) -> list[dict[str, str]]:
        """Rows in the report's CSV shape (offline_store.reconcile.CSV_COLUMNS)."""
        rows = [
            {
                "section": "platform_3201",
                "item": c.insutype,
                "status": "balanced" if c.balanced else "not_balanced",
                "detail": c.description,
            }
            for c in self.checks
        ]
        rows += [
            {"section": "platform_only", "item": s, "status": "missing"} for s in self.platform_only
        ]
        rows += [
            {"section": "terminal_only", "item": s, "status": "missing"} for s in self.terminal_only
        ]
        return rows


def reconcile_day(
    journal: Journal, client: PlatformClient, config: TerminalConfig, day: date
) -> tuple[DayReport, PlatformReconciliation]:
    """Total the journal's day, send 3201 per insurance type, 3202 if any does not balance,
    record the platform's answer in the journal; platform errors propagate (typed)."""
    report = day_report(journal, day)
    stamp = day.isoformat()
    checks = []
    for totals in report.insutypes:
        answer = client.reconcile_totals(
            DailyTotals(
                insutype=totals.insutype,
                clr_type=CLR_TYPES[config.terminal.institution_kind],
                setl_optins=config.terminal.region,
                stmt_begndate=stamp,
                stmt_enddate=stamp,
                medfee_sumamt=totals.medfee_sumamt,
                fund_pay_sumamt=totals.fund_pay_sumamt,
                acct_pay=totals.acct_pay,
                fixmedins_setl_cnt=totals.count,
            )
        )
        checks.append(TotalsCheck(totals.insutype, answer.balanced, answer.description))
    platform_only: tuple[str, ...] = ()
    terminal_only: tuple[str, ...] = ()
    detail = not all(check.balanced for check in checks)
    if detail:
        lists = client.reconcile_detail(stamp, stamp, report.setl_ids)
        platform_only, terminal_only = lists.platform_only, lists.terminal_only
    result = PlatformReconciliation(day, tuple(checks), detail, platform_only, terminal_only)
    record_platform_result(
        journal,
        day,
        {
            "balanced": result.balanced,
            "insutypes": {c.insutype: c.balanced for c in checks},
            "platform_only": list(platform_only),
            "terminal_only": list(terminal_only),
        },
    )
    return report, result
