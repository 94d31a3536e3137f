"""terminal.sm2 (OpenSSL through ctypes) against the GM/T 0003.5 example and against gmssl, the
pure-Python reference it replaced, in both directions; and its answers to bad input."""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from gmssl import sm2 as reference
from hypothesis import example, given, settings
from hypothesis import strategies as st

from terminal import sm2

N = sm2.ORDER
# GM/T 0003.5 (SM2 part 5), the example on the recommended curve: private key, public key,
# the random k of the example, and the signature of "message digest" with the default user id.
EXAMPLE_PRIVATE = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"
EXAMPLE_PUBLIC = (
    "09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"
    "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13"
)
EXAMPLE_K = "59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21"
EXAMPLE_SIGNATURE = bytes.fromhex(
    "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
    "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa"
)
EXAMPLE_MESSAGE = b"message digest"
# The smallest private keys whose public key starts with "04" (gmssl's constructor strips that
# as if it were the uncompressed-point prefix; the test of each asserts it still holds).
KEYS_PUBLIC_04 = (11, 225, 307)

# Each cross-check costs one gmssl operation (7-11 ms): 1,000 examples in each direction keeps
# either test near 15 s on the 2-core machine.
CROSS_CHECK = settings(max_examples=1000)
private_keys = st.one_of(
    st.integers(1, N - 2),
    st.integers(1, 2**244),  # hex starting with 0s
    st.sampled_from(KEYS_PUBLIC_04),
)
messages = st.binary(max_size=300)


def reference_crypt(private_hex: str, public_hex: str) -> reference.CryptSM2:
    """gmssl's signer with the key set after construction (its constructor mangles a public
    key starting with 04)."""
    crypt = reference.CryptSM2(private_key=private_hex, public_key="")
    crypt.public_key = public_hex
    return crypt


def test_the_example_private_key_gives_the_example_public_key() -> None:
    assert sm2.public_key_of(EXAMPLE_PRIVATE) == EXAMPLE_PUBLIC


def test_the_example_signature_verifies() -> None:
    assert sm2.verify(EXAMPLE_PUBLIC, EXAMPLE_MESSAGE, EXAMPLE_SIGNATURE)


def test_the_example_signature_does_not_verify_another_message() -> None:
    assert not sm2.verify(EXAMPLE_PUBLIC, b"message digesT", EXAMPLE_SIGNATURE)


def test_the_reference_makes_the_example_signature_with_the_example_k() -> None:
    """The constants above are the standard's: gmssl, given the example's k, signs exactly
    them (so its Z value uses the same default user id as ours)."""
    crypt = reference_crypt(EXAMPLE_PRIVATE, EXAMPLE_PUBLIC)
    assert crypt.sign_with_sm3(EXAMPLE_MESSAGE, EXAMPLE_K) == EXAMPLE_SIGNATURE.hex()


def test_a_signature_of_the_example_key_verifies_with_the_reference() -> None:
    signature = sm2.sign(EXAMPLE_PRIVATE, EXAMPLE_PUBLIC, EXAMPLE_MESSAGE)
    assert reference_crypt("", EXAMPLE_PUBLIC).verify_with_sm3(signature.hex(), EXAMPLE_MESSAGE)


@pytest.mark.parametrize("d", KEYS_PUBLIC_04)
def test_a_public_key_starting_with_04_signs_and_verifies(d: int) -> None:
    private = f"{d:064x}"
    public = sm2.public_key_of(private)
    assert public.startswith("04")
    signature = sm2.sign(private, public, b"envelope")
    assert sm2.verify(public, b"envelope", signature)
    assert reference_crypt("", public).verify_with_sm3(signature.hex(), b"envelope")


@CROSS_CHECK
@given(private=private_keys, message=messages)
def test_native_signatures_verify_with_the_reference(private: int, message: bytes) -> None:
    private_hex = f"{private:064x}"
    public_hex = sm2.public_key_of(private_hex)
    signature = sm2.sign(private_hex, public_hex, message)
    assert len(signature) == 64
    assert reference_crypt("", public_hex).verify_with_sm3(signature.hex(), message)


