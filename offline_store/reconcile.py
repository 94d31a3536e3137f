"""The day's reconciliation report over the journal (offline.md, "Reconciliation").

What the terminal itself knows about one day: its settlements totalled per insurance type (what
3201 compares with the platform), the money collected per self-pay channel, the adjustments
owed after offline settlements, the dead letters, and what is still queued. The platform calls
live in terminal/flows/reconcile.py; their outcome is written back here as an audit row
(`record_platform_result`), so the journal keeps what the platform reported missing.

Which day a transaction belongs to: the day of its settlement as the platform stamped it
(`setl_time` of the actual breakdown), since that is the day 3201 counts it on; a transaction
without an actual settlement (offline, not forwarded yet; cancelled) belongs to the local day
it was created. Cancellations of settlements (2208/2103) are breakdowns with negative amounts:
they count as one record each and subtract, as the platform counts them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TextIO

from kernel.money import ZERO, Money, money_sum
from kernel.records import Adjustment, Transaction
from kernel.states import PaymentStatus, TxState
from offline_store import audit
from offline_store.journal import Journal
from offline_store.outbox import DeadLetter

# states holding a settlement the platform knows (settled online, or forwarded and landed)
SETTLED_STATES = frozenset(
    {TxState.SETTLED, TxState.COMPLETED, TxState.FORWARDED, TxState.RECONCILED}
)
INSUTYPES = ("310", "390")


@dataclass(frozen=True)
class InsutypeTotals:
    """The terminal's settlements of one insurance type on the day (3201's figures)."""

    insutype: str
    count: int
    medfee_sumamt: Money
    fund_pay_sumamt: Money
    acct_pay: Money
    psn_cash_pay: Money
    setl_ids: tuple[str, ...]


@dataclass(frozen=True)
class ChannelTotals:
    """Self-pay money per channel: collected (and kept) and refunded."""

    channel: str
    collected_count: int
    collected: Money
    refunded_count: int
    refunded: Money


@dataclass(frozen=True)
class DayReport:
    day: date
    insutypes: tuple[InsutypeTotals, ...]
    channels: tuple[ChannelTotals, ...]
    adjustments: tuple[Adjustment, ...]  # the day's, and every one still open
    dead_letters: tuple[DeadLetter, ...]  # the day's, and every one still open
    queued: int  # requests still waiting in the outbox
    not_forwarded: int  # offline transactions whose settlement has not reached the platform

    @property
    def setl_ids(self) -> tuple[str, ...]:
        return tuple(s for totals in self.insutypes for s in totals.setl_ids)

    def adjustments_total(self, *, settled: bool) -> Money:
        return money_sum(a.amount for a in self.adjustments if a.settled is settled)


def transaction_day(tx: Transaction) -> date:
    """The day a transaction counts on (module docstring)."""
    if tx.actual is not None and tx.actual.setl_time:
        return date.fromisoformat(tx.actual.setl_time[:10])
    return datetime.fromtimestamp(tx.created_at).date()


def _local_day(moment: float) -> date:
    return datetime.fromtimestamp(moment).date()


def day_report(journal: Journal, day: date) -> DayReport:
    """Everything the journal holds about `day` (reads only)."""
    of_day = [tx for tx in journal.transactions() if transaction_day(tx) == day]
    settled = [tx for tx in of_day if tx.state in SETTLED_STATES and tx.actual is not None]
    insutypes = sorted({*INSUTYPES, *(tx.actual.insutype for tx in settled if tx.actual)})
    totals = tuple(_insutype_totals(code, settled) for code in insutypes)
    channels = _channels(journal, of_day)
    tx_ids = {tx.tx_id for tx in of_day}
    adjustments = [
        a
        for tx in journal.transactions()
        for a in journal.adjustments_of(tx.tx_id)
        if not a.settled or a.tx_id in tx_ids or _local_day(a.created_at) == day
    ]
    dead = [
        d
        for d in journal.outbox.dead_letters(include_closed=True)
        if d.status == "open" or _local_day(d.dead_at) == day
    ]
    return DayReport(
        day=day,
        insutypes=totals,
        channels=channels,
        adjustments=tuple(sorted(adjustments, key=lambda a: a.adj_id)),
        dead_letters=tuple(dead),
        queued=journal.outbox.status().pending,
        not_forwarded=journal.offline_exposure().count,
    )


def _insutype_totals(insutype: str, settled: Iterable[Transaction]) -> InsutypeTotals:
    mine = [tx.actual for tx in settled if tx.actual is not None and tx.actual.insutype == insutype]
    return InsutypeTotals(
        insutype=insutype,
        count=len(mine),
        medfee_sumamt=money_sum(b.medfee_sumamt for b in mine),
        fund_pay_sumamt=money_sum(b.fund_pay_sumamt for b in mine),
        acct_pay=money_sum(b.acct_pay for b in mine),
        psn_cash_pay=money_sum(b.psn_cash_pay for b in mine),
        setl_ids=tuple(b.setl_id for b in mine if b.setl_id),
    )


def _channels(journal: Journal, of_day: Iterable[Transaction]) -> tuple[ChannelTotals, ...]:
    sums: dict[str, list[Any]] = {}
    for tx in of_day:
        for payment in journal.payments_of(tx.tx_id):
            row = sums.setdefault(payment.channel, [0, ZERO, 0, ZERO])
            if payment.status is PaymentStatus.COLLECTED:
                row[0], row[1] = row[0] + 1, row[1] + payment.amount
            elif payment.status is PaymentStatus.REFUNDED:
                row[2], row[3] = row[2] + 1, row[3] + payment.amount
    return tuple(ChannelTotals(channel, *sums[channel]) for channel in sorted(sums))


# -- the platform's answer, kept in the journal -------------------------------------------------


def record_platform_result(journal: Journal, day: date, result: Mapping[str, Any]) -> None:
    """Append the platform's reconciliation outcome (3201 per insutype, 3202's lists of
    settlement ids) to the audit log: ids and flags only, nothing personal."""
    now = datetime.now().timestamp()
    with journal.database.write() as conn:
        audit.append(conn, "reconcile.result", at=now, details={"day": day.isoformat(), **result})


# -- output ---------------------------------------------------------------------------------

CSV_COLUMNS = (
    "section",
    "item",
    "count",
    "medfee_sumamt",
    "fund_pay_sumamt",
    "acct_pay",
    "psn_cash_pay",
    "amount",
    "status",
    "detail",
)


def report_rows(report: DayReport) -> list[dict[str, str]]:
    """The report as uniform rows (the CSV export; the table is printed from the same rows)."""
    rows: list[dict[str, str]] = []

    def add(section: str, item: str, **values: Any) -> None:
        rows.append({"section": section, "item": item, **{k: str(v) for k, v in values.items()}})

    for t in report.insutypes:
        add(
            "insutype",
            t.insutype,
            count=t.count,
            medfee_sumamt=t.medfee_sumamt,
            fund_pay_sumamt=t.fund_pay_sumamt,
            acct_pay=t.acct_pay,
            psn_cash_pay=t.psn_cash_pay,
        )
    for c in report.channels:
        add("channel", c.channel, count=c.collected_count, amount=c.collected, status="collected")
        if c.refunded_count:
            add("channel", c.channel, count=c.refunded_count, amount=c.refunded, status="refunded")
    for a in report.adjustments:
        status = "settled" if a.settled else "open"
        add("adjustment", str(a.adj_id), amount=a.amount, status=status, detail=a.tx_id)
    for d in report.dead_letters:
        add("dead_letter", d.msgid, status=d.status, detail=f"{d.infno} {d.tx_id}")
    add("queue", "queued", count=report.queued)
    add("queue", "not_forwarded", count=report.not_forwarded)
    return [{column: row.get(column, "") for column in CSV_COLUMNS} for row in rows]


def write_csv(rows: Iterable[Mapping[str, str]], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def format_table(rows: Iterable[Mapping[str, str]]) -> str:
    """Rows as a fixed-width table; empty columns are left out."""
    rows = list(rows)
    used = [c for c in CSV_COLUMNS if any(row.get(c) for row in rows)]
    widths = {c: max(len(c), *(len(row.get(c, "")) for row in rows)) for c in used}
    lines = ["  ".join(c.ljust(widths[c]) for c in used).rstrip()]
    lines.append("  ".join("-" * widths[c] for c in used))
    lines.extend("  ".join(row.get(c, "").ljust(widths[c]) for c in used).rstrip() for row in rows)
    return "\n".join(lines)
