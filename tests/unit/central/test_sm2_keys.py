"""Every valid key pair signs and verifies, including public keys that start with "04"
(gmssl strips such a key's leading 0s and 4s when given to its constructor)."""

from __future__ import annotations

from terminal import sm2

# d = 11: the smallest private key whose public key starts with "04".
KEY_04 = sm2.SM2KeyPair(
    private_key_hex=f"{11:064x}",
    public_key_hex=(
        "04b3cb10c9c6d8e27c1aab770f67f543125dcdd589c2ff82668c74d78ce20ace"
        "63516355287e39fe4918e5c02e2b0b930c94816e63c4bc72739a8fd805174a4b"
    ),
)


def test_a_public_key_starting_with_04_signs_and_verifies() -> None:
    signature = sm2.sign(KEY_04.private_key_hex, KEY_04.public_key_hex, b"envelope")
    assert sm2.verify(KEY_04.public_key_hex, b"envelope", signature)
    assert not sm2.verify(KEY_04.public_key_hex, b"envelope2", signature)
