"""Where each transaction is posted: one path per `infno` under the platform's base URL.

This table is part of the wire contract (docs/platform-wire.md): the client posts to it and the
simulator checks a request's path against its `infno`. The simulator also accepts every
transaction on `CALL_SERVICE_PATH`.
"""

from __future__ import annotations

CALL_SERVICE_PATH = "/fsi/api/rsfComIfsService/callService"

TRANSACTION_PATHS: dict[str, str] = {
    "9001": "/fsi/api/signInSignOutService/signIn",
    "1162": "/fsi/api/ecQrCodeService/decodeEcQrCode",
    "1191": "/fsi/api/faceAuthService/authorize",
    "1101": "/fsi/api/fsiPsnInfoService/queryPsnInfo",
    "2201": "/fsi/api/outpatientDocInfoService/outpatientRregistration",
    "2202": "/fsi/api/outpatientDocInfoService/outpatientRregistrationCancel",
    "2204": "/fsi/api/outpatientDocInfoService/outpatientFeeListUp",
    "2205": "/fsi/api/outpatientDocInfoService/outpatientFeeListUpCancel",
    "2206": "/fsi/api/outpatientSettleService/preSettletment",
    "2207": "/fsi/api/outpatientSettleService/saveSettletment",
    "2208": "/fsi/api/outpatientSettleService/cancleSettletment",
    "2101": "/fsi/api/pharmacyService/preSettle",
    "2102": "/fsi/api/pharmacyService/settle",
    "2103": "/fsi/api/pharmacyService/cancelSettle",
    "2601": "/fsi/api/reverseService/revsMethod",
    "3201": "/fsi/api/ybSettlementStmtService/stmtTotal",
    "3202": "/fsi/api/ybSettlementStmtService/stmtDetail",
    # project extension: the commercial plan settled alongside (docs/platform-wire.md)
    "9801": "/fsi/api/commInsuService/preClaim",
    "9802": "/fsi/api/commInsuService/claim",
    "9803": "/fsi/api/commInsuService/cancelClaim",
    "9804": "/fsi/api/commInsuService/buyPlan",
    "9805": "/fsi/api/commInsuService/planOffers",
}
