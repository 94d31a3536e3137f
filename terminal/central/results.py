"""Typed results of each transaction, parsed strictly from the response's `output`.

A field of the wrong type, a missing identifier or a breakdown that does not add up is a
`ProtocolError`: the terminal never acts on, nor shows, an answer it does not fully understand.
Personal fields are kept out of `repr` so a result logged by mistake leaks nothing.
Optional descriptive fields may be absent (read as ""), but never of the wrong type.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from kernel.breakdown import Breakdown
from kernel.errors import BreakdownInvariantError, MoneyError
from kernel.fees import ChargeLevel
from kernel.money import Money
from terminal.central.envelope import ParsedResponse
from terminal.central.errors import ProtocolError

T = TypeVar("T")


class _Bad(ValueError):
    """A malformed output field; becomes a ProtocolError naming the transaction."""


@dataclass(frozen=True)
class PlatformKey:
    kid: str
    public_key_hex: str
    not_after: str


@dataclass(frozen=True)
class SignIn:
    sign_no: str
    sign_time: str
    platform_keys: tuple[PlatformKey, ...]
    policy_version: str


@dataclass(frozen=True)
class VoucherIdentity:
    """1162: who the e-voucher belongs to, and the single-use token for 1101."""

    id_no: str = field(repr=False)
    id_type: str
    user_name: str = field(repr=False)
    insu_org: str
    ec_token: str = field(repr=False)


@dataclass(frozen=True)
class FaceAuthorisation:
    auth_no: str = field(repr=False)
    psn_cert_type: str
    certno: str = field(repr=False)
    mask: str


@dataclass(frozen=True)
class PersonBase:
    psn_no: str
    psn_cert_type: str
    certno: str = field(repr=False)
    psn_name: str = field(repr=False)
    gend: str
    naty: str
    brdy: str = field(repr=False)
    age: str


@dataclass(frozen=True)
class Insurance:
    balc: Money
    insutype: str
    psn_type: str
    psn_insu_stas: str
    psn_insu_date: str
    paus_insu_date: str
    cvlserv_flag: str
    insuplc_admdvs: str
    emp_name: str = field(repr=False)


@dataclass(frozen=True)
class Identity:
    psn_idet_type: str
    psn_type_lv: str
    begntime: str
    endtime: str


@dataclass(frozen=True)
class FaceRef:
    kid: str
    encoding: tuple[float, ...] = field(repr=False)


@dataclass(frozen=True)
class MutualAidMember:
    psn_no: str
    psn_name: str = field(repr=False)
    relation: str
    acct_balc: Money


@dataclass(frozen=True)
class HeldPolicy:
    """A commercial policy covering today (1101, project extension: docs/commercial.md)."""

    policy_no: str
    plan_code: str
    begndate: str
    enddate: str
    state: str


@dataclass(frozen=True)
class PersonInfo:
    base: PersonBase
    insurances: tuple[Insurance, ...]
    identities: tuple[Identity, ...]
    face_ref: FaceRef | None
    mulaid: tuple[MutualAidMember, ...]
    policies: tuple[HeldPolicy, ...] = ()


@dataclass(frozen=True)
class Registration:
    mdtrt_id: str
    psn_no: str
    ipt_otp_no: str


@dataclass(frozen=True)
class FeeLineResult:
    feedetl_sn: str
    det_item_fee_sumamt: Money
    cnt: Decimal
    pric: Money
    pric_uplmt_amt: Money | None
    selfpay_prop: Decimal
    fulamt_ownpay_amt: Money
    overlmt_amt: Money
    preselfpay_amt: Money
    inscp_scp_amt: Money
    chrgitm_lv: ChargeLevel
    med_chrgitm_type: str


@dataclass(frozen=True)
class FundPayment:
    """One line of `setldetail`: what one fund paid."""

    fund_pay_type: str
    fund_pay_type_name: str
    fund_payamt: Money


@dataclass(frozen=True)
class Settlement:
    """2207/2102: the checked breakdown and the per-fund lines (`setldetail`)."""

    breakdown: Breakdown
    details: tuple[FundPayment, ...] = ()


@dataclass(frozen=True)
class TotalsReconciliation:
    balanced: bool
    description: str


@dataclass(frozen=True)
class DetailReconciliation:
    platform_only: tuple[str, ...]
    terminal_only: tuple[str, ...]


# --- strict readers ------------------------------------------------------------------------


def _obj(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Bad(f"{path} must be an object, got {_kind(value)}")
    return value


def _list(parent: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> list[Any]:
    value = parent.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise _Bad(f"{path}.{key} must be a list, got {_kind(value)}")
    return value


def _rows(
    out: Mapping[str, Any],
    key: str,
    build: Callable[[Mapping[str, Any], str], T],
    *,
    required: bool = True,
) -> tuple[T, ...]:
    """Each object of the list `output.<key>`, built by `build(row, path)`; the path
    (`insuinfo[2]`) names the row in any error."""
    return tuple(
        build(_obj(item, f"{key}[{i}]"), f"{key}[{i}]")
        for i, item in enumerate(_list(out, key, "output", required=required))
    )


def _text(parent: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> str:
    value = parent.get(key)
    if value is None:
        if required:
            raise _Bad(f"{path}.{key} is missing")
        return ""
    if not isinstance(value, str):
        raise _Bad(f"{path}.{key} must be text, got {_kind(value)}")
    if required and not value:
        raise _Bad(f"{path}.{key} is empty")
    return value


def _money(parent: Mapping[str, Any], key: str, path: str, *, optional: bool = False) -> Any:
    value = parent.get(key)
    if optional and value in (None, ""):
        return None
    if not isinstance(value, str):
        raise _Bad(f"{path}.{key} must be an amount as text, got {_kind(value)}")
    try:
        return Money.parse(value, field=f"{path}.{key}")
    except MoneyError as err:
        raise _Bad(err.detail) from None


def _decimal(parent: Mapping[str, Any], key: str, path: str) -> Decimal:
    value = parent.get(key)
    if not isinstance(value, str) or len(value) > 30:
        raise _Bad(f"{path}.{key} must be a decimal as text, got {_kind(value)}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _Bad(f"{path}.{key} is not a number") from None
    if not number.is_finite() or number < 0:
        raise _Bad(f"{path}.{key} must be a finite number >= 0")
    return number


def _age(parent: Mapping[str, Any], path: str) -> str:
    value = parent.get("age")
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Bad(f"{path}.age must be a number, got {_kind(value)}")
    return str(value)


# --- parsers, one per transaction ----------------------------------------------------------


def _platform_key(key: Mapping[str, Any], path: str) -> PlatformKey:
    public = _text(key, "public_key_hex", path, required=True)
    if len(public) != 128 or not all(c in "0123456789abcdefABCDEF" for c in public):
        raise _Bad(f"{path}.public_key_hex must be 128 hex digits")
    return PlatformKey(
        kid=_text(key, "kid", path, required=True),
        public_key_hex=public.lower(),
        not_after=_text(key, "not_after", path),
    )


def _sign_in(out: Mapping[str, Any]) -> SignIn:
    info = _obj(out.get("signinoutb"), "signinoutb")
    return SignIn(
        sign_no=_text(info, "sign_no", "signinoutb", required=True),
        sign_time=_text(info, "sign_time", "signinoutb"),
        platform_keys=_rows(out, "platform_keys", _platform_key, required=False),
        policy_version=_text(out, "policy_version", "output"),
    )


def _voucher(out: Mapping[str, Any]) -> VoucherIdentity:
    data = _obj(out.get("data"), "data")
    return VoucherIdentity(
        id_no=_text(data, "idNo", "data", required=True),
        id_type=_text(data, "idType", "data", required=True),
        user_name=_text(data, "userName", "data", required=True),
        insu_org=_text(data, "insuOrg", "data"),
        ec_token=_text(data, "ecToken", "data", required=True),
    )


def _face(out: Mapping[str, Any]) -> FaceAuthorisation:
    data = _obj(out.get("data"), "data")
    return FaceAuthorisation(
        auth_no=_text(data, "authNo", "data", required=True),
        psn_cert_type=_text(data, "psn_cert_type", "data", required=True),
        certno=_text(data, "certno", "data", required=True),
        mask=_text(data, "mask", "data"),
    )


def _insurance(row: Mapping[str, Any], path: str) -> Insurance:
    return Insurance(
        balc=_money(row, "balc", path),
        insutype=_text(row, "insutype", path, required=True),
        psn_type=_text(row, "psn_type", path, required=True),
        psn_insu_stas=_text(row, "psn_insu_stas", path),
        psn_insu_date=_text(row, "psn_insu_date", path),
        paus_insu_date=_text(row, "paus_insu_date", path),
        cvlserv_flag=_text(row, "cvlserv_flag", path),
        insuplc_admdvs=_insuplc(row, path),
        emp_name=_text(row, "emp_name", path),
    )


def _identity(row: Mapping[str, Any], path: str) -> Identity:
    return Identity(
        psn_idet_type=_text(row, "psn_idet_type", path, required=True),
        psn_type_lv=_text(row, "psn_type_lv", path),
        begntime=_text(row, "begntime", path),
        endtime=_text(row, "endtime", path),
    )


def _mutual_aid_member(row: Mapping[str, Any], path: str) -> MutualAidMember:
    return MutualAidMember(
        psn_no=_text(row, "psn_no", path, required=True),
        psn_name=_text(row, "psn_name", path),
        relation=_text(row, "relation", path),
        acct_balc=_money(row, "acct_balc", path),
    )


def _person(out: Mapping[str, Any]) -> PersonInfo:
    base = _obj(out.get("baseinfo"), "baseinfo")
    return PersonInfo(
        base=PersonBase(
            psn_no=_text(base, "psn_no", "baseinfo", required=True),
            psn_cert_type=_text(base, "psn_cert_type", "baseinfo"),
            certno=_text(base, "certno", "baseinfo", required=True),
            psn_name=_text(base, "psn_name", "baseinfo", required=True),
            gend=_text(base, "gend", "baseinfo"),
            naty=_text(base, "naty", "baseinfo"),
            brdy=_text(base, "brdy", "baseinfo"),
            age=_age(base, "baseinfo"),
        ),
        insurances=_rows(out, "insuinfo", _insurance),
        identities=_rows(out, "idetinfo", _identity, required=False),
        face_ref=_face_ref(out.get("face_ref")),
        mulaid=_rows(out, "mulaid", _mutual_aid_member, required=False),
        policies=_rows(out, "commercial_policies", _held_policy, required=False),
    )


def _held_policy(row: Mapping[str, Any], path: str) -> HeldPolicy:
    return HeldPolicy(
        policy_no=_text(row, "policy_no", path, required=True),
        plan_code=_text(row, "plan_code", path, required=True),
        begndate=_text(row, "begndate", path),
        enddate=_text(row, "enddate", path),
        state=_text(row, "state", path),
    )


def _insuplc(row: Mapping[str, Any], path: str) -> str:
    value = _text(row, "insuplc_admdvs", path, required=True)
    if len(value) != 6 or not value.isdigit():
        raise _Bad(f"{path}.insuplc_admdvs must be 6 digits")
    return value


def _face_ref(value: Any) -> FaceRef | None:
    if value is None:
        return None
    ref = _obj(value, "face_ref")
    encoding = _list(ref, "encoding", "face_ref")
    if len(encoding) != 128 or not all(
        isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
        for x in encoding
    ):
        raise _Bad("face_ref.encoding must be 128 finite numbers")
    return FaceRef(kid=_text(ref, "kid", "face_ref"), encoding=tuple(float(x) for x in encoding))


def _registration(out: Mapping[str, Any]) -> Registration:
    data = _obj(out.get("data"), "data")
    return Registration(
        mdtrt_id=_text(data, "mdtrt_id", "data", required=True),
        psn_no=_text(data, "psn_no", "data", required=True),
        ipt_otp_no=_text(data, "ipt_otp_no", "data"),
    )


def _fee_results(out: Mapping[str, Any]) -> tuple[FeeLineResult, ...]:
    return _rows(out, "result", _fee_result)


def _fee_result(row: Mapping[str, Any], path: str) -> FeeLineResult:
    level = _text(row, "chrgitm_lv", path, required=True)
    if level not in {lv.value for lv in ChargeLevel}:
        raise _Bad(f"{path}.chrgitm_lv {level!r} is not a charge level")
    prop = _decimal(row, "selfpay_prop", path)
    if prop > 1:
        raise _Bad(f"{path}.selfpay_prop must be within 0..1")
    return FeeLineResult(
        feedetl_sn=_text(row, "feedetl_sn", path, required=True),
        det_item_fee_sumamt=_money(row, "det_item_fee_sumamt", path),
        cnt=_decimal(row, "cnt", path),
        pric=_money(row, "pric", path),
        pric_uplmt_amt=_money(row, "pric_uplmt_amt", path, optional=True),
        selfpay_prop=prop,
        fulamt_ownpay_amt=_money(row, "fulamt_ownpay_amt", path),
        overlmt_amt=_money(row, "overlmt_amt", path),
        preselfpay_amt=_money(row, "preselfpay_amt", path),
        inscp_scp_amt=_money(row, "inscp_scp_amt", path),
        chrgitm_lv=ChargeLevel(level),
        med_chrgitm_type=_text(row, "med_chrgitm_type", path),
    )


def _breakdown(out: Mapping[str, Any], *, cancellation: bool = False) -> Breakdown:
    try:
        return Breakdown.from_setlinfo(out.get("setlinfo"), cancellation=cancellation)
    except (BreakdownInvariantError, MoneyError) as err:
        raise _Bad(f"setlinfo: {err.detail}") from None


def _settlement(out: Mapping[str, Any]) -> Settlement:
    details = _rows(out, "setldetail", _fund_payment, required=False)
    return Settlement(breakdown=_breakdown(out), details=details)


def _fund_payment(row: Mapping[str, Any], path: str) -> FundPayment:
    return FundPayment(
        fund_pay_type=_text(row, "fund_pay_type", path, required=True),
        fund_pay_type_name=_text(row, "fund_pay_type_name", path),
        fund_payamt=_money(row, "fund_payamt", path),
    )


def _cancellation(out: Mapping[str, Any]) -> Breakdown:
    return _breakdown(out, cancellation=True)


def _nothing(out: Mapping[str, Any]) -> None:
    return None


def _totals(out: Mapping[str, Any]) -> TotalsReconciliation:
    data = _obj(out.get("data"), "data")
    result = _text(data, "stmt_rslt", "data", required=True)
    if result not in ("0", "1"):
        raise _Bad(f"data.stmt_rslt must be 0 or 1, got {result[:10]!r}")
    return TotalsReconciliation(
        balanced=result == "0", description=_text(data, "stmt_rslt_dscr", "data")
    )


def _detail(out: Mapping[str, Any]) -> DetailReconciliation:
    data = _obj(out.get("data"), "data")

    def ids(key: str) -> tuple[str, ...]:
        values = _list(data, key, "data")
        if not all(isinstance(v, str) and v for v in values):
            raise _Bad(f"data.{key} must be a list of settlement ids")
        return tuple(values)

    return DetailReconciliation(
        platform_only=ids("platform_only"), terminal_only=ids("terminal_only")
    )


@dataclass(frozen=True)
class CommercialClaim:
    """9801/9802/9803 (extension): what the plan pays (9803: gave back) of a settlement.
    `policy_no` is "" when the person holds no plan valid then; `reason` says why it pays
    nothing when it does not."""

    claim_id: str
    policy_no: str
    plan_code: str
    plan_name: str
    covered_amt: Money
    dedc_amt: Money
    pay_amt: Money
    reason: str


@dataclass(frozen=True)
class PlanPurchase:
    """9804 (extension): the policy bought or renewed, and the account balance after."""

    policy_no: str
    plan_code: str
    plan_name: str
    begndate: str
    enddate: str
    premium: Money
    balc: Money


@dataclass(frozen=True)
class PlanOffer:
    """9805 (extension): a plan the person may buy or renew now, with its terms as the
    platform holds them, and the plan year a purchase would cover."""

    plan_code: str
    plan_name: str
    insurer: str
    premium: Money
    deductible: Money
    ratio: Decimal  # what the plan pays of the covered amounts above the deductible
    covers: tuple[str, ...]  # the setlinfo scopes it covers (fulamt_ownpay_amt...)
    annual_cap: Money
    begndate: str
    enddate: str
    renewal: bool  # the person holds this plan now: a purchase renews it


@dataclass(frozen=True)
class PlanOffers:
    offers: tuple[PlanOffer, ...]
    balc: Money  # the personal account, which pays the premium


def _plan_offer(row: Mapping[str, Any], path: str) -> PlanOffer:
    ratio = _decimal(row, "ratio", path)
    if ratio > 1:
        raise _Bad(f"{path}.ratio must be at most 1")
    covers = _list(row, "covers", path)
    if not all(isinstance(c, str) and c for c in covers):
        raise _Bad(f"{path}.covers must be a list of scope names")
    return PlanOffer(
        plan_code=_text(row, "plan_code", path, required=True),
        plan_name=_text(row, "plan_name", path, required=True),
        insurer=_text(row, "insurer", path),
        premium=_money(row, "premium", path),
        deductible=_money(row, "deductible", path),
        ratio=ratio,
        covers=tuple(covers),
        annual_cap=_money(row, "annual_cap", path),
        begndate=_text(row, "begndate", path, required=True),
        enddate=_text(row, "enddate", path, required=True),
        renewal=_text(row, "renewal", path) == "1",
    )


def _plan_offers(out: Mapping[str, Any]) -> PlanOffers:
    return PlanOffers(_rows(out, "plans", _plan_offer), _money(out, "balc", "output"))


def _claim(out: Mapping[str, Any]) -> CommercialClaim:
    info = _obj(out.get("claiminfo"), "claiminfo")
    where = "claiminfo"
    claim = CommercialClaim(
        claim_id=_text(info, "claim_id", where),
        policy_no=_text(info, "policy_no", where),
        plan_code=_text(info, "plan_code", where),
        plan_name=_text(info, "plan_name", where),
        covered_amt=_money(info, "covered_amt", where),
        dedc_amt=_money(info, "dedc_amt", where),
        pay_amt=_money(info, "pay_amt", where),
        reason=_text(info, "reason", where),
    )
    if claim.pay_amt.is_negative() or claim.covered_amt.is_negative():
        raise _Bad("claiminfo amounts must not be negative")
    if claim.pay_amt and not claim.policy_no:
        raise _Bad("claiminfo.pay_amt without a policy_no")
    return claim


def _plan_purchase(out: Mapping[str, Any]) -> PlanPurchase:
    info = _obj(out.get("policy"), "policy")
    return PlanPurchase(
        policy_no=_text(info, "policy_no", "policy", required=True),
        plan_code=_text(info, "plan_code", "policy", required=True),
        plan_name=_text(info, "plan_name", "policy"),
        begndate=_text(info, "begndate", "policy", required=True),
        enddate=_text(info, "enddate", "policy", required=True),
        premium=_money(info, "premium", "policy"),
        balc=_money(out, "balc", "output"),
    )


PARSERS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "9001": _sign_in,
    "1162": _voucher,
    "1191": _face,
    "1101": _person,
    "2201": _registration,
    "2204": _fee_results,
    "2202": _nothing,
    "2205": _nothing,
    "2206": _breakdown,
    "2207": _settlement,
    "2208": _cancellation,
    "2101": _breakdown,
    "2102": _settlement,
    "2103": _cancellation,
    "2601": _nothing,
    "3201": _totals,
    "3202": _detail,
    "9801": _claim,
    "9802": _claim,
    "9803": _claim,
    "9804": _plan_purchase,
    "9805": _plan_offers,
}


def parse_result(response: ParsedResponse) -> Any:
    """The typed result of a successful response (see PARSERS for which type per infno);
    ProtocolError when `output` is malformed."""
    parser = PARSERS.get(response.infno)
    if parser is None:
        raise ProtocolError("no parser for this transaction", infno=response.infno)
    try:
        return parser(response.output)
    except _Bad as err:
        raise ProtocolError(str(err), infno=response.infno, msgid=response.msgid) from None


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__
