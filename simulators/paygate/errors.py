"""The gateway's refusals: one exception type carrying an HTTP status and a stable code.

Every bad request becomes one of these and then a JSON answer; the server never lets a bad
input turn into a 500 or a hang.
"""

from __future__ import annotations


class GatewayRefusal(Exception):
    """A request the gateway answers with a 4xx (or a simulated 5xx) JSON error."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.message}}


def invalid(message: str, code: str = "INVALID_REQUEST") -> GatewayRefusal:
    return GatewayRefusal(400, code, message)


def conflict(code: str, message: str) -> GatewayRefusal:
    return GatewayRefusal(409, code, message)


def not_found(code: str, message: str) -> GatewayRefusal:
    return GatewayRefusal(404, code, message)
