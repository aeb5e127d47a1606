#!/usr/bin/env bash
# Lifeline setup and main job (run as root on Debian 12):
#   installer/setup.sh             install packages, build, run the demo
#   installer/setup.sh --deps-only install packages only (what CI does first)
# Idempotent: when every package is present it does not touch apt at all.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-all}
case "$mode" in
all | --deps-only) ;;
*) echo "usage: installer/setup.sh [--deps-only]" >&2; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: run as root (it installs Debian packages)" >&2
  exit 1
fi

mapfile -t packages < <(grep -vE '^\s*(#|$)' installer/packages.txt)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${#missing[@]} Debian package(s): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "==> all ${#packages[@]} Debian packages are installed"
fi
[ "$mode" = --deps-only ] && exit 0

echo "==> building (build/)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build

exec installer/demo.sh
