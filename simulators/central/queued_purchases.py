"""Queued offline purchases against the platform simulator, for the forwarder's tests and the
drain benchmark (here rather than in tests/, so the benchmarks import nothing from tests/).

A pharmacy purchase queues two placeholder-free requests per transaction, as an offline
purchase does: 1101 (who) then 2102 (the settlement). The 2102 body's scope amounts come from
a 2101 preview made once per bill (the split of a bill does not depend on the person's state).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kernel.breakdown import Breakdown
from kernel.records import PersonIdentity
from kernel.states import PaymentStatus, TxKind
from offline_store.datadir import open_journal
from offline_store.journal import Journal
from offline_store.outbox import Claim
from simulators.central.testing import PHARMACY, Patient, PlatformClient, medfee, pharmacy_input
from terminal.central import inputs
from terminal.central.client import PlatformClient as TerminalClient
from terminal.config import TerminalConfig
from terminal.flows.forwarding import msgid_allocator

# people of the default world insured in the treating region, insurance active
PEOPLE: tuple[tuple[str, str, str], ...] = (
    ("44030000000000000001", "440300198503121010", "310"),
    ("44030000000000000003", "440300195011231033", "310"),
    ("44030000000000000004", "440300195202141049", "310"),
    ("44030000000000000007", "44030019791201107X", "310"),
    ("44030000000000000013", "440300195803031136", "310"),
    ("44030000000000000014", "440300197512121149", "310"),
    ("44030000000000000017", "440300196204041177", "310"),
    ("44030000000000000019", "440300194607071195", "310"),
    ("44030000000000000016", "440300199109091161", "310"),
    ("44030000000000000008", "440300199504171081", "310"),
    ("44030000000000000002", "440300199007081026", "390"),
    ("44030000000000000015", "440300198702021151", "390"),
)
BILL = (("D0001", "12.50", "2"), ("D0005", "30.00", "1"))
SCOPE = ("medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt")


def pharmacy_config(
    base_url: str, data_dir: Path, *, slot: int = 1, **platform: Any
) -> TerminalConfig:
    """A pharmacy terminal of the default world talking to the simulator (signtype NONE);
    terminals sharing one simulator need different `slot`s (their msgids must differ)."""
    return TerminalConfig.from_mapping(
        {
            "terminal": {
                "fixmedins_code": PHARMACY,
                "fixmedins_name": "深圳市模拟康民大药房",
                "region": "440300",
                "terminal_id": "T1",
                "slot": slot,
                "opter_type": "1",
                "opter": "C01",
                "opter_name": "收银员",
                "recer_sys_code": "FSI",
                "institution_kind": "pharmacy",
            },
            "platform": {"base_url": base_url, "signtype": "NONE", "read_timeout": 3.0, **platform},
            "store": {"data_dir": str(data_dir)},
        }
    )


@dataclass
class QueuingTerminal:
    """One pharmacy terminal's journal and platform client (both real), reduced to queueing
    offline purchases for a forwarder (the application's own `terminal.app.Terminal` runs the
    whole checkout)."""

    config: TerminalConfig
    journal: Journal
    client: TerminalClient
    scope: dict[str, str]
    estimate: Breakdown

    @classmethod
    def open(
        cls, sim_url: str, data_dir: Path, *, slot: int = 1, **platform: Any
    ) -> QueuingTerminal:
        config = pharmacy_config(sim_url, data_dir, slot=slot, **platform)
        journal = open_journal(data_dir, create=True)
        client = TerminalClient(config, msgid_allocator(config, journal))
        preview = PlatformClient(sim_url, fixmedins_code=PHARMACY).call(
            "2101",
            pharmacy_input(Patient(PEOPLE[0][0], PEOPLE[0][2]), BILL, medfee(BILL)),
            insuplc="440300",
        )
        if preview["infcode"] != 0:
            raise AssertionError(preview["err_msg"])
        setlinfo = preview["output"]["setlinfo"]
        scope = {name: setlinfo[name] for name in SCOPE}
        return cls(config, journal, client, scope, Breakdown.from_setlinfo(setlinfo))

    def close(self) -> None:
        self.client.close()
        self.journal.close()

    def queue_purchase(
        self, person: tuple[str, str, str], *, medfee_sumamt: str | None = None
    ) -> tuple[str, list[str]]:
        """Complete an offline purchase for `person` (the estimate's cash part paid in cash)
        and queue its 1101 + 2102; the tx id and the two msgids. `medfee_sumamt` overrides the
        claimed total (a wrong one makes the platform refuse the 2102)."""
        psn_no, certno, insutype = person
        journal = self.journal
        tx = journal.create(TxKind.PHARMACY)
        journal.identify(
            tx.tx_id,
            PersonIdentity(cert_type="02", certno=certno, psn_no=psn_no, insuplc_admdvs="440300"),
        )
        journal.bill(tx.tx_id, [{"med_list_codg": c, "pric": p, "cnt": n} for c, p, n in BILL])
        journal.estimate(tx.tx_id, self.estimate)
        journal.collect(tx.tx_id)
        order = f"CASH-{tx.tx_id}"
        journal.add_payment(tx.tx_id, "cash", order, self.estimate.psn_cash_pay)
        journal.set_payment_status(order, PaymentStatus.COLLECTED)
        journal.complete(tx.tx_id)
        query = inputs.PersonQuery(
            mdtrt_cert_type="02", mdtrt_cert_no=certno, begntime="", certno=certno
        )
        who = self.client.prepare("1101", inputs.query_person(query))
        amounts = dict(self.scope)
        if medfee_sumamt is not None:
            amounts["medfee_sumamt"] = medfee_sumamt
        settle = self.client.prepare(
            "2102",
            pharmacy_input(Patient(psn_no, insutype), BILL, amounts),
            insuplc_admdvs="440300",
        )
        msgids = []
        for prepared in (who, settle):
            body = json.loads(prepared.to_json())
            journal.prepare_request(tx.tx_id, prepared.infno, prepared.msgid, body, forward=True)
            msgids.append(prepared.msgid)
        return tx.tx_id, msgids


@dataclass
class RecordingHooks:
    """ForwardHooks that send bodies as queued and remember what happened, in order."""

    succeeded: list[tuple[str, str, str]] = field(default_factory=list)  # tx, infno, msgid
    dead: list[tuple[str, str]] = field(default_factory=list)  # msgid, message
    lock: threading.Lock = field(default_factory=threading.Lock)

    def body_to_send(self, claim: Claim) -> Mapping[str, Any]:
        return claim.body

    def on_succeeded(self, claim: Claim, response: Mapping[str, Any]) -> None:
        with self.lock:
            self.succeeded.append((claim.tx_id, claim.infno, claim.msgid))

    def on_dead_letter(self, claim: Claim, message: str) -> None:
        with self.lock:
            self.dead.append((claim.msgid, message))


def settled_msgids(settlements: Sequence[Mapping[str, Any]]) -> list[str]:
    """msgids of the simulator's standing settlements (not reversed, not cancelled)."""
    return [s["msgid"] for s in settlements if s["state"] == "settled"]
