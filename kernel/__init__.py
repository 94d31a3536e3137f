"""The shared kernel: the vocabulary every layer speaks, importing none of them.

`drivers/`, `offline_store/`, `terminal/` (and `ui/`, `simulators/`) import from here; this
package imports only the standard library. What lives here is what two or more layers must
agree on exactly: money, the settlement breakdown, the states and records of a transaction,
the error base and its registry, the one masker, and the interface's constants with the
per-kind checkout profiles (`protocol.py`).
"""
