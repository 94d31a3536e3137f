"""The commercial plan settled alongside (医保商保同步结算): 9801-9805, a project extension of
the interface (docs/platform-wire.md, docs/commercial.md).

The platform hosts the city plan's claims the way the one-stop settlement of a 惠民保 plan
works: the claim is made on a basic settlement the platform already holds, from that
settlement's own stored amounts (the terminal's figures are never trusted for money), in the
same write transaction as the plan's yearly accumulators. A basic settlement with a live claim
cannot be cancelled (`claimed`): the claim is withdrawn first (9803).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kernel.breakdown import Breakdown
from kernel.money import ZERO, Money, money_sum
from simulators.central import fields as f
from simulators.central import persons
from simulators.central.checks import envelope_person
from simulators.central.fields import Rejected
from simulators.central.platform import Context, Output
from simulators.central.records import next_seq, stored
from simulators.central.world import Plan

NO_POLICY = "无有效保单"
SUSPENDED = "保单已中止"
NOTHING_COVERED = "无商保责任范围内费用"
IN_DEDUCTIBLE = "未超过商保起付线"
CAP_REACHED = "商保年度限额已用完"


@dataclass(frozen=True)
class Policy:
    policy_no: str
    psn_no: str
    plan_code: str
    begndate: date
    enddate: date
    state: str
    dedc_used: Money
    paid: Money

    def covers(self, on: date) -> bool:
        return self.begndate <= on <= self.enddate


@dataclass(frozen=True)
class Assessment:
    """What a plan pays of one split: the covered amount, the deductible taken, the pay."""

    covered: Money
    dedc: Money
    pay: Money
    reason: str  # why it pays nothing, when it does not


def assess(plan: Plan, policy: Policy, amounts: dict[str, Money], cash: Money) -> Assessment:
    """The plan's rule, pure: a ratio of the covered scopes above the deductible left, never
    more than the annual cap left nor than the cash the patient would pay."""
    covered = money_sum(amounts[name] for name in plan.covers)
    dedc_left = max(plan.deductible - policy.dedc_used, ZERO)
    dedc = min(covered, dedc_left)
    cap_left = max(plan.annual_cap - policy.paid, ZERO)
    pay = min((covered - dedc).times(plan.ratio), cap_left, cash)
    reason = ""
    if not pay:
        if not covered:
            reason = NOTHING_COVERED
        elif covered == dedc:
            reason = IN_DEDUCTIBLE
        elif not cap_left:
            reason = CAP_REACHED
    return Assessment(covered, dedc, pay, reason)


def pre_claim(ctx: Context) -> Output:
    """9801: what the person's plan valid today would pay of the split given (nothing is
    recorded). A suspended policy or none pays nothing and says why: not a refusal."""
    data = f.sub(ctx.request.input, "data", "input")
    person = envelope_person(ctx, data)
    names = ("medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt")
    amounts = {name: f.money(data, name, "input.data") for name in names}
    cash = f.money(data, "psn_cash_pay", "input.data")
    if cash > amounts["medfee_sumamt"]:
        raise f.bad("input.data.psn_cash_pay", "is more than medfee_sumamt")
    policy = _policy_on(ctx.conn, person.psn_no, ctx.now.date())
    if policy is None:
        return {"claiminfo": _info("", None, None, Assessment(ZERO, ZERO, ZERO, NO_POLICY))}
    plan = ctx.world.plans[policy.plan_code]
    if policy.state != "active":
        return {"claiminfo": _info("", policy, plan, Assessment(ZERO, ZERO, ZERO, SUSPENDED))}
    return {"claiminfo": _info("", policy, plan, assess(plan, policy, amounts, cash))}


def claim(ctx: Context) -> Output:
    """9802: claim on a basic settlement of this institution, from its stored amounts. No
    policy valid on the settlement's date pays nothing (recorded nowhere: not a refusal, so a
    claim queued offline for a person without a plan blocks nothing); a suspended policy is
    refused; a settlement claimed once is refused (the same msgid again gets its answer)."""
    data = f.sub(ctx.request.input, "data", "input")
    person = envelope_person(ctx, data)
    setl_id = f.text(data, "setl_id", "input.data", max_len=30)
    settlement = stored(ctx.conn, "setl_id", setl_id)
    if (
        settlement is None
        or settlement.kind != "settlement"
        or settlement.fixmedins_code != ctx.request.fixmedins_code
        or settlement.psn_no != person.psn_no
    ):
        raise Rejected("结算记录不存在", f"no settlement {setl_id} of this person here")
    if settlement.state != "settled":
        raise Rejected("结算已撤销", f"settlement {setl_id} is {settlement.state}")
    if live_claim(ctx.conn, setl_id) is not None:
        raise Rejected("该结算已申请商保理赔", f"settlement {setl_id} is already claimed")
    b = settlement.breakdown
    on = date.fromisoformat(b.setl_time[:10])
    policy = _policy_on(ctx.conn, person.psn_no, on)
    if policy is None:
        return {"claiminfo": _info("", None, None, Assessment(ZERO, ZERO, ZERO, NO_POLICY))}
    if policy.state != "active":
        raise Rejected("保单已中止，不予理赔", "the policy is suspended")
    plan = ctx.world.plans[policy.plan_code]
    result = assess(plan, policy, _scopes(b), b.psn_cash_pay)
    seq = next_seq(ctx.conn, "claims")
    claim_id = f"C{ctx.world.region}{seq:013d}"
    ctx.conn.execute(
        "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'claimed', ?, ?)",
        (
            seq,
            claim_id,
            setl_id,
            policy.policy_no,
            person.psn_no,
            ctx.request.fixmedins_code,
            str(result.covered),
            str(result.dedc),
            str(result.pay),
            f"{ctx.now:%Y-%m-%d %H:%M:%S}",
            ctx.request.msgid,
        ),
    )
    _accumulate(ctx.conn, policy, result.dedc, result.pay)
    return {"claiminfo": _info(claim_id, policy, plan, result)}


def cancel_claim(ctx: Context) -> Output:
    """9803: withdraw the live claim on a settlement and give the plan's accumulators back.
    None to withdraw answers an empty claim: harmless, so a queued withdrawal of a claim
    whose outcome was never known may always be sent."""
    data = f.sub(ctx.request.input, "data", "input")
    person = envelope_person(ctx, data)
    setl_id = f.text(data, "setl_id", "input.data", max_len=30)
    row = live_claim(ctx.conn, setl_id)
    if row is None:
        empty = Assessment(ZERO, ZERO, ZERO, "无商保结算")
        return {"claiminfo": _info("", None, None, empty)}
    claim_id, policy_no, psn_no, covered, dedc, pay = row
    if psn_no != person.psn_no:
        raise Rejected("商保结算与人员不符", f"the claim on {setl_id} is another person's")
    policy = _policy(ctx.conn, policy_no)
    _accumulate(ctx.conn, policy, -Money(dedc), -Money(pay))
    ctx.conn.execute("UPDATE claims SET state = 'cancelled' WHERE claim_id = ?", (claim_id,))
    plan = ctx.world.plans[policy.plan_code]
    result = Assessment(Money(covered), Money(dedc), Money(pay), "")
    return {"claiminfo": _info(claim_id, policy, plan, result)}


def buy_plan(ctx: Context) -> Output:
    """9804: buy (or renew for the next plan year) a plan with the personal account. Only
    with the person's explicit consent (`consent_flag` 1) and a balance that covers the
    premium; a policy already held for that year is refused, not bought twice."""
    data = f.sub(ctx.request.input, "data", "input")
    person = envelope_person(ctx, data)
    code = f.text(data, "plan_code", "input.data", max_len=30)
    consent = f.text(data, "consent_flag", "input.data", max_len=1, choices=frozenset({"0", "1"}))
    if consent != "1":
        raise Rejected("未经参保人同意", "buying a plan needs the person's consent (flag 1)")
    plan = ctx.world.plans.get(code)
    if plan is None:
        raise Rejected("商保产品不存在", f"no commercial plan {code}")
    begin, end = _period(ctx.conn, person.psn_no, plan, ctx.now.date())
    balc = persons.balance(ctx.conn, person.psn_no)
    if balc < plan.premium:
        raise Rejected("个人账户余额不足", f"the account holds {balc}, the premium {plan.premium}")
    persons.set_balance(ctx.conn, person.psn_no, balc - plan.premium)
    sold = ctx.conn.execute(
        "SELECT COUNT(*) FROM policies WHERE bought_msgid IS NOT NULL"
    ).fetchone()[0]
    policy_no = f"HMS{begin.year}{int(sold) + 1:010d}"  # HMS: sold here (the world's are HMB)
    ctx.conn.execute(
        "INSERT INTO policies VALUES (?, ?, ?, ?, ?, 'active', '0.00', '0.00', ?)",
        (policy_no, person.psn_no, code, begin.isoformat(), end.isoformat(), ctx.request.msgid),
    )
    return {
        "policy": {
            "policy_no": policy_no,
            "plan_code": code,
            "plan_name": plan.plan_name,
            "begndate": begin.isoformat(),
            "enddate": end.isoformat(),
            "premium": str(plan.premium),
        },
        "balc": str(balc - plan.premium),
    }


def plan_offers(ctx: Context) -> Output:
    """9805: the plans the person may buy or renew now, each with its terms, the plan year a
    purchase would cover (the same rule as 9804) and whether it is a renewal; and the
    account's balance, which pays the premium. A read: nothing is recorded."""
    data = f.sub(ctx.request.input, "data", "input")
    person = envelope_person(ctx, data)
    today = ctx.now.date()
    held = {p.plan_code for p in _policies(ctx.conn, person.psn_no) if p.enddate >= today}
    offers = []
    for plan in ctx.world.plans.values():
        try:
            begin, end = _period(ctx.conn, person.psn_no, plan, today)
        except Rejected:
            continue  # held for the next year already, or no longer sold
        offers.append({
            "plan_code": plan.plan_code,
            "plan_name": plan.plan_name,
            "insurer": plan.insurer,
            "premium": str(plan.premium),
            "deductible": str(plan.deductible),
            "ratio": str(plan.ratio),
            "covers": list(plan.covers),
            "annual_cap": str(plan.annual_cap),
            "begndate": begin.isoformat(),
            "enddate": end.isoformat(),
            "renewal": "1" if plan.plan_code in held else "0",
        })
    return {"plans": offers, "balc": str(persons.balance(ctx.conn, person.psn_no))}


