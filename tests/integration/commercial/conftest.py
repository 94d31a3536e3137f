"""The commercial plan's tests run against the module's simulator (tests/conftest.py)."""
