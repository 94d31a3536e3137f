"""`medterm queue status|drain|retry|resolve` in-process, on a real journal and simulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulators.central.queued_purchases import PEOPLE, QueuingTerminal
from simulators.central.testing import RunningSimulator
from terminal.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    return status, capsys.readouterr().out


def cli_status(capsys: pytest.CaptureFixture[str], data_dir: Path) -> dict:
    status, out = run(capsys, "queue", "status", "--data-dir", str(data_dir), "--json")
    assert status == 0
    return dict(json.loads(out))


def test_status_shows_what_waits_and_drain_forwards_it(
    sim: RunningSimulator,
    terminal: QueuingTerminal,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data_dir = tmp_path / "data"
    for person in PEOPLE[:3]:
        terminal.queue_purchase(person)

    before = cli_status(capsys, data_dir)
    assert (before["pending"], before["in_flight"], before["dead_letters_open"]) == (6, 0, 0)
    assert before["oldest_age_s"] >= 0 and before["breaker"] is None

    status, out = run(
        capsys,
        "queue",
        "drain",
        "--pharmacy",
        "--data-dir",
        str(data_dir),
        "--platform",
        sim.url,
        "--timeout",
        "60",
    )

    assert status == 0, out
    assert "forwarded 6, dead letters 0" in out
    after = cli_status(capsys, data_dir)
    assert (after["pending"], after["oldest_age_s"]) == (0, None)
    assert after["breaker"] is None, "no forwarder has recorded a breaker state"


def test_a_dead_letter_is_listed_then_retried_or_resolved(
    sim: RunningSimulator,
    terminal: QueuingTerminal,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data_dir = tmp_path / "data"
    _, (_, refused) = terminal.queue_purchase(PEOPLE[0], medfee_sumamt="999.99")
    _, behind = terminal.queue_purchase(PEOPLE[0])
    drain = ("queue", "drain", "--pharmacy", "--data-dir", str(data_dir), "--platform", sim.url)

    status, out = run(capsys, *drain)
    assert status == 1 and "dead letters 1" in out
    shown = cli_status(capsys, data_dir)
    assert [d["msgid"] for d in shown["dead_letters"]] == [refused]
    assert shown["dead_letters"][0]["message"]

    status, out = run(capsys, "queue", "retry", refused, "--pharmacy", "--data-dir", str(data_dir))
    assert status == 0
    new_msgid = out.split()[-1]
    assert new_msgid != refused and len(new_msgid) == 30
    status, _ = run(capsys, *drain)  # the same body is refused again, under the new msgid
    assert [d["msgid"] for d in cli_status(capsys, data_dir)["dead_letters"]] == [new_msgid]

    status, out = run(
        capsys,
        "queue",
        "resolve",
        new_msgid,
        "--data-dir",
        str(data_dir),
        "--reason",
        "bill corrected at the counter",
    )
    assert status == 0
    status, out = run(capsys, *drain)
    assert status == 0 and "forwarded 2" in out
    settled = [s["msgid"] for s in sim.control("GET", "/_sim/settlements")["settlements"]]
    assert settled == [behind[1]]


def test_resolving_without_a_reason_is_refused(
    terminal: QueuingTerminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _ = run(
        capsys, "queue", "resolve", "X" * 30, "--data-dir", str(tmp_path / "data"), "--reason", " "
    )
    assert status == 2
