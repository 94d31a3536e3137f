"""The kiosk's own cost: cold start to the welcome screen, and from a scanned e-voucher to the
breakdown on screen, as a ratio to the same checkout steps driven directly through the session
(what `medterm checkout` runs) in the same run, against the local simulators.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python -m bench.bench_kiosk --rounds 30

Cold start: a fresh interpreter per sample, timed from just before it is started until the
welcome page is on screen (the terminal opened on the simulators, recovery run, the window
built, shown and painted). The kiosk builds no face models at start (the face check page is
not done yet), so none load in the foreground.

Voucher to breakdown: rounds alternate. *direct*: `saga.begin`, `identify(voucher)`,
`unpaid_orders`, `bill`, `presettle`; *kiosk*: the e-voucher sent to the journey as the
scanner driver's event would be, the orders page's "next", until the breakdown page shows the
platform's split. Each round's checkout is cancelled afterwards, untimed.

Each round is timed twice: wall clock, and the CPU time of this process's threads that do the
work (direct: the one thread running the steps; kiosk: the GUI thread, with its drawing, plus
the saga worker). The CPU figure leaves out the simulators' own work and the time spent
waiting for a core, so on a machine that other work keeps busy it says what the screens cost
when the wall-clock ratio cannot: that ratio moves with the load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from kernel.states import TxKind, TxState
from simulators.central.testing import DEFAULT_WORLD, RunningSimulator, start_simulator
from simulators.paygate.testing import PaygateHandle, start_paygate
from terminal.app import Terminal, load_catalogue
from terminal.cli.options import DEMO_CONFIGS, terminal_config
from terminal.flows.bill import lines_from_orders
from terminal.flows.identify import Credential, CredentialKind

PERSON = "44030000000000000001"
ITEMS = [
    {"med_list_codg": "X1", "pric": "28.50", "cnt": "2"},
    {"med_list_codg": "X2", "pric": "35.00", "cnt": "1"},
    {"med_list_codg": "X3", "pric": "12.00", "cnt": "1"},
]


def open_terminal(data_dir: Path, platform_url: str, gateway_url: str) -> Terminal:
    args = argparse.Namespace(
        config=DEMO_CONFIGS["hospital"], pharmacy=False, platform=platform_url,
        gateway=gateway_url, data_dir=data_dir, offline_mode=None,
    )
    return Terminal.open(
        terminal_config(args), his_url=platform_url, catalogue=load_catalogue(DEFAULT_WORLD)
    )


def new_orders(platform: RunningSimulator, n: int) -> None:
    order = {"rxno": f"RXBENCH{os.getpid()}{n:05d}", "dept_code": "A01", "dept_name": "内科",
             "dr_code": "D0101", "dr_name": "陈建国", "items": ITEMS}
    platform.control("POST", "/_sim/his/orders", {"psn_no": PERSON, "orders": [order]})


def voucher(platform: RunningSimulator) -> Credential:
    qr = platform.control("POST", "/_sim/voucher", {"psn_no": PERSON, "ttl": 300})["qr"]
    return Credential(CredentialKind.VOUCHER, qr)


# ---------------------------------------------------------------------------- cold start


def start_child(platform_url: str, gateway_url: str, data_dir: str, started: float) -> None:
    """In the fresh interpreter: the kiosk up to its welcome page on screen, then the time."""
    from PySide6.QtWidgets import QApplication

    from terminal.flows.journey import JourneySettings, Step
    from ui.app import Look, start
    from ui.bridge import Bridge
    from ui.i18n import Language
    from ui.kiosk.main import KioskCore
    from ui.kiosk.window import KioskWindow

    look = Look()
    app, translations = start(look, Language.ZH_CN)
    terminal = open_terminal(Path(data_dir), platform_url, gateway_url)
    terminal.recover()
    bridge = Bridge()
    settings = JourneySettings()
    core = KioskCore(terminal, bridge, settings, devices={})
    window = KioskWindow(core.journey, look, translations, settings, clock=time.monotonic)
    window.resize(1280, 1024)
    window.show()
    while not window.windowHandle().isExposed():
        app.processEvents()
    window.repaint()
    QApplication.processEvents()
    assert core.journey.view.step is Step.WELCOME and window.current_page().isVisible()
    print(f"{time.time() - started:.4f}")
    window.shutdown()
    core.close()
    bridge.shutdown()
    terminal.close()


def cold_starts(
    n: int, platform: RunningSimulator, gateway: PaygateHandle, root: Path
) -> list[float]:
    samples = []
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    for i in range(n):
        data_dir = root / f"start{i}"
        started = time.time()
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_kiosk", "--child", platform.url, gateway.url,
             str(data_dir), repr(started)],
            capture_output=True, text=True, env=env, check=True,
        ).stdout
        samples.append(float(out.strip().splitlines()[-1]))
    return samples


# ---------------------------------------------------------------------------- voucher to breakdown


def direct_round(terminal: Terminal, credential: Credential) -> tuple[float, float, Any]:
    """(wall, CPU of this thread, the session)."""
    cpu, started = time.thread_time(), time.perf_counter()
    session = terminal.saga.begin(TxKind.OUTPATIENT)
    session.identify(credential)
    session.bill(lines_from_orders(session.unpaid_orders()))
    session.presettle()
    return time.perf_counter() - started, time.thread_time() - cpu, session


def threads_cpu(*threads: threading.Thread) -> float:
    """CPU seconds used so far by ``threads`` (of this process), each by its own clock."""
    return sum(
        time.clock_gettime(time.pthread_getcpuclockid(t.ident))
        for t in threads if t.ident is not None
    )


def saga_worker() -> threading.Thread:
    """The bridge's saga worker thread (it starts with the first step given to it)."""
    return next(t for t in threading.enumerate() if t.name.startswith("saga"))


