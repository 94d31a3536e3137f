"""The simulator control window of `make demo`: what a patient and the world around the kiosk
do, pressed by a person at the demo (docs/simulator.md, "Device control")."""
