"""`python -m ui.simctl --platform URL --gateway URL --devices URL`: the simulator control
window on its own (`medterm demo` starts it beside the kiosk)."""

from __future__ import annotations

import argparse
import signal
import sys

from PySide6.QtCore import QTimer

from simulators.controls import SimulatorControls, SimulatorUrls
from ui.app import make_application
from ui.bridge import Bridge
from ui.simctl.window import SimulatorControlWindow


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", required=True, help="the platform simulator's URL")
    parser.add_argument("--gateway", required=True, help="the payment gateway simulator's URL")
    parser.add_argument("--devices", required=True, help="the device simulators' control URL")
    args = parser.parse_args(argv)
    app = make_application()
    signal.signal(signal.SIGTERM, lambda *_: app.quit())  # the demo's end closes it
    wake = QTimer()  # Python runs a signal handler only when it gets control back from Qt
    wake.start(200)
    wake.timeout.connect(lambda: None)
    bridge = Bridge()
    window = SimulatorControlWindow(
        SimulatorControls(SimulatorUrls(args.platform, args.gateway, args.devices)), bridge
    )
    window.show()
    try:
        return app.exec()
    finally:
        bridge.shutdown()


if __name__ == "__main__":
    sys.exit(main())
