# The two commands of the README. Each prepares what it needs (Debian packages, the virtual
# environment at .venv) through packaging/devenv.sh, which is idempotent.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test env bench

env:
	@bash packaging/devenv.sh

demo: env
	$(PY) -m terminal.cli demo

test: env
	QT_QPA_PLATFORM=offscreen $(PY) -m ruff check .
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

# Benchmarks are not part of `make test`: they are measured, and recorded in bench/README.md.
bench: env
	for b in bench/bench_*.py; do QT_QPA_PLATFORM=offscreen $(PY) -m bench.$$(basename $$b .py) || exit 1; done
