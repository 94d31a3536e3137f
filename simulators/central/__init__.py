"""The central platform simulator: central-api.md over HTTP, settled by terminal.policy.

Run as `python -m simulators.central --world WORLD.json --db central.db`; see docs/simulator.md.
"""
