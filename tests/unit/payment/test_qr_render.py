"""The QR code the patient scans decodes back to the gateway's URL."""

from __future__ import annotations

import cv2
import numpy as np

from terminal.payment import qr_matrix, qr_png

URL = "http://127.0.0.1:8766/pay/scan/PG0123456789ABCDEF01234567"


def test_png_decodes_back_to_the_payload() -> None:
    image = cv2.imdecode(np.frombuffer(qr_png(URL), dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    assert text == URL


def test_matrix_is_square_with_a_quiet_zone() -> None:
    matrix = qr_matrix(URL, border=4)
    assert len(matrix) == len(matrix[0])
    assert not any(matrix[0]) and not any(row[0] for row in matrix)
    assert any(any(row) for row in matrix)
