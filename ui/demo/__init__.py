"""`make demo`: the kiosk with every simulator, its control window, the headless demo."""
