"""Typed records of the prescription centre: a prescription as signed, its state, a review, a
dispensing. Parsed from the centre's camelCase answers; a field that is not what it must be
is `RxEnvelopeError` (the centre's answer is wrong), never a silent default.

What the pharmacy trusts is the *signed* prescription: `rxSignedValue` (the base64 of the
canonical JSON the centre signed at upload, "originalValue" in the national interface) with
`signDigest`. The drugs, quantities and dates are read from the signed value after the
signature verified; only the state (valid, revoked, reserved, dispensed) comes from the answer.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from kernel.errors import MoneyError
from kernel.money import Money
from terminal import sm2
from terminal.rx.errors import (
    RxEnvelopeError,
    RxNotDispensable,
    RxReviewInvalid,
    RxSignatureInvalid,
)

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class RxStatus(StrEnum):
    """`rxStasCodg`: the prescription's own state."""

    VALID = "1"
    REVOKED = "2"
    EXPIRED = "3"


class RxUse(StrEnum):
    """`rxUsedStasCodg`: how far it was used."""

    UNUSED = "0"
    RESERVED = "1"  # a pharmacist accepted it at one pharmacy
    DISPENSED = "2"


class RejectReason(StrEnum):
    """Why a pharmacist rejects (`rxChkOpnn` carries the code and its text): a fixed list, so
    the audit log records a code and never free text that might name the patient."""

    DOSAGE = "dosage"  # 剂量不适宜
    INTERACTION = "interaction"  # 配伍禁忌
    ALLERGY = "allergy"  # 过敏风险
    OUT_OF_STOCK = "out_of_stock"  # 药品缺货
    INCOMPLETE = "incomplete"  # 处方信息不全
    OTHER = "other"  # 其他


REASON_TEXT = {
    RejectReason.DOSAGE: "剂量不适宜",
    RejectReason.INTERACTION: "配伍禁忌",
    RejectReason.ALLERGY: "过敏风险",
    RejectReason.OUT_OF_STOCK: "药品缺货",
    RejectReason.INCOMPLETE: "处方信息不全",
    RejectReason.OTHER: "其他",
}


@dataclass(frozen=True)
class RxDrug:
    med_list_codg: str
    name: str  # drugGenname
    spec: str
    unit: str  # drugDosunt
    cnt: Decimal  # drugCnt: the most that may be dispensed
    pric: Money  # drugPric at the hospital, for reference
    days: int  # medcDays
    usage: str  # usedFrquName and sinDoscnt sinDosunt, as the doctor wrote them


@dataclass(frozen=True)
class Prescription:
    hi_rxno: str
    hosp_rxno: str
    fixmedins_code: str
    fixmedins_name: str
    dept_name: str
    dr_code: str
    dr_name: str
    diag_code: str
    diag_name: str
    prsc_time: datetime
    vali_days: int
    vali_end_time: datetime
    certno: str
    patn_name: str
    drugs: tuple[RxDrug, ...]
    status: RxStatus
    use: RxUse
    reserved_by: str  # the pharmacy holding it, when reserved or dispensed

    def drug(self, med_list_codg: str) -> RxDrug:
        for drug in self.drugs:
            if drug.med_list_codg == med_list_codg:
                return drug
        raise RxNotDispensable(f"{med_list_codg[:30]} is not on prescription {self.hi_rxno}")

    def check_dispensable(
        self, now: datetime, pharmacy: str, lines: Iterable[tuple[str, Decimal]]
    ) -> None:
        """Refuse, before anything is sent, what the centre would refuse: the reason named."""
        if self.status is RxStatus.REVOKED:
            raise RxNotDispensable(f"{self.hi_rxno} was revoked by the hospital")
        if self.status is RxStatus.EXPIRED or now > self.vali_end_time:
            raise RxNotDispensable(f"{self.hi_rxno} expired at {self.vali_end_time:%Y-%m-%d %H:%M}")
        if self.use is RxUse.DISPENSED:
            raise RxNotDispensable(f"{self.hi_rxno} was already dispensed")
        if self.use is RxUse.RESERVED and self.reserved_by != pharmacy:
            raise RxNotDispensable(f"{self.hi_rxno} is being dispensed at another pharmacy")
        for code, cnt in lines:
            drug = self.drug(code)
            if cnt > drug.cnt:
                raise RxNotDispensable(
                    f"{code}: {cnt} {drug.unit} is more than the {drug.cnt} prescribed"
                )


