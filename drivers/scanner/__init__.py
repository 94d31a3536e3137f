"""QR and barcode scanners: serial and keyboard-wedge transports, and the one scan classifier."""
