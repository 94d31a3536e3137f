"""信用就医 (credit medical care): the self-pay part becomes a receivable at the gateway, which
the patient settles later; for the terminal it is collected the moment the gateway agrees."""

from __future__ import annotations

from kernel.money import Money
from terminal.payment.channel import GatewayChannel, settled
from terminal.payment.gateway import GatewayClient
from terminal.payment.results import ChannelKind, PaymentResult


class CreditChannel(GatewayChannel):
    kind = ChannelKind.CREDIT

    def __init__(self, client: GatewayClient) -> None:
        # A receivable is granted or refused at once: nothing to poll for.
        super().__init__(client, poll_interval=1.0, pay_timeout=0.0)

    def collect(
        self, order_no: str, amount: Money, payer_ref: str, *, description: str = ""
    ) -> PaymentResult:
        """Create the receivable; `payer_ref` is an opaque reference to the patient (the
        platform's psn_no), never a name or an ID number. Raises PaymentDeclined when the
        patient's credit is refused."""
        order = self.client.create_order(
            order_no, amount, "credit", description=description, payer_ref=payer_ref
        )
        return settled(self._result(order))
