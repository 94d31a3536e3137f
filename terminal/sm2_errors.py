"""The typed errors of SM2 signing (E111-E112), apart from the code that raises them so that
`terminal.sm2` and its native back end `terminal.openssl_sm2` share one definition."""

from __future__ import annotations

from kernel.errors import MedtermError


class SignatureError(MedtermError, ValueError):
    """A key or signature that is not well formed: wrong length, not hexadecimal, a private
    key outside [1, n-2], a public key that is not a point of the SM2 curve. A signature that
    is well formed but wrong is not an error: `verify()` returns False."""

    code = "E111"
    message_zh = "SM2 密钥格式不正确"
    message_en = "SM2 key is not well formed"
    action = (
        "Check the SM2 key: a private key is 64 hex digits, a public key 128 (X then Y, "
        "without the 04 prefix) and must be a point of the SM2 curve."
    )
    action_zh = (
        "请检查 SM2 密钥：私钥为 64 位十六进制数，公钥为 128 位（X 后接 Y，不带 04 前缀），"
        "且须为 SM2 曲线上的点。"
    )


class SM2LibraryMissing(MedtermError):
    """The system's OpenSSL 3 (libcrypto.so.3) is not there, or was built without SM2/SM3:
    the terminal cannot sign a request or check an e-voucher, so it refuses to start."""

    code = "E112"
    message_zh = "缺少 SM2 签名所需的 OpenSSL 3 库"
    message_en = "OpenSSL 3 with SM2 (needed for signatures) is missing"
    action = (
        "Install OpenSSL 3 with SM2 and SM3 (Debian 12: apt-get install libssl3), "
        "then start the terminal again."
    )
    action_zh = (
        "请安装支持 SM2 和 SM3 的 OpenSSL 3（Debian 12：apt-get install libssl3），"
        "然后重新启动终端。"
    )
