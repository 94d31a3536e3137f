#!/usr/bin/env bash
# Prepares a Debian 12 machine (as root) and the project's virtual environment for the demo
# and the tests. Safe to run again: apt and pip steps are skipped when already satisfied.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
venv="$here/.venv"
stamp="$venv/.medterm-installed"

apt_packages=(
  python3 python3-venv python3-dev build-essential swig pkg-config
  libssl3  # libcrypto.so.3: SM2/SM3 signatures through ctypes (terminal/openssl_sm2.py)
  pcscd libpcsclite-dev libpcsclite1 vsmartcard-vpcd pcsc-tools
  socat xvfb xauth fonts-noto-cjk
  libglib2.0-0  # QtCore links glib: without it nothing of PySide6 imports
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
  libxcb-randr0 libxcb-render-util0 libxcb-image0
  libpulse0  # loaded by PySide6 QtMultimedia (camera)
  # the headless demo and the AT-SPI test: a private D-Bus, the accessibility bus, its client
  # (libatspi through Debian's PyGObject, linked into the venv below) and real key events
  dbus-daemon at-spi2-core python3-gi gir1.2-atspi-2.0 xdotool
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "devenv: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi

# Reinstall only when the dependency list changed since the last install.
want=$(sha256sum "$here/pyproject.toml" "$0" | sha256sum | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  "$venv/bin/python" -m pip install -q --upgrade pip wheel "setuptools<81"
  # face_recognition_models still imports pkg_resources, which setuptools 81 removed.
  # The face extra declares what face_recognition.api runs on, dlib-bin (dlib prebuilt) among
  # them; face_recognition itself requires "dlib", which builds from source for many minutes,
  # so it alone is installed without its dependencies (pyproject.toml says which are used).
  "$venv/bin/python" -m pip install -q -e "$here[dev,face]"
  "$venv/bin/python" -m pip install -q --no-deps face_recognition
  echo "$want" >"$stamp"
fi

# PyGObject from PyPI builds from source (a compiler, cairo and girepository headers): Debian's
# python3-gi is the same CPython 3.11 ABI, so only its `gi` package is linked into the venv
# (not all of /usr/lib/python3/dist-packages, which would shadow nothing but hide mistakes).
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
ln -sfn /usr/lib/python3/dist-packages/gi "$site/gi"

# The screens' translations: .ts (in git) -> .qm (build output) with the PySide6 wheel's
# lrelease. Every run, because it is quick and a changed .ts must not leave a stale .qm;
# `set -e` fails the install when lrelease fails.
"$venv/bin/python" -c "import ui.i18n as t; print('devenv: built', *(p.name for p in t.build()))"

