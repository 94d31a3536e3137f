"""Receipt printer: ESC/POS layout (python-escpos) in GB18030, over serial, with paper status."""
