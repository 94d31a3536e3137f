"""SM2-with-SM3 signatures (GM/T 0009, default user id) by the system's OpenSSL 3, via ctypes.

Why this way (docs/platform-client.md, "SM2 signatures"): libcrypto.so.3 is part of every
Debian 12 (libssl3, which Python's own `ssl` module links), has SM2 and SM3, is patched by the
distribution's security updates, and needs no compiler and no extra package. Everything
elliptic-curve is OpenSSL's: this module only moves bytes in and out.

Thread safety: every OpenSSL object is made and freed within one call, except the parsed keys
(`EVP_PKEY`), which OpenSSL allows to be used by several threads at once. They are kept in a
small cache whose entries are reference-counted: a caller takes its own reference under the
cache's lock (`EVP_PKEY_up_ref`) and drops it when done, so an entry evicted meanwhile is freed
by whoever lets go last. ctypes releases the GIL during each foreign call, so threads really
sign in parallel. OpenSSL's per-thread error queue is cleared after every operation (Python's
`ssl` module shares the library and would otherwise read our stale errors).

Bytes in, bytes out: private keys are 32 bytes, public keys 64 (X || Y, no 04 prefix),
signatures 64 (r || s); `terminal.sm2` is the interface that checks and converts.
"""

from __future__ import annotations

import ctypes
import threading
from collections import OrderedDict
from typing import Any

from terminal.sm2_errors import SignatureError, SM2LibraryMissing

LIBRARY = "libcrypto.so.3"
# GM/T 0009's default user id (in the Z value). Set with EVP_PKEY_CTX_set1_id after the
# Digest*Init_ex: OpenSSL 3.0 refuses the "distid" parameter passed to the init itself, and its
# own default is not this id.
DEFAULT_ID = b"1234567812345678"
_NID_SM2 = 1172  # obj_mac.h
_SELECT_PUBLIC = 0x86  # EVP_PKEY_PUBLIC_KEY: domain parameters + public key
_SELECT_KEYPAIR = 0x87  # EVP_PKEY_KEYPAIR: the same + private key
_UNCOMPRESSED = 4  # POINT_CONVERSION_UNCOMPRESSED
_DER_MAX = 72  # SEQUENCE of two 33-byte INTEGERs
_KEY_CACHE_SIZE = 64

