"""Resident ID card reader (身份证阅读器) on a serial port: frame codec, text codec, reader."""
