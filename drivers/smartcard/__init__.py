"""Social security card (社保卡) reader over PC/SC: codec (APDUs, records) and reader."""
