"""Class 8 of issue 11 (first half): what a device sends cannot drive the technician's
terminal; `diag scan` shows a scanned escape sequence as visible text."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from simulators.devices.scanner import ScannerSimulator

# clear the screen, then a title-setting OSC sequence, then a right-to-left override
HOSTILE = "6901\x1b[2J\x1b]0;owned\x07\u202e2345"


@pytest.mark.parametrize("as_json", [False, True])
def test_a_scanned_escape_sequence_is_shown_not_obeyed(as_json: bool) -> None:
    sim = ScannerSimulator()
    argv = ["diag", "scan", "--port", sim.path, "--show-pii", *(["--json"] if as_json else [])]
    process = subprocess.Popen(
        [sys.executable, "-m", "terminal.cli", *argv],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stderr is not None
        assert process.stderr.readline().startswith("scan 1 code(s)")  # the port is open now
        sim.scan(HOSTILE)
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
        sim.close()
    assert process.returncode == 0, err
    assert not any(char in out + err for char in "\x1b\x07\u202e")
    if as_json:
        assert json.loads(out)[0]["text"] == HOSTILE  # escaped as JSON, the same text
    else:
        assert "6901\\u001b[2J\\u001b]0;owned\\u0007\\u202e2345" in out
