"""Field-level encryption of personal data, and keyed person lookups, for the journal.

Why field by field: the journal must be readable for operations (states, amounts, queue
order) without exposing who the patients are, and a stolen file (or a diagnostic bundle) must
reveal nothing personal. So every column that can hold personal data is an AES-256-GCM blob
(`cryptography`), and lookups "by person" use `person_key`, an HMAC-SHA256 of the credential,
never the ID number itself.

Each blob's associated data names its table, column and row id: a ciphertext copied into
another row or column fails authentication (`FieldTamperedError`) instead of silently showing
one patient's data on another's record.

The 32-byte master key sits in a file outside the database (mode 0600, created on first start).
Separate subkeys for encryption, lookup hashing and the key check value are derived from it with
HKDF, so none of the three uses leaks anything about the others. The key check value stored in
the journal tells a wrong key (`KeyMismatchError`) from a damaged field, and an existing
journal whose key file is gone (`KeyMissingError`) from a first start.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import zlib
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from offline_store.db import JournalDatabase
from offline_store.errors import FieldTamperedError, KeyFileError, KeyMismatchError, KeyMissingError

KEY_SIZE = 32
NONCE_SIZE = 12
_VERSION = 1
_RAW, _ZLIB = 0, 1
_AAD_PREFIX = b"medterm-journal-field/v1"
_KEY_CHECK_META = "key_check"


def _subkey(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class FieldCipher:
    """Encrypts and decrypts one field at a time; computes person keys."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != KEY_SIZE:
            raise KeyFileError(f"key is {len(master_key)} bytes, expected {KEY_SIZE}")
        self._aead = AESGCM(_subkey(master_key, b"medterm journal field encryption"))
        self._lookup = _subkey(master_key, b"medterm journal person lookup")
        check = _subkey(master_key, b"medterm journal key check")
        self.check_value = hashlib.sha256(check).hexdigest()

    @staticmethod
    def _aad(table: str, column: str, row_id: str | int, header: bytes) -> bytes:
        return b"\x00".join(
            (_AAD_PREFIX, header, *(str(p).encode() for p in (table, column, row_id)))
        )

    def encrypt(self, table: str, column: str, row_id: str | int, plaintext: bytes) -> bytes:
        """`version | flags | nonce | ciphertext+tag`; compressed first when that is shorter."""
        packed = zlib.compress(plaintext, 6)
        flags, body = (_ZLIB, packed) if len(packed) < len(plaintext) else (_RAW, plaintext)
        header = bytes((_VERSION, flags))
        nonce = os.urandom(NONCE_SIZE)
        sealed = self._aead.encrypt(nonce, body, self._aad(table, column, row_id, header))
        return header + nonce + sealed

    def decrypt(self, table: str, column: str, row_id: str | int, blob: bytes) -> bytes:
        """The plaintext, or `FieldTamperedError` if the blob was altered or moved."""
        where = f"{table}.{column} of row {row_id}"
        if len(blob) < 2 + NONCE_SIZE + 16 or blob[0] != _VERSION or blob[1] not in (_RAW, _ZLIB):
            raise FieldTamperedError(f"{where}: not a field of this journal")
        header, nonce, sealed = blob[:2], blob[2 : 2 + NONCE_SIZE], blob[2 + NONCE_SIZE :]
        try:
            body = self._aead.decrypt(nonce, sealed, self._aad(table, column, row_id, header))
        except InvalidTag:
            raise FieldTamperedError(where) from None
        return zlib.decompress(body) if header[1] == _ZLIB else body

    def encrypt_json(self, table: str, column: str, row_id: str | int, value: Any) -> bytes:
        """Encrypt a JSON value (compact, keys sorted; never pickle)."""
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return self.encrypt(table, column, row_id, text.encode())

    def decrypt_json(self, table: str, column: str, row_id: str | int, blob: bytes) -> Any:
        return json.loads(self.decrypt(table, column, row_id, blob))

    def person_key(self, cert_type: str, certno: str) -> str:
        """A stable pseudonym of a person (128-bit keyed hash, hex) for lookups and ordering.

        Without the key it cannot be reversed by trying every ID number (an unkeyed hash of an
        18-digit ID with a checksum could be brute-forced in hours).
        """
        message = f"{cert_type}\x00{certno.strip().upper()}".encode()
        return hmac.new(self._lookup, message, hashlib.sha256).hexdigest()[:32]


def read_key(path: Path) -> bytes:
    mode = path.stat().st_mode
    if mode & 0o077:
        raise KeyFileError(f"{path}: mode {oct(mode & 0o777)} lets others read it (need 0600)")
    key = path.read_bytes()
    if len(key) != KEY_SIZE:
        raise KeyFileError(f"{path}: {len(key)} bytes, expected {KEY_SIZE}")
    return key


def _create_key(path: Path) -> bytes:
    """Write a new random key with mode 0600 from the start (never world-readable, even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(KEY_SIZE)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return key


def open_field_cipher(key_path: Path, database: JournalDatabase) -> FieldCipher:
    """The cipher of this journal: load the key (or create it on a journal's first start).

    Raises `KeyMissingError` when the journal already holds data but the key file is gone,
    `KeyMismatchError` when the key file is not the one the journal was written with,
    `KeyFileError` when the file is unusable.
    """
    key_path = Path(key_path)
    rows = database.query("SELECT value FROM meta WHERE key = ?", (_KEY_CHECK_META,))
    stored = rows[0]["value"] if rows else None
    if key_path.exists():
        cipher = FieldCipher(read_key(key_path))
    else:
        has_data = database.query("SELECT 1 FROM transactions LIMIT 1")
        if stored is not None or has_data:
            raise KeyMissingError(f"{key_path} does not exist")
        cipher = FieldCipher(_create_key(key_path))
    if stored is None:
        with database.write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                (_KEY_CHECK_META, cipher.check_value),
            )
        stored = database.query("SELECT value FROM meta WHERE key = ?", (_KEY_CHECK_META,))[0][
            "value"
        ]
    if not hmac.compare_digest(stored, cipher.check_value):
        raise KeyMismatchError(f"{key_path} does not match the journal {database.path}")
    return cipher
