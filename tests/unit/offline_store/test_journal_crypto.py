"""Field encryption: round trips, refuses tampered or moved fields, and guards its key."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from journal_helpers import CERTNO, make_identity

from kernel.states import TxKind
from offline_store.crypto import FieldCipher
from offline_store.errors import (
    FieldTamperedError,
    KeyFileError,
    KeyMismatchError,
    KeyMissingError,
)
from offline_store.journal import Journal

CIPHER = FieldCipher(bytes(range(32)))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(json_values, st.text(min_size=1), st.integers(min_value=0))
def test_json_round_trips(value: object, column: str, row: int) -> None:
    blob = CIPHER.encrypt_json("t", column, row, value)
    assert CIPHER.decrypt_json("t", column, row, blob) == value


@given(st.binary(max_size=2000))
def test_bytes_round_trip_compressed_or_not(data: bytes) -> None:
    assert CIPHER.decrypt("t", "c", "r", CIPHER.encrypt("t", "c", "r", data)) == data


@given(st.binary(min_size=1, max_size=200), st.data())
def test_any_flipped_bit_is_detected(data: bytes, draw: st.DataObject) -> None:
    blob = bytearray(CIPHER.encrypt("t", "c", "r", data))
    index = draw.draw(st.integers(min_value=0, max_value=len(blob) - 1))
    blob[index] ^= 1 << draw.draw(st.integers(min_value=0, max_value=7))
    with pytest.raises(FieldTamperedError):
        CIPHER.decrypt("t", "c", "r", bytes(blob))


@pytest.mark.parametrize(
    "where", [("other", "c", "r"), ("t", "other", "r"), ("t", "c", "another row")]
)
def test_field_moved_to_another_table_column_or_row_is_refused(where: tuple[str, str, str]) -> None:
    blob = CIPHER.encrypt("t", "c", "r", b"secret")
    with pytest.raises(FieldTamperedError):
        CIPHER.decrypt(*where, blob)


def test_same_value_encrypts_differently_each_time() -> None:
    assert CIPHER.encrypt("t", "c", 1, b"x") != CIPHER.encrypt("t", "c", 1, b"x")


def test_person_key_is_stable_keyed_and_ignores_case_and_spaces() -> None:
    key = CIPHER.person_key("02", CERTNO)
    assert key == CIPHER.person_key("02", f" {CERTNO.lower()} ")
    assert key != CIPHER.person_key("02", "440301199001011235")
    assert key != FieldCipher(bytes(32)).person_key("02", CERTNO)
    assert CERTNO not in key and len(key) == 32


def test_identity_swapped_between_rows_is_refused(journal: Journal, tmp_path: Path) -> None:
    first = journal.identify(journal.create(TxKind.PHARMACY).tx_id, make_identity()).tx_id
    second = journal.create(TxKind.PHARMACY).tx_id
    journal.identify(second, make_identity("440301199202021111", "李四"))
    raw = sqlite3.connect(journal.database.path)
    blob = raw.execute("SELECT identity FROM transactions WHERE tx_id = ?", (first,)).fetchone()
    raw.execute("UPDATE transactions SET identity = ? WHERE tx_id = ?", (blob[0], second))
    raw.commit()
    raw.close()
    assert journal.get(first).identity == make_identity()
    with pytest.raises(FieldTamperedError):
        journal.get(second)


def test_key_file_is_created_with_mode_0600(journal_paths: tuple[Path, Path]) -> None:
    db_path, key_path = journal_paths
    Journal.open(db_path, key_path).close()
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert len(key_path.read_bytes()) == 32


def test_missing_key_with_existing_journal_is_refused(journal_paths: tuple[Path, Path]) -> None:
    db_path, key_path = journal_paths
    Journal.open(db_path, key_path).close()
    key_path.unlink()
    with pytest.raises(KeyMissingError) as caught:
        Journal.open(db_path, key_path)
    assert caught.value.code == "E510"
    assert not key_path.exists()  # no new key was made over the old data


def test_wrong_key_is_refused(journal_paths: tuple[Path, Path]) -> None:
    db_path, key_path = journal_paths
    Journal.open(db_path, key_path).close()
    key_path.write_bytes(os.urandom(32))
    with pytest.raises(KeyMismatchError):
        Journal.open(db_path, key_path)


def test_key_readable_by_others_is_refused(journal_paths: tuple[Path, Path]) -> None:
    db_path, key_path = journal_paths
    Journal.open(db_path, key_path).close()
    key_path.chmod(0o644)
    with pytest.raises(KeyFileError):
        Journal.open(db_path, key_path)


def test_truncated_key_is_refused(journal_paths: tuple[Path, Path]) -> None:
    db_path, key_path = journal_paths
    Journal.open(db_path, key_path).close()
    key_path.write_bytes(key_path.read_bytes()[:16])
    with pytest.raises(KeyFileError):
        Journal.open(db_path, key_path)


@given(
    st.text(max_size=4),
    st.text(max_size=20),
    st.text(max_size=12),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
)
def test_identity_round_trips_through_its_encrypted_field(
    cert_type: str, certno: str, name: str, extra: dict[str, str]
) -> None:
    from kernel.records import PersonIdentity

    identity = PersonIdentity(cert_type, certno, name, psn_no=certno[::-1], extra=extra)
    blob = CIPHER.encrypt_json("transactions", "identity", "tx", identity.to_json())
    decoded = CIPHER.decrypt_json("transactions", "identity", "tx", blob)
    assert PersonIdentity.from_json(decoded) == identity


def test_identity_repr_shows_nothing_personal() -> None:
    identity = make_identity()
    assert CERTNO not in repr(identity) and identity.name not in repr(identity)