@CROSS_CHECK
@given(private=private_keys, message=messages)
@example(private=int(EXAMPLE_PRIVATE, 16), message=EXAMPLE_MESSAGE)
def test_reference_signatures_verify_natively(private: int, message: bytes) -> None:
    private_hex = f"{private:064x}"
    crypt = reference_crypt(private_hex, "")
    public_hex = crypt._kg(private, reference.default_ecc_table["g"])
    assert sm2.public_key_of(private_hex) == public_hex
    crypt.public_key = public_hex
    signature = bytes.fromhex(crypt.sign_with_sm3(message))
    assert sm2.verify(public_hex, message, signature)
    assert not sm2.verify(public_hex, message + b"!", signature)


def test_a_signature_by_another_key_does_not_verify() -> None:
    other = sm2.SM2KeyPair.generate()
    signature = sm2.sign(other.private_key_hex, other.public_key_hex, EXAMPLE_MESSAGE)
    assert sm2.verify(other.public_key_hex, EXAMPLE_MESSAGE, signature)
    assert not sm2.verify(EXAMPLE_PUBLIC, EXAMPLE_MESSAGE, signature)


@pytest.mark.parametrize(
    "signature",
    [
        b"",
        EXAMPLE_SIGNATURE[:63],
        EXAMPLE_SIGNATURE + b"\x00",
        bytes(64),
        bytes(32) + EXAMPLE_SIGNATURE[32:],  # r = 0
        EXAMPLE_SIGNATURE[:32] + bytes(32),  # s = 0
        N.to_bytes(32, "big") + EXAMPLE_SIGNATURE[32:],  # r = n
        EXAMPLE_SIGNATURE[:32] + N.to_bytes(32, "big"),  # s = n
        b"\xff" * 32 + EXAMPLE_SIGNATURE[32:],  # r > n
        EXAMPLE_SIGNATURE[:32] + b"\xff" * 32,
        ((int.from_bytes(EXAMPLE_SIGNATURE[:32], "big") + N) % 2**256).to_bytes(32, "big")
        + EXAMPLE_SIGNATURE[32:],  # r + n: the same residue, out of range
    ],
    ids=[
        "empty",
        "truncated",
        "over-long",
        "zero",
        "r-zero",
        "s-zero",
        "r-is-n",
        "s-is-n",
        "r-too-big",
        "s-too-big",
        "r-plus-n",
    ],
)
def test_a_malformed_signature_does_not_verify(signature: bytes) -> None:
    assert sm2.verify(EXAMPLE_PUBLIC, EXAMPLE_MESSAGE, signature) is False


def off_curve(public_hex: str) -> str:
    y = (int(public_hex[64:], 16) + 1) % 2**256
    return public_hex[:64] + f"{y:064x}"


@pytest.mark.parametrize(
    "public",
    [off_curve(EXAMPLE_PUBLIC), "0" * 128, "f" * 128],
    ids=["y-plus-one", "zero", "all-ones"],
)
def test_a_public_key_off_the_curve_is_a_typed_error(public: str) -> None:
    with pytest.raises(sm2.SignatureError) as raised:
        sm2.verify(public, EXAMPLE_MESSAGE, EXAMPLE_SIGNATURE)
    assert raised.value.code == "E111"
    with pytest.raises(sm2.SignatureError):
        sm2.check_public_key(public)


@pytest.mark.parametrize(
    "public",
    [
        EXAMPLE_PUBLIC[:-1],
        EXAMPLE_PUBLIC + "0",
        "04" + EXAMPLE_PUBLIC,
        "zz" + EXAMPLE_PUBLIC[2:],
        EXAMPLE_PUBLIC[:10] + " " + EXAMPLE_PUBLIC[11:],
        "",
    ],
    ids=["short", "long", "prefixed", "not-hex", "space", "empty"],
)
def test_a_malformed_public_key_is_a_typed_error(public: str) -> None:
    with pytest.raises(sm2.SignatureError):
        sm2.verify(public, EXAMPLE_MESSAGE, EXAMPLE_SIGNATURE)


