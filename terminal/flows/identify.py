"""Who is paying: a credential (e-voucher, ID number, card, face) turned into a person."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kernel.errors import MedtermError
from kernel.money import ZERO, Money
from terminal.central import inputs
from terminal.central.client import PlatformClient
from terminal.central.envelope import INF_TIME_FORMAT
from terminal.central.results import MutualAidMember, PersonInfo


class CredentialKind(StrEnum):
    VOUCHER = "voucher"  # e-voucher QR (1162, then 1101 with the ecToken)
    ID_NUMBER = "certno"  # resident ID number (ID card reader, or typed by a cashier)
    CARD = "card"  # social security card number and card_sn
    FACE = "face"  # face authorisation number from 1191


# mdtrt_cert_type of central-api.md by credential
CERT_TYPES = {
    CredentialKind.VOUCHER: "01",
    CredentialKind.ID_NUMBER: "02",
    CredentialKind.CARD: "03",
    CredentialKind.FACE: "90",
}
BUSINESS_TYPES = {"outpatient": "01301", "pharmacy": "02121"}


class NoActiveInsurance(MedtermError):
    code = "E202"
    message_zh = "未查询到有效参保信息"
    message_en = "no insurance record for this person"
    action = "Ask the insurance bureau; the bill can still be paid in full at the cashier."
    action_zh = "请向医保经办机构咨询；本次费用仍可在收费窗口全额自费支付。"


@dataclass(frozen=True)
class Credential:
    """What the person presented; `certno`/`name` when the device read them (card, ID card)."""

    kind: CredentialKind
    value: str = field(repr=False)
    card_sn: str = ""
    certno: str = field(default="", repr=False)
    name: str = field(default="", repr=False)


@dataclass(frozen=True)
class IdentifiedPerson:
    psn_no: str
    certno: str = field(repr=False)
    name: str = field(repr=False)
    insuplc_admdvs: str
    insutype: str
    psn_type: str
    psn_insu_stas: str
    balc: Money
    mdtrt_cert_type: str
    mdtrt_cert_no: str = field(repr=False)
    card_sn: str = ""
    mulaid: tuple[MutualAidMember, ...] = ()
    holds_commercial_plan: bool = False  # 1101 listed a commercial policy covering today
    # 1101's enrolled face encoding, for the kiosk's face check (memory only, never logged)
    face_ref: tuple[float, ...] = field(default=(), repr=False, compare=False)


def identify_online(
    client: PlatformClient, credential: Credential, *, kind: str, now: datetime
) -> IdentifiedPerson:
    """1162 (for an e-voucher) then 1101; raises the client's typed errors."""
    cert_type = CERT_TYPES[credential.kind]
    cert_no, certno, name = credential.value, credential.certno, credential.name
    if credential.kind is CredentialKind.VOUCHER:
        voucher = client.decode_voucher(credential.value, BUSINESS_TYPES[kind])
        cert_no, certno, name = voucher.ec_token, voucher.id_no, voucher.user_name
    elif credential.kind is CredentialKind.ID_NUMBER:
        certno = credential.value
    query = inputs.PersonQuery(
        mdtrt_cert_type=cert_type,
        mdtrt_cert_no=cert_no,
        begntime=now.strftime(INF_TIME_FORMAT),
        card_sn=credential.card_sn,
        certno=certno,
        psn_name=name,
    )
    info = client.query_person(query)
    return person_from_info(info, cert_type, cert_no, credential.card_sn)


def person_from_info(
    info: PersonInfo, cert_type: str, cert_no: str, card_sn: str = ""
) -> IdentifiedPerson:
    """The person as 1101 describes them; the active insurance is preferred."""
    if not info.insurances:
        raise NoActiveInsurance()
    active = [i for i in info.insurances if i.psn_insu_stas == "1"]
    insurance = (active or list(info.insurances))[0]
    return IdentifiedPerson(
        psn_no=info.base.psn_no,
        certno=info.base.certno,
        name=info.base.psn_name,
        insuplc_admdvs=insurance.insuplc_admdvs,
        insutype=insurance.insutype,
        psn_type=insurance.psn_type,
        psn_insu_stas=insurance.psn_insu_stas,
        balc=insurance.balc if insurance.balc is not None else ZERO,
        mdtrt_cert_type=cert_type,
        mdtrt_cert_no=cert_no,
        card_sn=card_sn,
        mulaid=info.mulaid,
        holds_commercial_plan=bool(info.policies),
        face_ref=info.face_ref.encoding if info.face_ref is not None else (),
    )