@dataclass(frozen=True)
class RxSummary:
    """One line of a person's prescription list."""

    hi_rxno: str
    fixmedins_name: str
    dr_name: str
    prsc_time: str
    vali_end_time: str
    status: RxStatus
    use: RxUse
    drug_names: tuple[str, ...]


@dataclass(frozen=True)
class Review:
    """The pharmacist's decision on one prescription."""

    phar_code: str
    phar_name: str
    accepted: bool
    reason: RejectReason | None = None

    def __post_init__(self) -> None:
        if not self.phar_code.strip():
            raise RxReviewInvalid("the pharmacist's code is required")
        if not self.accepted and self.reason is None:
            raise RxReviewInvalid("a rejection needs a reason")
        if self.accepted and self.reason is not None:
            raise RxReviewInvalid("an accepted prescription has no rejection reason")

    @property
    def status_code(self) -> str:
        """`rxChkStasCodg`: 1 accepted, 2 rejected."""
        return "1" if self.accepted else "2"

    @property
    def opinion(self) -> str:
        """`rxChkOpnn`: "通过", or the reason's code and text."""
        if self.reason is None:
            return "通过"
        return f"{self.reason.value}:{REASON_TEXT[self.reason]}"


@dataclass(frozen=True)
class ReviewResult:
    hi_rxno: str
    phar_code: str
    accepted: bool
    opinion: str
    time: str


@dataclass(frozen=True)
class DispensedLine:
    med_list_codg: str
    name: str
    cnt: Decimal
    trac_codes: tuple[str, ...]

    def to_wire(self) -> dict[str, Any]:
        return {
            "medListCodg": self.med_list_codg,
            "drugGenname": self.name,
            "cnt": str(self.cnt),
            "drugTracCodg": list(self.trac_codes),
        }


@dataclass(frozen=True)
class DispensingResult:
    """`rxSetlInfoQuery`/`rxSetlInfoUpld`: where and when it was dispensed, and what."""

    hi_rxno: str
    fixmedins_code: str
    setl_id: str
    setl_time: str
    lines: tuple[DispensedLine, ...]


# -- parsing -------------------------------------------------------------------------------