# The GM/T 0003.5 example (private key, its public key, and the signature of "message digest"
# with the default id): loading checks the library against it before anything is signed.
_EXAMPLE_PRIVATE = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
_EXAMPLE_PUBLIC = bytes.fromhex(
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
_EXAMPLE_SIGNATURE = bytes.fromhex(
    "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
)

_p = ctypes.c_void_p
_int = ctypes.c_int
_size = ctypes.c_size_t
_bytes = ctypes.c_char_p
_PROTOTYPES: dict[str, tuple[Any, list[Any]]] = {
    "OpenSSL_version_num": (ctypes.c_ulong, []),
    "ERR_clear_error": (None, []),
    "BN_secure_new": (_p, []),
    "BN_bin2bn": (_p, [_bytes, _int, _p]),
    "BN_bn2binpad": (_int, [_p, ctypes.c_char_p, _int]),
    "BN_free": (None, [_p]),
    "BN_clear_free": (None, [_p]),
    "OSSL_PARAM_BLD_new": (_p, []),
    "OSSL_PARAM_BLD_push_utf8_string": (_int, [_p, _bytes, _bytes, _size]),
    "OSSL_PARAM_BLD_push_octet_string": (_int, [_p, _bytes, _bytes, _size]),
    "OSSL_PARAM_BLD_push_BN": (_int, [_p, _bytes, _p]),
    "OSSL_PARAM_BLD_to_param": (_p, [_p]),
    "OSSL_PARAM_BLD_free": (None, [_p]),
    "OSSL_PARAM_free": (None, [_p]),
    "EVP_PKEY_CTX_new_from_name": (_p, [_p, _bytes, _bytes]),
    "EVP_PKEY_CTX_free": (None, [_p]),
    "EVP_PKEY_CTX_set1_id": (_int, [_p, _bytes, _int]),
    "EVP_PKEY_fromdata_init": (_int, [_p]),
    "EVP_PKEY_fromdata": (_int, [_p, ctypes.POINTER(_p), _int, _p]),
    "EVP_PKEY_up_ref": (_int, [_p]),
    "EVP_PKEY_free": (None, [_p]),
    "EVP_MD_CTX_new": (_p, []),
    "EVP_MD_CTX_free": (None, [_p]),
    "EVP_DigestSignInit_ex": (_int, [_p, ctypes.POINTER(_p), _bytes, _p, _bytes, _p, _p]),
    "EVP_DigestSign": (_int, [_p, ctypes.c_char_p, ctypes.POINTER(_size), _bytes, _size]),
    "EVP_DigestVerifyInit_ex": (_int, [_p, ctypes.POINTER(_p), _bytes, _p, _bytes, _p, _p]),
    "EVP_DigestVerify": (_int, [_p, _bytes, _size, _bytes, _size]),
    "ECDSA_SIG_new": (_p, []),
    "ECDSA_SIG_free": (None, [_p]),
    "ECDSA_SIG_get0_r": (_p, [_p]),
    "ECDSA_SIG_get0_s": (_p, [_p]),
    "ECDSA_SIG_set0": (_int, [_p, _p, _p]),
    "d2i_ECDSA_SIG": (_p, [_p, ctypes.POINTER(_p), ctypes.c_long]),
    "i2d_ECDSA_SIG": (_int, [_p, ctypes.POINTER(_p)]),
    "EC_GROUP_new_by_curve_name": (_p, [_int]),
    "EC_GROUP_free": (None, [_p]),
    "EC_POINT_new": (_p, [_p]),
    "EC_POINT_free": (None, [_p]),
    "EC_POINT_mul": (_int, [_p, _p, _p, _p, _p, _p]),
    "EC_POINT_point2oct": (_size, [_p, _p, _int, ctypes.c_char_p, _size, _p]),
}


class _Crypto:
    """The libcrypto functions this module calls, with their C signatures."""

    def __init__(self, library: ctypes.CDLL) -> None:
        for name, (restype, argtypes) in _PROTOTYPES.items():
            function = getattr(library, name)  # AttributeError: not OpenSSL 3
            function.restype = restype
            function.argtypes = argtypes
            setattr(self, name, function)


_load_lock = threading.Lock()
_crypto: _Crypto | None = None


def crypto() -> _Crypto:
    """The loaded and checked library (loaded once, on first use); `SM2LibraryMissing` if
    there is no libcrypto.so.3, it is not OpenSSL 3, or it fails the GM/T 0003.5 example."""
    global _crypto
    if _crypto is None:
        with _load_lock:
            if _crypto is None:
                _crypto = load(LIBRARY)
    return _crypto


def load(name: str) -> _Crypto:
    """Open the library `name` and check it signs SM2 as the standard's example says."""
    try:
        library = ctypes.CDLL(name)
    except OSError as err:
        raise SM2LibraryMissing(f"cannot load {name}: {err}") from None
    try:
        lib = _Crypto(library)
    except AttributeError as err:
        raise SM2LibraryMissing(f"{name} is not OpenSSL 3 (no {err})") from None
    version = lib.OpenSSL_version_num()
    if version < 0x30000000:
        raise SM2LibraryMissing(f"{name} is OpenSSL {version:#x}, not 3.x")
    try:
        works = _public_key(lib, _EXAMPLE_PRIVATE) == _EXAMPLE_PUBLIC and _verify(
            lib, _EXAMPLE_PUBLIC, b"message digest", _EXAMPLE_SIGNATURE
        )
    except SignatureError:
        works = False
    if not works:
        raise SM2LibraryMissing(f"{name} has no working SM2/SM3 (the GM/T 0003.5 example fails)")
    return lib


def public_key(private: bytes) -> bytes:
    """The public key (X || Y) of the 32-byte private key."""
    return _public_key(crypto(), private)


def check_public_key(public: bytes) -> None:
    """`SignatureError` unless `public` is a point of the SM2 curve (the key is kept parsed)."""
    lib = crypto()
    lib.EVP_PKEY_free(_keys.take(lib, None, public))


def sign(private: bytes, public: bytes, data: bytes) -> bytes:
    """r || s over `data`, with Z computed from `public` (the signer's own public key)."""
    lib = crypto()
    key = _keys.take(lib, private, public)
    mctx = lib.EVP_MD_CTX_new()
    try:
        pctx = _p()
        der = ctypes.create_string_buffer(_DER_MAX)
        length = _size(_DER_MAX)
        if (
            not mctx
            or lib.EVP_DigestSignInit_ex(mctx, ctypes.byref(pctx), b"SM3", None, None, key, None)
            != 1
            or lib.EVP_PKEY_CTX_set1_id(pctx, DEFAULT_ID, len(DEFAULT_ID)) != 1
            or lib.EVP_DigestSign(mctx, der, ctypes.byref(length), data, len(data)) != 1
        ):
            raise SignatureError("OpenSSL could not sign with this private key")
        return _der_to_raw(lib, der.raw[: length.value])
    finally:
        lib.EVP_MD_CTX_free(mctx)
        lib.EVP_PKEY_free(key)
        lib.ERR_clear_error()


def verify(public: bytes, data: bytes, signature: bytes) -> bool:
    """Whether `signature` (r || s) is the holder of `public`'s signature of `data`."""
    return _verify(crypto(), public, data, signature)


def _verify(lib: _Crypto, public: bytes, data: bytes, signature: bytes) -> bool:
    der = _raw_to_der(lib, signature)
    key = _keys.take(lib, None, public)
    mctx = lib.EVP_MD_CTX_new()
    try:
        pctx = _p()
        if (
            not mctx
            or lib.EVP_DigestVerifyInit_ex(mctx, ctypes.byref(pctx), b"SM3", None, None, key, None)
            != 1
            or lib.EVP_PKEY_CTX_set1_id(pctx, DEFAULT_ID, len(DEFAULT_ID)) != 1
        ):
            raise SignatureError("OpenSSL could not verify with this public key")
        return lib.EVP_DigestVerify(mctx, der, len(der), data, len(data)) == 1
    finally:
        lib.EVP_MD_CTX_free(mctx)
        lib.EVP_PKEY_free(key)
        lib.ERR_clear_error()


def _public_key(lib: _Crypto, private: bytes) -> bytes:
    group = lib.EC_GROUP_new_by_curve_name(_NID_SM2)
    point = lib.EC_POINT_new(group) if group else None
    scalar = lib.BN_secure_new()
    out = ctypes.create_string_buffer(65)
    try:
        if (
            not point
            or not scalar
            or not lib.BN_bin2bn(private, len(private), scalar)
            or lib.EC_POINT_mul(group, point, scalar, None, None, None) != 1
            or lib.EC_POINT_point2oct(group, point, _UNCOMPRESSED, out, 65, None) != 65
        ):
            raise SignatureError("OpenSSL could not derive the public key")
        return out.raw[1:]
    finally:
        lib.BN_clear_free(scalar)
        lib.EC_POINT_free(point)
        lib.EC_GROUP_free(group)
        lib.ERR_clear_error()


def _der_to_raw(lib: _Crypto, der: bytes) -> bytes:
    """OpenSSL's DER `SEQUENCE {r, s}` as the 64-byte r || s the project carries."""
    buffer = ctypes.create_string_buffer(der, len(der))
    cursor = _p(ctypes.addressof(buffer))
    sig = lib.d2i_ECDSA_SIG(None, ctypes.byref(cursor), len(der))
    if not sig:
        raise SignatureError("OpenSSL returned a signature it cannot parse")
    try:
        r, s = ctypes.create_string_buffer(32), ctypes.create_string_buffer(32)
        if (
            lib.BN_bn2binpad(lib.ECDSA_SIG_get0_r(sig), r, 32) != 32
            or lib.BN_bn2binpad(lib.ECDSA_SIG_get0_s(sig), s, 32) != 32
        ):
            raise SignatureError("OpenSSL returned a signature longer than 64 bytes")
        return r.raw + s.raw
    finally:
        lib.ECDSA_SIG_free(sig)


def _raw_to_der(lib: _Crypto, raw: bytes) -> bytes:
    sig = lib.ECDSA_SIG_new()
    r = lib.BN_bin2bn(raw[:32], 32, None)
    s = lib.BN_bin2bn(raw[32:], 32, None)
    try:
        if not sig or not r or not s or lib.ECDSA_SIG_set0(sig, r, s) != 1:
            lib.BN_free(r)
            lib.BN_free(s)  # set0 took neither
            raise SignatureError("OpenSSL could not hold this signature")
        length = lib.i2d_ECDSA_SIG(sig, None)
        der = ctypes.create_string_buffer(max(length, 1))
        cursor = _p(ctypes.addressof(der))
        if length <= 0 or lib.i2d_ECDSA_SIG(sig, ctypes.byref(cursor)) != length:
            raise SignatureError("OpenSSL could not encode this signature")
        return der.raw[:length]
    finally:
        lib.ECDSA_SIG_free(sig)  # frees r and s once set0 took them
        lib.ERR_clear_error()


class _KeyCache:
    """Parsed keys by their bytes, most recently used last; `take` hands out a reference
    the caller must `EVP_PKEY_free` (module docstring: thread safety)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._keys: OrderedDict[tuple[bytes | None, bytes], int] = OrderedDict()

    def take(self, lib: _Crypto, private: bytes | None, public: bytes) -> int:
        slot = (private, public)
        with self._lock:
            key = self._keys.get(slot)
            if key is not None and lib.EVP_PKEY_up_ref(key) == 1:
                self._keys.move_to_end(slot)
                return key
        key = _import(lib, private, public)  # outside the lock: it takes ~40 µs
        evicted: list[int] = []
        with self._lock:
            if self._size and slot not in self._keys and lib.EVP_PKEY_up_ref(key) == 1:
                self._keys[slot] = key  # the cache's own reference
                while len(self._keys) > self._size:
                    evicted.append(self._keys.popitem(last=False)[1])
        for old in evicted:
            lib.EVP_PKEY_free(old)
        return key


_keys = _KeyCache(_KEY_CACHE_SIZE)


def _import(lib: _Crypto, private: bytes | None, public: bytes) -> int:
    """A new EVP_PKEY of group SM2 from raw bytes; OpenSSL refuses a point off the curve."""
    builder = lib.OSSL_PARAM_BLD_new()
    scalar = lib.BN_secure_new() if private is not None else None
    params = None
    context = lib.EVP_PKEY_CTX_new_from_name(None, b"SM2", None)
    point = b"\x04" + public
    try:
        key = _p()
        if (
            not builder
            or not context
            or lib.OSSL_PARAM_BLD_push_utf8_string(builder, b"group", b"SM2", 0) != 1
            or lib.OSSL_PARAM_BLD_push_octet_string(builder, b"pub", point, len(point)) != 1
        ):
            raise SignatureError("OpenSSL could not take this key")
        if private is not None and (
            not scalar
            or not lib.BN_bin2bn(private, len(private), scalar)
            or lib.OSSL_PARAM_BLD_push_BN(builder, b"priv", scalar) != 1
        ):
            raise SignatureError("OpenSSL could not take this private key")
        params = lib.OSSL_PARAM_BLD_to_param(builder)
        selection = _SELECT_PUBLIC if private is None else _SELECT_KEYPAIR
        if (
            not params
            or lib.EVP_PKEY_fromdata_init(context) != 1
            or lib.EVP_PKEY_fromdata(context, ctypes.byref(key), selection, params) != 1
            or not key.value
        ):
            raise SignatureError("public key is not a point of the SM2 curve")
        return key.value
    finally:
        lib.EVP_PKEY_CTX_free(context)
        lib.OSSL_PARAM_free(params)  # clears the secure part holding the private key
        lib.OSSL_PARAM_BLD_free(builder)
        lib.BN_clear_free(scalar)
        lib.ERR_clear_error()
