"""A pharmacy counter that dispenses a list of e-prescriptions, one after another, for the
dispensing crash test (test_dispense_crash.py), which kills it at random moments.

    python -m tests.reliability.dispense_worker CODES_FILE --platform URL --gateway URL \
        --data-dir DIR

On start it recovers as the installed terminal does (`Terminal.recover`: unfinished checkouts
and unreported dispensings), then dispenses each prescription the centre does not yet hold
as dispensed, printing a line once recovered (the test's kills land after it) and one per
prescription.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

from kernel.money import Money
from simulators.central.testing import DEFAULT_WORLD
from terminal.app import Terminal, load_catalogue
from terminal.cli.checkout import DEMO_PAYMENT_CODE, ChannelCollector
from terminal.cli.options import DEMO_CONFIGS, terminal_config
from terminal.flows.checkout import SettlementPending, SettlementRefused
from terminal.flows.dispense import Dispensary, DispenseLine
from terminal.flows.identify import Credential, CredentialKind
from terminal.rx.errors import RxNotDispensable, RxRefused, RxUnreachable
from terminal.rx.records import Prescription, Review, RxUse

PHARMACIST = Review("PH0001", "李药师", accepted=True)


def boxes(rx: Prescription) -> DispenseLine:
    """Two boxes of the first drug, each with its own traceability code (the same codes on
    every attempt: the boxes are the same boxes)."""
    codes = tuple(f"8{rx.hi_rxno[-12:]}{n:07d}" for n in range(2))
    return DispenseLine(rx.drugs[0].med_list_codg, Decimal(2), Money("11.80"), codes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("codes", type=Path)
    parser.add_argument("--platform", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    config = terminal_config(
        argparse.Namespace(
            config=DEMO_CONFIGS["pharmacy"], pharmacy=True, platform=args.platform,
            gateway=args.gateway, data_dir=args.data_dir, offline_mode=None,
        )
    )  # fmt: skip
    terminal = Terminal.open(
        config, his_url=args.platform, catalogue=load_catalogue(DEFAULT_WORLD)
    )
    try:
        terminal.recover()
        print("recovered", flush=True)
        assert terminal.rx is not None
        dispensary = Dispensary(terminal.saga, terminal.rx)
        collect = ChannelCollector(terminal, "paycode", DEMO_PAYMENT_CODE, payer_ref="crash")
        for code in args.codes.read_text().split():
            try:
                rx = terminal.rx.scan(code)
                if rx.use is RxUse.DISPENSED:
                    print("held", rx.hi_rxno, flush=True)
                    continue
                credential = Credential(CredentialKind.ID_NUMBER, rx.certno)
                dispensary.dispense(rx, PHARMACIST, credential, [boxes(rx)], collect)
            except (
                RxUnreachable, RxRefused, RxNotDispensable, SettlementRefused, SettlementPending
            ) as err:
                print("refused", code, err.code, flush=True)
                continue
            print("dispensed", rx.hi_rxno, flush=True)
    finally:
        terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
