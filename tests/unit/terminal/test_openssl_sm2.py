"""The native back end of terminal.sm2: a missing or unfit library is a typed error (E112) at
start, every OpenSSL allocation is freed, and no OpenSSL error is left for Python's `ssl`."""

from __future__ import annotations

import ctypes
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from kernel.errors import MedtermError
from simulators.central.queued_purchases import pharmacy_config
from terminal import openssl_sm2, sm2
from terminal.app import Terminal
from terminal.cli import error_report

REPO = Path(__file__).resolve().parents[3]
UseLibrary = Callable[[str], None]


@pytest.fixture
def library_named(monkeypatch: pytest.MonkeyPatch) -> UseLibrary:
    """Make the next first use load another library (the loaded one is restored after)."""

    def use(name: str) -> None:
        monkeypatch.setattr(openssl_sm2, "LIBRARY", name)
        monkeypatch.setattr(openssl_sm2, "_crypto", None)

    return use


def test_a_missing_library_is_reported_with_what_to_install(library_named: UseLibrary) -> None:
    library_named("libcrypto-not-here.so.3")
    with pytest.raises(sm2.SM2LibraryMissing) as raised:
        sm2.ensure_available()
    err = raised.value
    assert isinstance(err, MedtermError)
    assert err.code == "E112"
    assert "libcrypto-not-here.so.3" in err.detail
    report = error_report(err)
    assert "apt-get install libssl3" in report
    assert "OpenSSL 3" in err.action_zh


def test_signing_without_the_library_is_the_same_typed_error(library_named: UseLibrary) -> None:
    library_named("libcrypto-not-here.so.3")
    with pytest.raises(sm2.SM2LibraryMissing):
        sm2.SM2KeyPair.generate()


def test_a_library_that_is_not_openssl_3_is_refused(library_named: UseLibrary) -> None:
    library_named("libc.so.6")
    with pytest.raises(sm2.SM2LibraryMissing) as raised:
        sm2.ensure_available()
    assert "is not OpenSSL 3" in raised.value.detail


def test_the_system_library_passes_the_standard_example() -> None:
    lib = openssl_sm2.load(openssl_sm2.LIBRARY)
    assert lib.OpenSSL_version_num() >= 0x30000000


def test_a_failure_leaves_no_error_in_openssl_s_queue() -> None:
    """Python's `ssl` reads the same per-thread queue: a stale error would surface there."""
    lib = ctypes.CDLL(openssl_sm2.LIBRARY)
    lib.ERR_peek_error.restype = ctypes.c_ulong
    with pytest.raises(sm2.SignatureError):
        sm2.verify("f" * 128, b"data", b"\x01" * 64)
    assert lib.ERR_peek_error() == 0


LEAK_PROBE = textwrap.dedent(
    """
    import ctypes, os, sys

    # Count every allocation libcrypto makes, from before its first one.
    lib = ctypes.CDLL("libcrypto.so.3")
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = libc.realloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.realloc.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    MALLOC = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_int)
    REALLOC = ctypes.CFUNCTYPE(
        ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_int
    )
    FREE = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int)
    live = set()

    def allocate(size, file, line):
        p = libc.malloc(size)
        live.add(p)
        return p

    def reallocate(old, size, file, line):
        p = libc.realloc(old, size)
        if p:
            live.discard(old)
            live.add(p)
        return p

    def release(p, file, line):
        if p:
            live.discard(p)
            libc.free(p)

    hooks = (MALLOC(allocate), REALLOC(reallocate), FREE(release))
    lib.CRYPTO_set_mem_functions.argtypes = [MALLOC, REALLOC, FREE]
    assert lib.CRYPTO_set_mem_functions(*hooks) == 1

    from terminal import sm2

    def work(rounds):
        for n in range(rounds):  # a new key each time: the key cache fills, then evicts
            pair = sm2.SM2KeyPair.generate()
            message = b"round %d" % n
            signature = sm2.sign(pair.private_key_hex, pair.public_key_hex, message)
            assert sm2.verify(pair.public_key_hex, message, signature)
            assert not sm2.verify(pair.public_key_hex, b"other", signature)
            for public in ("f" * 128, pair.public_key_hex[:64] + "0" * 64):
                try:
                    sm2.verify(public, message, signature)
                except sm2.SignatureError:
                    pass

    work(100)  # fills the cache (64 keys) and OpenSSL's one-time state
    settled = len(live)
    work(300)
    after = len(live)
    lib.BN_new.restype = ctypes.c_void_p
    for _ in range(10):
        lib.BN_new()  # a deliberate leak: the counter must see it
    print(settled, after, len(live), flush=True)
    os._exit(0)  # skip OpenSSL's atexit frees: the Python hooks are gone by then
    """
)


def test_no_openssl_allocation_outlives_its_call() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LEAK_PROBE],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    settled, after, leaked = map(int, done.stdout.split())
    assert after == settled  # 300 rounds of 5 operations each left nothing behind
    assert leaked >= settled + 10  # and the count does see allocations


def test_the_terminal_refuses_to_start_without_the_library(
    library_named: UseLibrary, tmp_path: Path
) -> None:
    config = pharmacy_config("http://127.0.0.1:9", tmp_path)
    library_named("libcrypto-not-here.so.3")
    with pytest.raises(sm2.SM2LibraryMissing):
        Terminal.open(config)
    assert list(tmp_path.iterdir()) == []  # refused before anything was built (no journal)
