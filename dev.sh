#!/usr/bin/env bash
# The project's commands on a Debian 12 machine, as root (`make demo|test|bench` calls these):
#   ./dev.sh demo    the kiosk with every simulator on the default world and the simulator
#                    control window; with no $DISPLAY, scripted journeys under Xvfb that end
#                    by themselves (screenshots in .demo-data/screenshots/, settlements printed)
#   ./dev.sh test    ruff, then the whole test suite (what CI runs, as `make test`)
#   ./dev.sh bench   every benchmark in bench/ (results go into bench/README.md by hand)
# Each first runs packaging/devenv.sh, which installs what is missing (Debian packages, the
# virtual environment in .venv) and skips what is there, so a fresh machine needs only bash:
# not even make, which a minimal Debian does not have.
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  echo "usage: ./dev.sh demo|test|bench" >&2
  exit 2
}

(($# == 1)) || usage
case "$1" in
  demo | test | bench) ;;
  *) usage ;;
esac

bash packaging/devenv.sh
py=.venv/bin/python

case "$1" in
  demo)
    # With a display: the kiosk and the simulator control window. Without one, the kiosk
    # under Xvfb with a scripted patient per credential, driven through its accessibility
    # tree (`medterm demo` chooses by $DISPLAY; `medterm demo --cli` keeps the text scenes).
    exec "$py" -m terminal.cli demo
    ;;
  test)
    export QT_QPA_PLATFORM=offscreen
    "$py" -m ruff check .
    exec "$py" -m pytest -q
    ;;
  bench)
    export QT_QPA_PLATFORM=offscreen
    for file in bench/bench_*.py; do
      "$py" -m "bench.$(basename "$file" .py)"
    done
    "$py" -m bench.bench_drain --compare signing  # the drain with SM2 on beside signing off
    ;;
esac
