"""`medterm demo` (`make demo`): the patient kiosk with every simulator on the default world.

With a display: the kiosk in a window and the simulator control window beside it, until Ctrl+C.
Without one (no $DISPLAY, or `--headless`): a headless accessible desktop (Xvfb, D-Bus, AT-SPI)
where one scripted patient per credential walks through the kiosk (`ui.demo.journeys`),
screenshots of each screen in `.demo-data/screenshots/`, and the platform's settlements
printed at the end; it ends by itself (every wait is bounded) with status 0 only when every
journey was completed.

Every run starts from a fresh `.demo-data/run/` (the simulators' databases, the kiosk's
journal), so running it twice is the same demo twice. The kiosk is the real `medterm kiosk`
in its own process, on the demo configuration; the device entries and the private pcscd's
socket reach it through the environment (`MEDTERM__DEVICES__...`, `PCSCLITE_CSOCK_NAME`).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simulators.stack import SimulatorStack
from terminal.cli.options import DEMO_CONFIGS
from ui.demo.a11y import AccessibleApp, HeadlessDesktop, screenshot
from ui.demo.journeys import JourneyPlayer, Patient

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / ".demo-data"
LINKS = REPO / ".demo-devices"
# one patient per credential; 张伟 has no unpaid orders in the world, so the doctor writes one
PATIENTS = (
    ("voucher", "44030000000000000015"),  # 胡军: two unpaid hospital orders
    ("card", "44030000000000000016"),  # 郭雪: unpaid orders, a 3.00 card (PIN)
    ("idcard", "44030000000000000001"),  # 张伟: worked example 1
)
ORDER_FOR_ID_CARD = {
    "dept_code": "A01", "dept_name": "内科", "dr_code": "D0101", "dr_name": "陈建国",
    "items": [{"med_list_codg": "E0001", "pric": "20.00", "cnt": "1"},
              {"med_list_codg": "D0006", "pric": "28.50", "cnt": "2"}],
}


def kiosk_env(base: Mapping[str, str], stack: SimulatorStack) -> dict[str, str]:
    """The kiosk's environment: the devices' table as `[devices]` overrides, the pcscd's."""
    env = {**base, **stack.device_environment}
    for name, entry in stack.devices_table.items():
        for key, value in entry.items():
            env[f"MEDTERM__DEVICES__{name.upper()}__{key.upper()}"] = str(value)
    return env


def start_kiosk(stack: SimulatorStack, env: Mapping[str, str], data_dir: Path,
                *extra: str, config: Path = DEMO_CONFIGS["hospital"]) -> subprocess.Popen[bytes]:
    """`medterm kiosk` in a window of its own process, on the simulators of ``stack``."""
    return subprocess.Popen(
        [sys.executable, "-m", "terminal.cli", "kiosk", "--config",
         str(config), "--platform", stack.platform.url,
         "--gateway", stack.gateway.url, "--data-dir", str(data_dir), "--windowed", *extra],
        env=kiosk_env(env, stack), cwd=REPO, start_new_session=True,
    )


def end(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def run_demo(world: Path, *, headless: bool, data: Path = DATA, links: Path = LINKS) -> int:
    """The demo on ``world``; its files in ``data`` (run/, screenshots/), the device
    simulators' links in ``links``."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `kill` still stops the children
    run = data / "run"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    with SimulatorStack.start(run / "simulators", world=world, links=links) as stack:
        print(f"platform simulator   {stack.platform.url}\n"
              f"payment gateway      {stack.gateway.url}\n"
              f"device control API   {stack.devices.url}   (docs/simulator.md: curl examples)",
              flush=True)
        if headless:
            return _headless(stack, world, run, data / "screenshots")
        return _interactive(stack, run)


def _interactive(stack: SimulatorStack, run: Path) -> int:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    kiosk = start_kiosk(stack, env, run / "kiosk")
    control = subprocess.Popen(
        [sys.executable, "-m", "ui.simctl", "--platform", stack.platform.url,
         "--gateway", stack.gateway.url, "--devices", stack.devices.url],
        env=env, cwd=REPO, start_new_session=True,
    )
    print("the kiosk and the simulator control window are open; Ctrl+C ends the demo",
          flush=True)
    try:
        kiosk.wait()
    except KeyboardInterrupt:
        pass
    finally:
        end(control)
        end(kiosk)
    return 0


def _headless(stack: SimulatorStack, world: Path, run: Path, shots: Path) -> int:
    persons = {p["psn_no"]: p for p in json.loads(world.read_text(encoding="utf-8"))["persons"]}
    controls = stack.controls()
    controls.prescribe(PATIENTS[2][1], [ORDER_FOR_ID_CARD])
    shutil.rmtree(shots, ignore_errors=True)
    with HeadlessDesktop.start() as desktop:
        desktop.use_here()
        kiosk = start_kiosk(stack, desktop.env(), run / "kiosk")
        try:
            app = AccessibleApp(kiosk.pid)
            app.wait_for("welcome-language", 30)
            screenshot(shots / "welcome.png")
            player = JourneyPlayer(app, controls, shots, kiosk_pid=kiosk.pid)
            played = []
            for credential, psn_no in PATIENTS:
                person = persons[psn_no]
                patient = Patient(credential, psn_no, person["psn_name"],
                                  person["cards"][0]["pin"] if person.get("cards") else "")
                print(f"- {credential:8} {patient.name}: ", end="", flush=True)
                outcome = player.play(patient)
                print("completed" if outcome.completed else f"stopped at {outcome.stopped_at}",
                      flush=True)
                played.append(outcome)
        finally:
            end(kiosk)
    _print_settlements(controls.settlements())
    print(f"screenshots: {shots}/ ({len(list(shots.glob('*.png')))} files)")
    return 0 if all(p.completed for p in played) else 1


def _print_settlements(settlements: list[dict[str, Any]]) -> None:
    print(f"settlements on the platform: {len(settlements)}")
    for row in settlements:
        info = row.get("setlinfo") or {}
        print(f"  {row['setl_id']}  {row['psn_no']}  {row['state']:9}  total "
              f"{info.get('medfee_sumamt')}  fund {info.get('fund_pay_sumamt')}  account "
              f"{info.get('acct_pay')}  family {info.get('acct_mulaid_pay')}  self "
              f"{info.get('psn_cash_pay')}")