def prescription(raw: Any, trusted_keys: Sequence[str]) -> Prescription:
    """The view answer as a `Prescription`, its signed value checked first."""
    body = _mapping(raw, "prescription")
    signed_b64, digest_b64 = _text(body, "rxSignedValue"), _text(body, "signDigest")
    try:
        signed_bytes = base64.b64decode(signed_b64, validate=True)
        signature = base64.b64decode(digest_b64, validate=True)
    except (binascii.Error, ValueError):
        raise RxSignatureInvalid("rxSignedValue or signDigest is not base64") from None
    if not any(sm2.verify(key, signed_bytes, signature) for key in trusted_keys):
        raise RxSignatureInvalid(f"prescription {str(body.get('hiRxno', ''))[:30]}")
    try:
        signed = json.loads(signed_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RxSignatureInvalid("the signed value is not JSON") from None
    signed = _mapping(signed, "rxSignedValue")
    if signed.get("hiRxno") != body.get("hiRxno"):
        raise RxSignatureInvalid("the signed value is of another prescription")
    info = _mapping(signed.get("mdtrtinfo"), "mdtrtinfo")
    try:
        drugs = tuple(_drug(d) for d in _list(signed, "rxdrugdetail"))
        return Prescription(
            hi_rxno=_text(signed, "hiRxno"),
            hosp_rxno=_text(signed, "hospRxno"),
            fixmedins_code=_text(info, "fixmedinsCode"),
            fixmedins_name=_text(info, "fixmedinsName"),
            dept_name=_text(info, "prscDeptName"),
            dr_code=_text(info, "drCode"),
            dr_name=_text(info, "prscDrName"),
            diag_code=_text(info, "maindiagCode"),
            diag_name=_text(info, "maindiagName"),
            prsc_time=_time(signed, "prscTime"),
            vali_days=int(_text(signed, "valiDays")),
            vali_end_time=_time(signed, "valiEndTime"),
            certno=_text(info, "certno"),
            patn_name=_text(info, "patnName"),
            drugs=drugs,
            status=RxStatus(_text(body, "rxStasCodg")),
            use=RxUse(_text(body, "rxUsedStasCodg")),
            reserved_by=str(body.get("rsvFixmedinsCode", "")),
        )
    except ValueError as err:
        if isinstance(err, RxEnvelopeError):
            raise
        raise RxEnvelopeError(f"prescription field: {err}") from None


def summaries(raw: Any) -> list[RxSummary]:
    body = _mapping(raw, "answer")
    out = []
    for item in _list(body, "rxList"):
        entry = _mapping(item, "rxList[]")
        try:
            out.append(
                RxSummary(
                    hi_rxno=_text(entry, "hiRxno"),
                    fixmedins_name=_text(entry, "fixmedinsName"),
                    dr_name=_text(entry, "prscDrName"),
                    prsc_time=_text(entry, "prscTime"),
                    vali_end_time=_text(entry, "valiEndTime"),
                    status=RxStatus(_text(entry, "rxStasCodg")),
                    use=RxUse(_text(entry, "rxUsedStasCodg")),
                    drug_names=tuple(str(n) for n in _list(entry, "drugNames")),
                )
            )
        except ValueError as err:
            if isinstance(err, RxEnvelopeError):
                raise
            raise RxEnvelopeError(f"rxList: {err}") from None
    return out


def review_result(raw: Any) -> ReviewResult:
    body = _mapping(raw, "answer")
    return ReviewResult(
        hi_rxno=_text(body, "hiRxno"),
        phar_code=_text(body, "pharCode"),
        accepted=_text(body, "rxChkStasCodg") == "1",
        opinion=_text(body, "rxChkOpnn"),
        time=_text(body, "rxChkTime"),
    )


def dispensing_result(raw: Any) -> DispensingResult:
    body = _mapping(raw, "answer")
    lines = []
    for item in _list(body, "seltdelts"):
        line = _mapping(item, "seltdelts[]")
        lines.append(
            DispensedLine(
                med_list_codg=_text(line, "medListCodg"),
                name=str(line.get("drugGenname", "")),
                cnt=_decimal(line, "cnt"),
                trac_codes=tuple(str(c) for c in line.get("drugTracCodg", ())),
            )
        )
    return DispensingResult(
        hi_rxno=_text(body, "hiRxno"),
        fixmedins_code=_text(body, "fixmedinsCode"),
        setl_id=_text(body, "setlId"),
        setl_time=_text(body, "setlTime"),
        lines=tuple(lines),
    )


def _drug(raw: Any) -> RxDrug:
    drug = _mapping(raw, "rxdrugdetail[]")
    try:
        pric = Money.parse(_text(drug, "drugPric"), field="drugPric")
    except MoneyError as err:
        raise RxEnvelopeError(f"drugPric: {err.detail}") from None
    usage = " ".join(
        part
        for part in (
            str(drug.get("usedFrquName", "")),
            f"{drug.get('sinDoscnt', '')}{drug.get('sinDosunt', '')}",
        )
        if part
    )
    return RxDrug(
        med_list_codg=_text(drug, "medListCodg"),
        name=_text(drug, "drugGenname"),
        spec=str(drug.get("drugSpec", "")),
        unit=str(drug.get("drugDosunt", "")),
        cnt=_decimal(drug, "drugCnt"),
        pric=pric,
        days=int(_text(drug, "medcDays")),
        usage=usage,
    )


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise RxEnvelopeError(f"{what} is not an object")
    return value


def _list(body: Mapping[str, Any], name: str) -> list[Any]:
    value = body.get(name)
    if not isinstance(value, list):
        raise RxEnvelopeError(f"{name} is not a list")
    return value


def _text(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RxEnvelopeError(f"{name} is missing")
    return str(value)


def _decimal(body: Mapping[str, Any], name: str) -> Decimal:
    try:
        value = Decimal(_text(body, name))
    except InvalidOperation:
        raise RxEnvelopeError(f"{name} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise RxEnvelopeError(f"{name} must be positive")
    return value


def _time(body: Mapping[str, Any], name: str) -> datetime:
    try:
        return datetime.strptime(_text(body, name), TIME_FORMAT)
    except ValueError:
        raise RxEnvelopeError(f"{name} is not yyyy-MM-dd HH:mm:ss") from None
