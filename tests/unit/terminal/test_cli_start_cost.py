"""A command pays at start only for what it uses: `queue status` reads the journal, so it
must not import the face stack, OpenCV or the QR renderer (each costs tens of milliseconds)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from terminal.app import open_store, store_files

REPO = Path(__file__).resolve().parents[3]
HEAVY = ("cv2", "face_recognition", "dlib", "PIL", "qrcode", "serial", "smartcard", "escpos")

PROBE = textwrap.dedent(
    """
    import sys
    from terminal.cli import main
    assert main(["queue", "status", "--data-dir", {data_dir!r}]) == 0
    print("heavy:" + ",".join(sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))))
    """
)


def test_queue_status_imports_no_device_face_or_qr_library(tmp_path: Path) -> None:
    open_store(*store_files(tmp_path), create=True).close()
    probe = PROBE.format(data_dir=str(tmp_path), heavy=HEAVY)
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "heavy:"
