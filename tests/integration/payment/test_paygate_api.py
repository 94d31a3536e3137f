"""The gateway's HTTP API, through the real process: idempotency, money rules, rules engine."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests

from simulators.paygate.testing import PaygateHandle

PAYCODE = "134567890123456789"


def post(gateway: PaygateHandle, path: str, body: Any) -> requests.Response:
    return requests.post(gateway.url + path, json=body, timeout=5)


def create(
    gateway: PaygateHandle, no: str, amount: str = "12.50", **extra: str
) -> requests.Response:
    body = {"out_trade_no": no, "amount": amount, "channel": "qr", **extra}
    return post(gateway, "/pay/orders", body)


def test_same_order_number_and_body_returns_the_same_order(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("T")
    first, again = create(paygate, no), create(paygate, no)
    assert first.status_code == again.status_code == 200
    assert first.json()["trade_no"] == again.json()["trade_no"]
    assert first.json()["state"] == "NOTPAY"


def test_same_order_number_with_another_amount_is_a_conflict(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("T")
    create(paygate, no, "12.50")
    response = create(paygate, no, "12.51")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ORDER_CONFLICT"
    assert paygate.orders()[no]["amount"] == "12.50"


def test_concurrent_creates_with_one_number_make_one_order(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("T")
    answers: list[str] = []
    threads = [
        threading.Thread(target=lambda: answers.append(create(paygate, no).json()["trade_no"]))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 8 and len(set(answers)) == 1


def test_invalid_payment_code_is_refused_before_any_order_exists(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("T")
    body = {"out_trade_no": no, "amount": "1.00", "channel": "paycode", "auth_code": "99" * 9}
    response = post(paygate, "/pay/orders", body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_AUTH_CODE"
    assert no not in paygate.orders()


def test_amount_with_three_decimals_is_refused(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    response = create(paygate, new_no("T"), "1.005")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_AMOUNT"


def test_qr_order_is_paid_only_when_the_patient_pays(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("T")
    order = create(paygate, no).json()
    scanned = requests.get(order["qr_url"], timeout=5).json()
    assert scanned == {"out_trade_no": no, "amount": "12.50", "state": "NOTPAY", "description": ""}
    assert paygate.pay(no)["state"] == "SUCCESS"
    assert requests.get(f"{paygate.url}/pay/orders/{no}", timeout=5).json()["state"] == "SUCCESS"


def test_a_closed_order_cannot_be_paid_and_closing_again_is_harmless(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("T")
    create(paygate, no)
    assert post(paygate, f"/pay/orders/{no}/close", {}).json()["state"] == "CLOSED"
    assert post(paygate, f"/pay/orders/{no}/close", {}).json()["state"] == "CLOSED"
    response = post(paygate, "/pay/_sim/pay", {"out_trade_no": no})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ORDER_CLOSED"


def test_a_paid_order_cannot_be_closed(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("T")
    create(paygate, no)
    paygate.pay(no)
    response = post(paygate, f"/pay/orders/{no}/close", {})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ORDER_PAID"


def test_refunds_never_exceed_the_paid_amount(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("T")
    create(paygate, no, "10.00")
    paygate.pay(no)
    path = f"/pay/orders/{no}/refunds"
    assert post(paygate, path, {"out_refund_no": new_no("R"), "amount": "6.00"}).ok
    refused = post(paygate, path, {"out_refund_no": new_no("R"), "amount": "4.01"})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "REFUND_EXCEEDS"
    assert post(paygate, path, {"out_refund_no": new_no("R"), "amount": "4.00"}).ok
    assert paygate.orders()[no]["refunded"] == "10.00"


def test_refund_replay_is_the_same_refund_and_another_amount_conflicts(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no, refund_no = new_no("T"), new_no("R")
    create(paygate, no, "10.00")
    paygate.pay(no)
    path = f"/pay/orders/{no}/refunds"
    first = post(paygate, path, {"out_refund_no": refund_no, "amount": "3.00"}).json()
    again = post(paygate, path, {"out_refund_no": refund_no, "amount": "3.00"}).json()
    assert first["refund_id"] == again["refund_id"]
    conflict = post(paygate, path, {"out_refund_no": refund_no, "amount": "2.00"})
    assert conflict.json()["error"]["code"] == "REFUND_CONFLICT"
    assert paygate.orders()[no]["refunded"] == "3.00"


def test_an_unpaid_order_cannot_be_refunded(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("T")
    create(paygate, no)
    response = post(
        paygate, f"/pay/orders/{no}/refunds", {"out_refund_no": new_no("R"), "amount": "1.00"}
    )
    assert response.json()["error"]["code"] == "ORDER_NOT_PAID"


def test_error500_rule_answers_500_without_executing(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    no = new_no("T")
    paygate.set_rules({"mode": "error500", "op": "create"})
    assert create(paygate, no).status_code == 500
    assert no not in paygate.orders()
    assert create(paygate, no).status_code == 200


def test_count_rule_fires_exactly_count_times(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    paygate.set_rules({"mode": "decline", "channel": "qr", "count": 2, "reason": "RISK"})
    states = [create(paygate, new_no("T")).json()["state"] for _ in range(3)]
    assert states == ["PAYERROR", "PAYERROR", "NOTPAY"]


def test_probability_rule_fires_some_of_the_time_with_a_seed(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    paygate.set_rules({"mode": "decline", "probability": 0.5}, seed=7)
    states = {create(paygate, new_no("T")).json()["state"] for _ in range(30)}
    assert states == {"PAYERROR", "NOTPAY"}


def test_a_rule_for_another_channel_does_not_fire(
    paygate: PaygateHandle, new_no: Callable[[str], str]
) -> None:
    paygate.set_rules({"mode": "decline", "channel": "credit"})
    assert create(paygate, new_no("T")).json()["state"] == "NOTPAY"


def test_unknown_endpoint_and_wrong_method_answer_json(paygate: PaygateHandle) -> None:
    missing = requests.get(paygate.url + "/pay/nothing", timeout=5)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
    wrong = requests.delete(paygate.url + "/pay/orders", timeout=5)
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_oversized_body_is_refused_with_413(paygate: PaygateHandle) -> None:
    response = requests.post(paygate.url + "/pay/orders", data=b"x" * 70_000, timeout=5)
    assert response.status_code == 413


def test_malformed_request_line_gets_a_json_400(paygate: PaygateHandle) -> None:
    address = urlsplit(paygate.url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")
        chunks = []
        while chunk := sock.recv(4096):  # the server closes after a malformed request
            chunks.append(chunk)
        answer = b"".join(chunks).decode("latin-1")
    head, _, body = answer.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 400")
    assert json.loads(body)["error"]["code"] == "BAD_HTTP"


def test_keep_alive_serves_many_requests_on_one_connection(paygate: PaygateHandle) -> None:
    address = urlsplit(paygate.url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as sock:
        request = b"GET /pay/_sim/health HTTP/1.1\r\nHost: x\r\n\r\n"
        for _ in range(3):
            sock.sendall(request)
            answer = b""
            while not answer.endswith(b'{"ok": true}'):
                chunk = sock.recv(4096)
                assert chunk, "connection closed between keep-alive requests"
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200")
