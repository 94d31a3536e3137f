"""The composition root: one place that builds the terminal's object graph from its
configuration, for the command line today and the screens later. No module reaches for a
global; everything it needs is handed to it here.

Ownership rules (docs/composition-root.md):

- `Terminal` builds every part it hands out (the journal, the platform and gateway clients,
  the payment channels, the checkout saga, the devices of `[devices]`, the face service of
  `[face]`, the forwarder it runs) and closes what it built; nobody else closes them.
- Every part is built on first use, so a command pays only for what it touches (`queue
  status` opens no camera and loads no face models). `Terminal.open(devices=True, face=True,
  forwarder=True)` builds those at start instead, so a kiosk fails at start and not in front of
  a patient, and starts the forwarder in the background.
- `close()` (or leaving a `with` block) closes the parts in the reverse order they were built
  (the forwarder stops before the client and the journal it uses close); a part that fails to
  close does not keep the others open: every close runs, then the failure is raised.
- The journal is opened in one place, `open_store`, so the rule of who may create one is in
  one place too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import ExitStack
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drivers.base import Device
from kernel.errors import ConfigError
from kernel.fees import CatalogueItem, ChargeLevel
from kernel.money import Money
from offline_store.datadir import journal_path, key_path_of, open_journal_files
from offline_store.forwarder import Forwarder
from offline_store.journal import Journal
from terminal import sm2
from terminal.central.client import PlatformClient
from terminal.central.msgid import MsgidAllocator
from terminal.config import InstitutionKind, TerminalConfig
from terminal.flows.checkout import CheckoutSaga
from terminal.flows.dispense import Dispensary
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
from terminal.payment.offset import OffsetChannel
from terminal.policy.rules import PolicyBook
from terminal.rx.client import RxClient

if TYPE_CHECKING:  # the face stack (numpy, OpenCV, dlib) is imported only when it is built
    from drivers.face.session import FaceService


def open_store(db: Path, key: Path, *, create: bool = False) -> Journal:
    """The journal file `db` with its field-encryption key `key`: the one place the terminal
    and its commands open a journal (`store_files` gives a data directory's two files). Only
    what takes payments creates one (`create=True`); every other command opens an existing
    journal or fails naming the path (offline_store.datadir)."""
    return open_journal_files(db, key, create=create)


def store_files(data_dir: Path) -> tuple[Path, Path]:
    """The journal and key files of a data directory (offline_store.datadir's layout)."""
    return journal_path(data_dir), key_path_of(data_dir)


class Terminal:
    """Everything one terminal runs on, each part built once on first use and closed by
    `close()` (module docstring: the ownership rules)."""

    def __init__(
        self,
        config: TerminalConfig,
        *,
        his_url: str | None = None,
        catalogue: Mapping[str, CatalogueItem] | None = None,
        policies: PolicyBook | None = None,
        create_journal: bool = False,
    ) -> None:
        self.config = config
        self._create_journal = create_journal
        self._his_url = his_url
        self._catalogue = catalogue or {}
        self._policies = policies
        self._owned = ExitStack()
        self.running_forwarder: Forwarder | None = None

    @classmethod
    def open(
        cls,
        config: TerminalConfig,
        *,
        his_url: str | None = None,
        catalogue: Mapping[str, CatalogueItem] | None = None,
        policies: PolicyBook | None = None,
        devices: bool = False,
        face: bool = False,
        forwarder: bool = False,
        create_journal: bool = True,
    ) -> Terminal:
        """A terminal; `devices`, `face` and `forwarder` build those now (and start the
        forwarder) rather than on first use. If one fails, what was built is closed again.
        It checks first that SM2 signatures work here (`SM2LibraryMissing`, E112, says what
        to install). It takes payments, so it creates its journal in `store.data_dir` unless
        `create_journal=False` (a `--data-dir` of the command line without
        `--create-journal`: docs/cli.md)."""
        sm2.ensure_available()  # E112 now, not at the first signed request or e-voucher
        terminal = cls(
            config,
            his_url=his_url,
            catalogue=catalogue,
            policies=policies,
            create_journal=create_journal,
        )
        try:
            if devices:
                terminal.devices  # noqa: B018 (built for its effect)
            if face:
                terminal.face  # noqa: B018
            if forwarder:
                terminal.start_forwarder()
        except BaseException:
            terminal.close()
            raise
        return terminal

    # -- the parts, each built on first use and closed by close() -----------------------------

    @cached_property
    def journal(self) -> Journal:
        journal = open_store(
            *store_files(self.config.store.data_dir), create=self._create_journal
        )
        self._owned.callback(journal.close)
        return journal

    @cached_property
    def allocator(self) -> MsgidAllocator:
        return msgid_allocator(self.config, self.journal)

    @cached_property
    def client(self) -> PlatformClient:
        client = PlatformClient(self.config, self.allocator, sign_in_watch=self.selling)
        self._owned.callback(client.close)
        return client

    @cached_property
    def selling(self) -> SellingGuard:
        """Whether this terminal may sell: stopped while the platform refuses its sign-in."""
        return SellingGuard(self.journal)

    def ensure_selling(self) -> None:
        """Before a sale: `SellingStopped` (with the platform's reason) while the platform
        refuses this terminal's sign-in (terminal/flows/selling.py)."""
        self.selling.ensure_selling(self.client)

    @cached_property
    def gateway(self) -> GatewayClient:
        payment = self.config.payment
        if payment.gateway_url is None:
            raise ConfigError("payment.gateway_url is required to collect the self-pay part")
        gateway = GatewayClient(
            payment.gateway_url,
            connect_timeout=payment.connect_timeout,
            read_timeout=payment.read_timeout,
        )
        self._owned.callback(gateway.close)
        return gateway

    @cached_property
    def channels(self) -> Mapping[str, PaymentChannel]:
        payment = self.config.payment
        return {
            "cash": CashChannel(),
            "paycode": PaymentCodeChannel(
                self.gateway,
                poll_interval=payment.paycode_poll_interval,
                pay_timeout=payment.paycode_timeout,
            ),
            "qr": QrChannel(
                self.gateway,
                poll_interval=payment.qr_poll_interval,
                pay_timeout=payment.qr_timeout,
            ),
            "credit": CreditChannel(self.gateway),
            "offset": OffsetChannel(self.journal),
        }

    @cached_property
    def hooks(self) -> OfflineChainHooks:
        return OfflineChainHooks(self.journal)

    @cached_property
    def saga(self) -> CheckoutSaga:
        return CheckoutSaga(
            config=self.config,
            journal=self.journal,
            client=self.client,
            allocator=self.allocator,
            channels=self.channels,
            policies=self._policies or PolicyBook.load_dir(),
            catalogue=self._catalogue,
            his=None if self._his_url is None else HisClient(self._his_url),
            institution_level=self.config.terminal.institution_level.value,
        )

    @cached_property
    def devices(self) -> Mapping[str, Device]:
        """The devices of `[devices]`, by name, built but not started (the screens and `diag`
        start them, and a device that is not there must not stop the terminal)."""
        built: dict[str, Device] = {}
        for name, entry in self.config.devices.items():
            device = entry.build()
            self._owned.callback(device.close)
            built[name] = device
        return built

    @cached_property
    def face(self) -> FaceService:
        """The face service with the `[face]` settings; its models start loading now, in the
        background, so the first check does not wait for them."""
        from drivers.face.engine import FaceEngine
        from drivers.face.models import FaceModels
        from drivers.face.session import FaceService

        service = FaceService(FaceEngine(FaceModels(), self.config.face))
        self._owned.callback(service.close)
        return service

    @cached_property
    def rx(self) -> RxClient | None:
        """A pharmacy's client of the prescription centre, when its keys are configured."""
        config = self.config
        pharmacy = config.terminal.institution_kind is InstitutionKind.PHARMACY
        keys = config.platform.private_key_hex and config.platform.platform_public_keys
        if not (pharmacy and keys):
            return None
        rx = RxClient.from_config(config)
        self._owned.callback(rx.close)
        return rx

    def forwarder(self, **tuning: Any) -> Forwarder:
        """A new forwarder on this terminal's journal, for the caller to `drain()`; `tuning`
        as `build_forwarder`'s."""
        return build_forwarder(
            self.config,
            self.journal,
            self.client,
            self.hooks,
            new_msgid=self.allocator.next,
            rx=self.rx,
            **tuning,
        )

    def start_forwarder(self, **tuning: Any) -> Forwarder:
        """Forward in the background until `close()` (once: a second call returns the same)."""
        if self.running_forwarder is None:
            forwarder = self.forwarder(**tuning)
            forwarder.start()
            self._owned.callback(forwarder.stop)
            self.running_forwarder = forwarder
        return self.running_forwarder

    # -- life cycle ----------------------------------------------------------------------------

    def recover(self) -> RecoveryReport:
        """Finish what a crash left: the checkouts, then a pharmacy's dispensing reports."""
        report = recover(self.saga, self.hooks)
        if self.rx is not None:
            reported = Dispensary(self.saga, self.rx).resume_reports()
            if reported:
                report.actions["dispensing reported or queued"] = reported
        return report

    def close(self) -> None:
        """Close every part built, newest first. All of them run even if some raise; then the
        last failure is raised, the earlier ones chained to it as its context."""
        self._owned.close()

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