def _period(conn: sqlite3.Connection, psn_no: str, plan: Plan, today: date) -> tuple[date, date]:
    """The plan year a purchase today would cover: the plan's (from today) for a person who
    holds none, the year after the latest held for a renewal; Rejected when there is none."""
    code = plan.plan_code
    current = [p for p in _policies(conn, psn_no) if p.plan_code == code and p.enddate >= today]
    if current:  # renewal: the plan year after the latest one held
        latest = max(current, key=lambda p: p.enddate)
        if latest.enddate >= _years_on(plan.enddate, 1):
            raise Rejected("已续保", f"plan {code} is already held until {latest.enddate}")
        return latest.enddate + timedelta(days=1), _years_on(latest.enddate, 1)
    if today > plan.enddate:
        raise Rejected("不在投保期内", f"plan {code} ended on {plan.enddate}")
    return max(today, plan.begndate), plan.enddate


def live_claim(conn: sqlite3.Connection, setl_id: str) -> tuple[str, ...] | None:
    """The claim on `setl_id` not withdrawn, if any: (claim_id, policy_no, psn_no, covered,
    dedc, pay)."""
    row = conn.execute(
        "SELECT claim_id, policy_no, psn_no, covered_amt, dedc_amt, pay_amt FROM claims "
        "WHERE setl_id = ? AND state = 'claimed'",
        (setl_id,),
    ).fetchone()
    return None if row is None else tuple(str(v) for v in row)