def test_a_public_key_that_is_not_text_is_a_typed_error() -> None:
    with pytest.raises(sm2.SignatureError):
        sm2.verify(bytes.fromhex(EXAMPLE_PUBLIC), EXAMPLE_MESSAGE, EXAMPLE_SIGNATURE)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "private",
    ["0" * 64, f"{N - 1:064x}", f"{N:064x}", "f" * 64, EXAMPLE_PRIVATE[:-2], "g" * 64],
    ids=["zero", "n-1", "n", "too-big", "short", "not-hex"],
)
def test_a_private_key_out_of_range_or_malformed_is_a_typed_error(private: str) -> None:
    with pytest.raises(sm2.SignatureError):
        sm2.sign(private, EXAMPLE_PUBLIC, EXAMPLE_MESSAGE)
    with pytest.raises(sm2.SignatureError):
        sm2.public_key_of(private)


def test_text_instead_of_bytes_is_a_type_error_not_a_ctypes_one() -> None:
    with pytest.raises(TypeError, match="bytes, not str"):
        sm2.sign(EXAMPLE_PRIVATE, EXAMPLE_PUBLIC, "message digest")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bytes, not str"):
        sm2.verify(EXAMPLE_PUBLIC, "message digest", EXAMPLE_SIGNATURE)  # type: ignore[arg-type]


def test_signing_with_a_public_key_off_the_curve_is_a_typed_error() -> None:
    with pytest.raises(sm2.SignatureError):
        sm2.sign(EXAMPLE_PRIVATE, off_curve(EXAMPLE_PUBLIC), EXAMPLE_MESSAGE)


@given(signature=st.binary(max_size=130))
@example(signature=EXAMPLE_SIGNATURE[:32] + EXAMPLE_SIGNATURE[:32])
def test_garbage_signatures_do_not_verify(signature: bytes) -> None:
    assert sm2.verify(EXAMPLE_PUBLIC, EXAMPLE_MESSAGE, signature) is False


@given(public=st.binary(min_size=64, max_size=64), signature=st.binary(min_size=64, max_size=64))
def test_garbage_public_keys_are_refused_or_do_not_verify(public: bytes, signature: bytes) -> None:
    with contextlib.suppress(sm2.SignatureError):  # almost every 64-byte string is off the curve
        assert sm2.verify(public.hex(), EXAMPLE_MESSAGE, signature) is False


@given(public=st.text(max_size=140))
def test_garbage_public_key_text_is_a_typed_error(public: str) -> None:
    with pytest.raises(sm2.SignatureError):
        sm2.verify(public, EXAMPLE_MESSAGE, EXAMPLE_SIGNATURE)


def test_threads_sign_and_verify_at_once_with_more_keys_than_the_cache_holds() -> None:
    """96 keys over 8 threads: entries are evicted while other threads use them."""
    pairs = [sm2.SM2KeyPair.generate() for _ in range(96)]

    def work(worker: int) -> list[bool]:
        outcomes = []
        for n in range(60):
            pair = pairs[(worker * 7 + n) % len(pairs)]
            other = pairs[(worker * 7 + n + 1) % len(pairs)]
            message = f"{worker}/{n}".encode()
            signature = sm2.sign(pair.private_key_hex, pair.public_key_hex, message)
            outcomes.append(sm2.verify(pair.public_key_hex, message, signature))
            outcomes.append(not sm2.verify(other.public_key_hex, message, signature))
        return outcomes

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [ok for outcome in pool.map(work, range(8)) for ok in outcome]
    assert len(results) == 8 * 60 * 2
    assert all(results)
