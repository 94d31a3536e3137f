"""The composition root: one place that builds the terminal's object graph from its
configuration, for the command line today and the screens later. No module reaches for a
global; everything it needs is handed to it here."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from kernel.errors import ConfigError
from kernel.fees import CatalogueItem, ChargeLevel
from kernel.money import Money
from offline_store.datadir import open_journal
from offline_store.forwarder import Forwarder
from offline_store.journal import Journal
from terminal.central.client import PlatformClient
from terminal.central.msgid import MsgidAllocator
from terminal.config import InstitutionKind, TerminalConfig
from terminal.flows.checkout import CheckoutSaga
from terminal.flows.forwarding import build_forwarder, msgid_allocator
from terminal.flows.offline_chain import OfflineChainHooks
from terminal.flows.recovery import RecoveryReport, recover
from terminal.flows.selling import SellingGuard
from terminal.his import HisClient
from terminal.payment import (
    CashChannel,
    CreditChannel,
    GatewayClient,
    PaymentChannel,
    PaymentCodeChannel,
    QrChannel,
)
from terminal.policy.rules import PolicyBook


@dataclass
class Terminal:
    """Everything one terminal runs on, built once; `close()` releases files and sockets."""

    config: TerminalConfig
    journal: Journal
    client: PlatformClient
    allocator: MsgidAllocator
    gateway: GatewayClient
    channels: Mapping[str, PaymentChannel]
    saga: CheckoutSaga
    hooks: OfflineChainHooks
    selling: SellingGuard

    @classmethod
    def open(
        cls,
        config: TerminalConfig,
        *,
        gateway_url: str,
        his_url: str | None = None,
        catalogue: Mapping[str, CatalogueItem] | None = None,
        policies: PolicyBook | None = None,
    ) -> Terminal:
        journal = open_journal(config.store.data_dir)
        allocator = msgid_allocator(config, journal)
        selling = SellingGuard(journal)
        client = PlatformClient(config, allocator, sign_in_watch=selling)
        gateway = GatewayClient(
            gateway_url,
            connect_timeout=config.platform.connect_timeout,
            read_timeout=config.platform.read_timeout,
        )
        channels: dict[str, PaymentChannel] = {
            "cash": CashChannel(),
            "paycode": PaymentCodeChannel(gateway, poll_interval=0.2, pay_timeout=30.0),
            "qr": QrChannel(gateway, poll_interval=0.5, pay_timeout=120.0),
            "credit": CreditChannel(gateway),
        }
        hooks = OfflineChainHooks(journal)
        pharmacy = config.terminal.institution_kind is InstitutionKind.PHARMACY
        saga = CheckoutSaga(
            config=config,
            journal=journal,
            client=client,
            allocator=allocator,
            channels=channels,
            policies=policies or PolicyBook.load_dir(),
            catalogue=catalogue or {},
            his=None if his_url is None else HisClient(his_url),
            institution_level="pharmacy" if pharmacy else "2",
        )
        return cls(config, journal, client, allocator, gateway, channels, saga, hooks, selling)

    def ensure_selling(self) -> None:
        """Before a sale: `SellingStopped` (with the platform's reason) while the platform
        refuses this terminal's sign-in (terminal/flows/selling.py)."""
        self.selling.ensure_selling(self.client)

    def recover(self) -> RecoveryReport:
        return recover(self.saga, self.hooks)

    def forwarder(self, **tuning: Any) -> Forwarder:
        return build_forwarder(
            self.config,
            self.journal,
            self.client,
            self.hooks,
            new_msgid=self.allocator.next,
            **tuning,
        )

    def close(self) -> None:
        self.client.close()
        self.gateway.close()
        self.journal.close()


def load_catalogue(path: Path) -> dict[str, CatalogueItem]:
    """A catalogue file (a list of entries, or a world file's `catalogue`), used only to
    estimate offline; online the platform's answer is authoritative."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ConfigError(f"catalogue {path}: {err}") from None
    entries = data.get("catalogue", []) if isinstance(data, dict) else data
    catalogue: dict[str, CatalogueItem] = {}
    try:
        for entry in entries:
            limit = entry.get("pric_uplmt_amt")
            item = CatalogueItem(
                med_list_codg=str(entry["med_list_codg"]),
                name=str(entry.get("name", "")),
                chrgitm_lv=ChargeLevel(str(entry["chrgitm_lv"])),
                selfpay_prop=Decimal(str(entry.get("selfpay_prop", "0"))),
                pric_uplmt_amt=None if limit in (None, "") else Money.parse(limit),
                ean=str(entry.get("ean", "")),
            )
            catalogue[item.med_list_codg] = item
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ConfigError(f"catalogue {path}: bad entry ({type(err).__name__}: {err})") from None
    return catalogue
