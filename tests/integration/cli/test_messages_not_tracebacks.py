"""Class 7 of issue 11: every careless command gets one typed line that names the argument
and what to do, within seconds; never a traceback, never a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import COMMAND_TIMEOUT_S, DEAD_MSGID, Store, assert_intact, medterm

DATA = "{dir}"
# (argv, the argument the message must name)
WRONG_ARGUMENTS = {
    "fps 0": (["face", "liveness", "--video", "v.mp4", "--fps", "0"], "--fps"),
    "fps -1": (["face", "liveness", "--video", "v.mp4", "--fps", "-1"], "--fps"),
    "fps nan": (["diag", "face-liveness", "--video", "v.mp4", "--fps", "nan"], "--fps"),
    "transactions -1": (["load", "--world", "w.json", "--transactions", "-1"], "--transactions"),
    "drain timeout -5": (["queue", "drain", "--data-dir", DATA, "--timeout", "-5"], "--timeout"),
    "scan count -1": (["diag", "scan", "--port", "/dev/x", "--count", "-1"], "--count"),
    "card timeout inf": (["diag", "read-card", "--timeout", "inf"], "--timeout"),
    "purge days -1": (["journal", "purge", "--data-dir", DATA, "--days", "-1"], "--days"),
    "baudrate 0": (["diag", "read-idcard", "--port", "/dev/x", "--baudrate", "0"], "--baudrate"),
    "platform url": (["queue", "drain", "--data-dir", DATA, "--platform", "http://[::1"],
                     "--platform"),
    "blank reason": (["queue", "resolve", DEAD_MSGID, "--data-dir", DATA, "--reason", " "],
                     "--reason"),
    "item count": (["checkout", "--certno", "1", "--data-dir", DATA, "--item", "D1:1.00:-2"],
                   "--item"),
    "no key": (["journal", "export", "--db", f"{DATA}/journal.db"], "--key"),
}  # fmt: skip


@pytest.mark.parametrize("case", WRONG_ARGUMENTS)
def test_a_wrong_argument_is_named_and_never_blamed_on_the_configuration(
    store: Store, case: str
) -> None:
    template, argument = WRONG_ARGUMENTS[case]
    result = medterm(*(part.replace(DATA, str(store.data_dir)) for part in template))
    assert result.returncode == 2, result.stdout
    assert argument in result.stderr
    assert "configuration file" not in result.stderr and "Traceback" not in result.stderr
    assert_intact(store)


def test_a_data_directory_that_is_a_file_is_named(tmp_path: Path) -> None:
    a_file = tmp_path / "data"
    a_file.write_text("not a directory", encoding="utf-8")
    for command in (["queue", "status"], ["journal", "export"]):
        result = medterm(*command, "--data-dir", str(a_file))
        assert result.returncode == 2
        assert "[E508]" in result.stderr and f"{a_file} is a file" in result.stderr


def test_bytes_that_are_not_utf8_are_named(store: Store) -> None:
    reason = os.fsdecode(b"broken \xff\xfe reason")
    result = medterm("queue", "resolve", DEAD_MSGID, "--data-dir", str(store.data_dir),
                     "--reason", reason)  # fmt: skip
    assert result.returncode == 2
    assert "[E050]" in result.stderr and "after --reason" in result.stderr
    assert "Traceback" not in result.stderr
    assert_intact(store)


def test_an_output_folder_that_does_not_exist_is_named(store: Store, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "export.jsonl"
    result = medterm("journal", "export", "--data-dir", str(store.data_dir), "--out", str(missing))
    assert result.returncode == 2
    assert "[E051]" in result.stderr and "does not exist" in result.stderr
    assert not missing.parent.exists()


def test_export_into_a_closed_pipe_ends_quietly(store: Store) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "terminal.cli", "journal", "export", "--data-dir",
         str(store.data_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # `| head -0`: the reader is gone before the first line
    errors = process.stderr.read()
    assert process.wait(timeout=COMMAND_TIMEOUT_S) == 141
    assert errors == ""
    assert_intact(store)


def test_a_dead_letter_resolved_twice_is_not_called_a_program_error(store: Store) -> None:
    resolve = ("queue", "resolve", DEAD_MSGID, "--data-dir", str(store.data_dir), "--reason")
    assert medterm(*resolve, "settled at the counter").returncode == 0
    again = medterm(*resolve, "again")
    assert again.returncode == 2
    assert "[E523]" in again.stderr and "already resolved" in again.stderr
    assert "program error" not in again.stderr
