"""`medterm diag ...` as a technician runs it: a real process against the device simulators."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from simulators.devices.card import VpcdCard
from simulators.devices.idreader import IdReaderSimulator
from simulators.devices.pcscd import Pcscd
from simulators.devices.printer import PrinterSimulator
from simulators.devices.scanner import ScannerSimulator
from terminal import voucher
from terminal.sm2 import SM2KeyPair

TERMINAL_TOML = """
[terminal]
fixmedins_code = "H44030000001"
fixmedins_name = "示例医院"
region = "440300"
terminal_id = "T1"
slot = 1
opter_type = "2"
opter = "T1"
opter_name = "自助机"
recer_sys_code = "FSI"
institution_kind = "hospital"

[platform]
base_url = "http://127.0.0.1:8765"
signtype = "NONE"

[store]
data_dir = "data"

[offline]
mode = "self_pay"
"""


def medterm(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "terminal.cli", "diag", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_read_idcard_prints_masked_json(id_reader_sim: IdReaderSimulator) -> None:
    result = medterm("read-idcard", "--port", id_reader_sim.path, "--json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown == {"id_number": "1101**********002X", "name": "张*丰", "valid_to": "2040-01-01"}


def test_read_idcard_show_pii_shows_the_number(id_reader_sim: IdReaderSimulator) -> None:
    result = medterm("read-idcard", "--port", id_reader_sim.path, "--json", "--show-pii")
    assert json.loads(result.stdout)["id_number"] == "11010519491231002X"


def test_read_idcard_on_a_missing_port_is_one_line_and_status_2() -> None:
    result = medterm("read-idcard", "--port", "/dev/medterm-none")
    assert result.returncode == 2
    assert "[E302]" in result.stderr and "Traceback" not in result.stderr


def test_scan_classifies_and_verifies_a_voucher(tmp_path: Path) -> None:
    key = SM2KeyPair.generate()
    now = int(time.time())
    code = voucher.mint(
        "k1",
        key.private_key_hex,
        key.public_key_hex,
        {"tok": "z" * 40, "iat": now, "exp": now + 120, "insuOrg": "440300", "mask": "王*",
         "idx": "aWR4"},
    )  # fmt: skip
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps([{"kid": "k1", "public_key_hex": key.public_key_hex}]))
    sim = ScannerSimulator()
    argv = ["scan", "--port", sim.path, "--count", "3", "--platform-keys", str(keys), "--json"]
    process = subprocess.Popen(
        [sys.executable, "-m", "terminal.cli", "diag", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        assert process.stderr.readline().startswith("scan 3 code(s)")  # the port is open now
        for text in (code, code, "6901234567892"):
            sim.scan(text)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
        sim.close()
    assert process.returncode == 0, err
    rows = json.loads(out)
    assert rows[0]["voucher"]["accepted"] and rows[0]["voucher"]["mask"] == "王*"
    assert rows[1]["voucher"]["code"] == "E348"
    assert rows[2] == {"kind": "ean13", "text": "6901234567892"}


def test_read_card_waits_for_the_card(pcscd: Pcscd, make_card: Callable[..., VpcdCard]) -> None:
    card = make_card("2.00")
    inserter = threading.Timer(1.5, card.insert)
    inserter.start()
    result = medterm("read-card", "--reader", pcscd.reader_name, "--json", "--timeout", "10")
    inserter.join()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["certno"] == "4403**********1234"


@pytest.mark.parametrize("level", ["internal", "external"])
def test_health_of_the_configured_simulators(
    tmp_path: Path,
    id_reader_sim: IdReaderSimulator,
    printer_sim: PrinterSimulator,
    level: str,
) -> None:
    config = tmp_path / "terminal.toml"
    config.write_text(
        TERMINAL_TOML
        + f'\n[devices.idcard]\nkind = "serial"\nport = "{id_reader_sim.path}"\n'
        + f'\n[devices.printer]\nkind = "escpos-serial"\nport = "{printer_sim.path}"\n'
        + '\n[devices.scanner]\nkind = "serial"\nport = "/dev/medterm-unplugged"\n',
        encoding="utf-8",
    )
    result = medterm("health", "--config", str(config), "--level", level, "--json")
    assert result.returncode == 1  # the scanner is missing
    by_name = {r["device"]: r for r in json.loads(result.stdout)}
    assert by_name["idcard"]["ok"] and by_name["printer"]["ok"]
    assert by_name["scanner"]["status"] == "no_hardware"
    if level == "external":
        assert by_name["printer"]["details"]["paper"] == "ok"


def test_devices_names_a_config_mistake(tmp_path: Path) -> None:
    config = tmp_path / "terminal.toml"
    config.write_text(TERMINAL_TOML + '\n[devices.idcard]\nkind = "serial"\n', encoding="utf-8")
    result = medterm("devices", "--config", str(config))
    assert result.returncode == 2
    assert "devices.idcard.port: missing" in result.stderr
