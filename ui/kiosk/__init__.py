"""The patient kiosk: one module per screen, a thin registry of pages (`pages`)."""
