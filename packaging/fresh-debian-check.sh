#!/usr/bin/env bash
# Runs one of the README's commands (default: test) on a minimal Debian 12 built from scratch,
# from a fresh clone of this repository, to catch an install step that this machine's own
# packages hide. As root; installs debootstrap if missing; needs network access to Debian and
# PyPI. A minimal Debian has no `make`: it is installed first, the one thing the README asks for beforehand.
#
#   bash packaging/fresh-debian-check.sh [test|demo] [ROOT]
#
# ROOT (default /var/tmp/medterm-debian) is created once with `debootstrap --variant=minbase`
# and reused; each run clones the repository afresh into it and runs `make CMD` there.
set -euo pipefail

cmd=${1:-test}
root=${2:-/var/tmp/medterm-debian}
repo=$(cd "$(dirname "$0")/.." && pwd)

command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap; }
if [[ ! -x "$root/bin/bash" ]]; then
  mkdir -p "$root"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
fi

# The root a mount point of its own, as on a real machine: `unshare --propagation private`
# (the private pcscd of the device tests) refuses a root that is not one.
mountpoint -q "$root" || mount --bind "$root" "$root"
for m in proc sys dev run tmp; do mkdir -p "$root/$m"; done
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
mountpoint -q "$root/sys" || mount --rbind /sys "$root/sys"
mountpoint -q "$root/dev" || mount --rbind /dev "$root/dev"
mountpoint -q "$root/run" || mount -t tmpfs tmpfs "$root/run"
mountpoint -q "$root/tmp" || mount -t tmpfs -o size=8g tmpfs "$root/tmp"
cp /etc/resolv.conf "$root/etc/resolv.conf"

# Behind a proxy that signs TLS with its own CA, pip in the chroot needs the host's trust;
# elsewhere this changes nothing (pip would use its own certificates).
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  mkdir -p "$root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/host-ca.crt"
  printf '[global]\ncert = /etc/ssl/certs/host-ca.crt\n' >"$root/etc/pip.conf"
fi

rm -rf "$root/root/medterm"
git clone -q "$repo" "$root/root/medterm"
exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  /bin/bash -c "command -v make >/dev/null || { apt-get update -qq && apt-get install -y -qq make; }
    cd /root/medterm && make $cmd"