def refuse_if_claimed(conn: sqlite3.Connection, setl_id: str) -> None:
    """A basic settlement with a live claim is not cancelled under it (2208/2103, 2601)."""
    if live_claim(conn, setl_id) is not None:
        raise Rejected(
            "商保结算未撤销", f"settlement {setl_id} has a commercial claim: withdraw it (9803)"
        )


def holdings(conn: sqlite3.Connection, psn_no: str | None) -> dict[str, Any]:
    """Policies and claims of a person, or everyone's (the control endpoint)."""
    where, args = ("WHERE psn_no = ?", (psn_no,)) if psn_no else ("", ())
    claims = conn.execute(
        "SELECT claim_id, setl_id, policy_no, covered_amt, dedc_amt, pay_amt, state, msgid "
        f"FROM claims {where} ORDER BY seq",
        args,
    ).fetchall()
    keys = ("claim_id", "setl_id", "policy_no", "covered_amt", "dedc_amt", "pay_amt", "state")
    return {
        "policies": [
            {
                "policy_no": p.policy_no,
                "plan_code": p.plan_code,
                "begndate": p.begndate.isoformat(),
                "enddate": p.enddate.isoformat(),
                "state": p.state,
                "dedc_used": str(p.dedc_used),
                "paid": str(p.paid),
            }
            for p in (_policies(conn, psn_no) if psn_no else _all_policies(conn))
        ],
        "claims": [dict(zip((*keys, "msgid"), row, strict=True)) for row in claims],
    }