Samples = tuple[list[float], list[float], list[float], list[float]]


def kiosk_rounds(rounds: int, platform: RunningSimulator, gateway: PaygateHandle,
                 root: Path) -> Samples:
    """Wall and CPU seconds per round: (direct, kiosk, direct CPU, kiosk CPU)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QPushButton

    from terminal.flows.journey import Event, JourneySettings, Step
    from ui.app import Look, start
    from ui.bridge import Bridge
    from ui.i18n import Language
    from ui.kiosk.main import KioskCore
    from ui.kiosk.window import KioskWindow

    look = Look()
    app, translations = start(look, Language.ZH_CN)
    terminal = open_terminal(root / "rounds", platform.url, gateway.url)
    bridge = Bridge()
    settings = JourneySettings()
    core = KioskCore(terminal, bridge, settings, devices={})
    window = KioskWindow(core.journey, look, translations, settings, clock=time.monotonic)
    window.resize(1280, 1024)
    window.show()
    journey = core.journey

    def until(step: Step) -> None:
        """Wait in the event loop, as the kiosk's `app.exec()` does (no polling), until the
        screen has drawn ``step``: the quit is queued behind the window's render."""
        if window.shows(step):
            return
        loop = QEventLoop()

        def changed(view: Any) -> None:
            if view.step is step:
                QTimer.singleShot(0, loop.quit)

        unsubscribe = journey.subscribe(changed)
        loop.exec()
        unsubscribe()
        assert window.shows(step)

    direct: list[float] = []
    screens: list[float] = []
    direct_cpu: list[float] = []
    screens_cpu: list[float] = []
    gui = threading.current_thread()
    for n in range(2 * rounds + 2):  # the first pair warms up
        new_orders(platform, n)
        credential = voucher(platform)
        if n % 2 == 0:
            took, cpu, session = direct_round(terminal, credential)
            session.cancel("benchmark")
            sample, sample_cpu = direct, direct_cpu
        else:
            workers = (gui, saga_worker()) if n > 1 else (gui,)
            cpu_before = threads_cpu(*workers)
            started = time.perf_counter()
            journey.send(Event.SCANNED, credential)
            until(Step.ORDERS)
            window.findChild(QPushButton, "orders-next").click()
            until(Step.BREAKDOWN)
            window.current_page().repaint()  # on screen, not only in the view
            took = time.perf_counter() - started
            cpu = threads_cpu(*workers) - cpu_before
            reference = journey.view.reference
            journey.send(Event.CANCEL)
            while terminal.journal.get(reference).state is not TxState.CANCELLED:
                time.sleep(0.005)  # the next round does not share the journal with it
            sample, sample_cpu = screens, screens_cpu
        if n >= 2:
            sample.append(took)
            sample_cpu.append(cpu)
    window.shutdown()
    core.close()
    bridge.shutdown()
    terminal.close()
    del app
    return direct, screens, direct_cpu, screens_cpu


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--child", nargs=4, metavar=("PLATFORM", "GATEWAY", "DIR", "STARTED"))
    args = parser.parse_args()
    if args.child:
        start_child(args.child[0], args.child[1], args.child[2], float(args.child[3]))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for part in ("central", "paygate"):
            (root / part).mkdir()
        platform = start_simulator(root / "central")
        gateway = start_paygate(root / "paygate")
        try:
            starts = cold_starts(args.starts, platform, gateway, root)
            direct, screens, direct_cpu, screens_cpu = kiosk_rounds(
                args.rounds, platform, gateway, root
            )
        finally:
            gateway.stop()
            platform.stop()
    ms = 1000
    start_median = statistics.median(starts) * ms
    print(f"cold start to welcome ({len(starts)} starts): median {start_median:.0f} ms, "
          f"p95 {p95(starts) * ms:.0f} ms")
    dm, sm = statistics.median(direct), statistics.median(screens)
    print(f"voucher to breakdown ({len(direct)} rounds each): "
          f"direct median {dm * ms:.1f} ms p95 {p95(direct) * ms:.1f} ms; "
          f"kiosk median {sm * ms:.1f} ms p95 {p95(screens) * ms:.1f} ms; "
          f"kiosk / direct = {sm / dm:.3f} (median), {p95(screens) / p95(direct):.3f} (p95)")
    dc, sc = statistics.median(direct_cpu), statistics.median(screens_cpu)
    print(f"  CPU of the working threads: direct median {dc * ms:.1f} ms "
          f"p95 {p95(direct_cpu) * ms:.1f} ms; kiosk (GUI + saga worker) median {sc * ms:.1f} ms "
          f"p95 {p95(screens_cpu) * ms:.1f} ms; kiosk / direct = {sc / dc:.3f} (median), "
          f"{p95(screens_cpu) / p95(direct_cpu):.3f} (p95)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
