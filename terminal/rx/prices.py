"""Drug prices across pharmacies (药价通): the query's grammar, the client and typed answers.

A query is one of (checked here, on both sides: the simulator imports `parse_query`):

- an EAN barcode: 8 or 13 digits, matched exactly;
- pinyin initials: 1-10 letters (digits allowed after the first: 维生素C = WSSC), matched as
  a prefix of the drug name's initials, case-insensitive;
- a name: 1-30 characters with at least one Chinese character, matched anywhere in the name
  (letters, digits, spaces, brackets and · - allowed beside).

Anything else is `PriceQueryInvalid` naming why. The answer lists offers sorted by price
(cheapest first), each with the pharmacy and, when a location was given, the distance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

import requests

from kernel.fees import ChargeLevel
from kernel.money import Money
from terminal.rx.errors import PriceQueryInvalid, PriceServiceError

PATH = "/price/query"
MAX_NAME = 30
MAX_LIMIT = 200
_EAN = re.compile(r"\d{8}|\d{13}")
_INITIALS = re.compile(r"[A-Za-z][A-Za-z0-9]{0,9}")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NAME_CHARS = re.compile(r"[\u3400-\u9fffA-Za-z0-9 ()（）·\-]+")


class QueryKind(StrEnum):
    EAN = "ean"
    INITIALS = "initials"
    NAME = "name"


@dataclass(frozen=True)
class PriceQuery:
    kind: QueryKind
    text: str  # normalised: trimmed; initials upper-case


def parse_query(raw: Any) -> PriceQuery:
    """The query `raw` means, or `PriceQueryInvalid` saying what is wrong with it."""
    if not isinstance(raw, str) or not raw.strip():
        raise PriceQueryInvalid("the query is empty")
    text = raw.strip()
    if len(text) > MAX_NAME:
        raise PriceQueryInvalid(f"longer than {MAX_NAME} characters")
    if text.isdigit():
        if not _EAN.fullmatch(text):
            raise PriceQueryInvalid("a barcode has 8 or 13 digits")
        return PriceQuery(QueryKind.EAN, text)
    if _INITIALS.fullmatch(text):
        return PriceQuery(QueryKind.INITIALS, text.upper())
    if _CJK.search(text) and _NAME_CHARS.fullmatch(text):
        return PriceQuery(QueryKind.NAME, text)
    raise PriceQueryInvalid(
        "use a drug name with Chinese characters, 1-10 pinyin initials, or a barcode"
    )


def check_location(lat: float | None, lon: float | None) -> None:
    """Both or neither, each in range: else `PriceQueryInvalid` naming which."""
    if (lat is None) != (lon is None):
        raise PriceQueryInvalid("give both lat and lon, or neither")
    if lat is not None and not -90 <= lat <= 90:
        raise PriceQueryInvalid("lat must be -90..90")
    if lon is not None and not -180 <= lon <= 180:
        raise PriceQueryInvalid("lon must be -180..180")


@dataclass(frozen=True)
class Offer:
    med_list_codg: str
    name: str
    spec: str
    ean: str
    chrgitm_lv: ChargeLevel  # the insurance class: A, B or C (fully self-paid)
    fixmedins_code: str
    fixmedins_name: str
    price: Money
    distance_km: Decimal | None


@dataclass(frozen=True)
class PriceAnswer:
    query: PriceQuery
    drugs: int  # drugs matched (at most the service's limit)
    offers_total: int  # offers of those drugs, of which `offers` are the cheapest
    offers: tuple[Offer, ...]


class PriceClient:
    def __init__(
        self,
        base_url: str,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (3.0, 10.0),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session or requests.Session()
        self._timeout = timeout

    def close(self) -> None:
        self._session.close()

    def query(
        self, text: str, *, lat: float | None = None, lon: float | None = None, limit: int = 50
    ) -> PriceAnswer:
        query = parse_query(text)
        check_location(lat, lon)
        if not 1 <= limit <= MAX_LIMIT:
            raise PriceQueryInvalid(f"limit must be 1..{MAX_LIMIT}")
        params: dict[str, Any] = {"q": query.text, "limit": limit}
        if lat is not None:
            params.update(lat=lat, lon=lon)
        try:
            response = self._session.get(self.base_url + PATH, params=params, timeout=self._timeout)
            body = response.json()
        except (requests.RequestException, ValueError) as err:
            raise PriceServiceError(f"{PATH}: {type(err).__name__}") from None
        if not isinstance(body, dict) or body.get("ok") is not True:
            message = body.get("error") if isinstance(body, dict) else None
            raise PriceServiceError(f"HTTP {response.status_code} {message or ''}".strip())
        try:
            offers = tuple(_offer(o) for o in body["offers"])
            return PriceAnswer(query, int(body["drugs"]), int(body["offers_total"]), offers)
        except (KeyError, TypeError, ValueError) as err:
            raise PriceServiceError(f"malformed answer: {type(err).__name__} {err}") from None


def _offer(raw: Any) -> Offer:
    distance = raw.get("distance_km")
    return Offer(
        med_list_codg=str(raw["med_list_codg"]),
        name=str(raw["name"]),
        spec=str(raw["spec"]),
        ean=str(raw["ean"]),
        chrgitm_lv=ChargeLevel(str(raw["chrgitm_lv"])),
        fixmedins_code=str(raw["fixmedins_code"]),
        fixmedins_name=str(raw["fixmedins_name"]),
        price=Money.parse(raw["price"]),
        distance_km=None if distance is None else Decimal(str(distance)),
    )
