"""Offline.md: nothing personal in plain text in the journal file or the logs, after a load
of checkouts for every kind of person in the world, online and offline."""

from __future__ import annotations

import contextlib
import json
import logging
import random

import pytest

from kernel.states import TxKind
from offline_store.datadir import journal_path
from simulators.central.testing import DEFAULT_WORLD
from terminal.cli.load import run_load

OFFLINE = {"rules": [{"infno": "*", "mode": "offline", "probability": 1}]}


def spellings(text: str) -> list[bytes]:
    """How a value could sit in a file: UTF-8, JSON-escaped, GBK."""
    out = [text.encode(), json.dumps(text)[1:-1].encode()]
    with contextlib.suppress(UnicodeEncodeError):
        out.append(text.encode("gbk"))
    return out


def test_journal_and_logs_hold_no_name_or_id_number_in_plain_text(
    make_terminal, platform, caplog: pytest.LogCaptureFixture
) -> None:
    world = json.loads(DEFAULT_WORLD.read_text(encoding="utf-8"))
    caplog.set_level(logging.DEBUG)
    terminal = make_terminal(kind="pharmacy")
    run_load(terminal, world, TxKind.PHARMACY, 25, random.Random(7))
    platform.control("POST", "/_sim/faults", OFFLINE)
    run_load(terminal, world, TxKind.PHARMACY, 10, random.Random(8))
    platform.control("DELETE", "/_sim/faults")
    terminal.forwarder(base_delay=0.05).drain(timeout=30)
    data_dir = terminal.config.store.data_dir
    terminal.journal.close()

    prefix = journal_path(data_dir).name
    files = [p for p in data_dir.iterdir() if p.name.startswith(prefix) and p.is_file()]
    raw = b"".join(p.read_bytes() for p in files)
    logs = caplog.text.encode()
    assert len(raw) > 10_000 and logs
    for person in world["persons"]:
        for secret in (person["psn_name"], person["certno"]):
            for spelled in spellings(secret):
                assert spelled not in raw, f"{secret[:1]}… in the journal files"
                assert spelled not in logs, f"{secret[:1]}… in the logs"