def policies_on(conn: sqlite3.Connection, psn_no: str, on: date) -> list[dict[str, str]]:
    """The person's policies covering `on`, as 1101 lists them (project extension)."""
    return [
        {
            "policy_no": p.policy_no,
            "plan_code": p.plan_code,
            "begndate": p.begndate.isoformat(),
            "enddate": p.enddate.isoformat(),
            "state": p.state,
        }
        for p in _policies(conn, psn_no)
        if p.covers(on)
    ]


def set_policy_state(conn: sqlite3.Connection, policy_no: str, state: str) -> None:
    if state not in ("active", "suspended"):
        raise Rejected("保单状态无效", "state must be active or suspended")
    update = "UPDATE policies SET state = ? WHERE policy_no = ?"
    if conn.execute(update, (state, policy_no)).rowcount:
        return
    raise Rejected("保单不存在", f"no policy {policy_no}")


# -- inside ----------------------------------------------------------------------------------


def _scopes(b: Breakdown) -> dict[str, Money]:
    names = ("medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt")
    return {name: getattr(b, name) for name in names}


def _policies(conn: sqlite3.Connection, psn_no: str) -> list[Policy]:
    rows = conn.execute(
        "SELECT policy_no, psn_no, plan_code, begndate, enddate, state, dedc_used, paid "
        "FROM policies WHERE psn_no = ? ORDER BY begndate, policy_no",
        (psn_no,),
    ).fetchall()
    return [_row(r) for r in rows]


def _all_policies(conn: sqlite3.Connection) -> list[Policy]:
    rows = conn.execute(
        "SELECT policy_no, psn_no, plan_code, begndate, enddate, state, dedc_used, paid "
        "FROM policies ORDER BY policy_no"
    ).fetchall()
    return [_row(r) for r in rows]


def _policy(conn: sqlite3.Connection, policy_no: str) -> Policy:
    row = conn.execute(
        "SELECT policy_no, psn_no, plan_code, begndate, enddate, state, dedc_used, paid "
        "FROM policies WHERE policy_no = ?",
        (policy_no,),
    ).fetchone()
    return _row(row)


def _row(r: tuple[Any, ...]) -> Policy:
    return Policy(
        str(r[0]),
        str(r[1]),
        str(r[2]),
        date.fromisoformat(r[3]),
        date.fromisoformat(r[4]),
        str(r[5]),
        Money(r[6]),
        Money(r[7]),
    )


def _policy_on(conn: sqlite3.Connection, psn_no: str, on: date) -> Policy | None:
    """The person's policy covering `on` (an active one before a suspended one)."""
    covering = [p for p in _policies(conn, psn_no) if p.covers(on)]
    covering.sort(key=lambda p: p.state != "active")
    return covering[0] if covering else None


def _accumulate(conn: sqlite3.Connection, policy: Policy, dedc: Money, pay: Money) -> None:
    current = _policy(conn, policy.policy_no)
    conn.execute(
        "UPDATE policies SET dedc_used = ?, paid = ? WHERE policy_no = ?",
        (str(current.dedc_used + dedc), str(current.paid + pay), policy.policy_no),
    )


def _info(
    claim_id: str, policy: Policy | None, plan: Plan | None, result: Assessment
) -> dict[str, str]:
    return {
        "claim_id": claim_id,
        "policy_no": policy.policy_no if policy else "",
        "plan_code": plan.plan_code if plan else "",
        "plan_name": plan.plan_name if plan else "",
        "covered_amt": str(result.covered),
        "dedc_amt": str(result.dedc),
        "pay_amt": str(result.pay),
        "reason": result.reason,
    }


def _years_on(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)

