# The README's two commands. Each runs dev.sh, which installs what is missing (Debian packages,
# the virtual environment in .venv) through packaging/devenv.sh and is safe to run again.
.PHONY: demo test bench

demo:
	./dev.sh demo

test:
	./dev.sh test

# Not part of `make test`: benchmarks are measured, and recorded in bench/README.md by hand.
bench:
	./dev.sh bench
