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
  # Test peers (keepalived, corosync, pacemaker) must not start as host services: where the
  # machine has no policy-rc.d, one that forbids starts is in place for this install only.
  guard=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    guard=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$guard" && chmod 755 "$guard"
    trap 'rm -f "$guard"' EXIT
  fi
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  [ -z "$guard" ] || { rm -f "$guard"; trap - EXIT; }
else
  echo "==> all ${#packages[@]} Debian packages are installed"
fi
# The browser tests' driver (tests/e2e/package-lock.json) from the npm registry, with the
# machine's Node.js; the browser is Debian's chromium above, never a download of its own.
e2e_installed() {
  /usr/bin/python3 - <<'PY'
import json, sys
lock = json.load(open("tests/e2e/package-lock.json"))["packages"]
for path, meta in lock.items():
    try:
        if path and json.load(open(f"tests/e2e/{path}/package.json"))["version"] != meta["version"]:
            sys.exit(1)
    except OSError:
        sys.exit(1)
PY
}
if ! e2e_installed; then
  command -v npm >/dev/null || { echo "setup.sh: npm (Node.js) is needed for tests/e2e" >&2; exit 1; }
  echo "==> installing tests/e2e's npm packages (playwright-core)"
  npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
else
  echo "==> tests/e2e's npm packages are installed"
fi
[ "$mode" = --deps-only ] && exit 0

echo "==> building (build/)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build

exec installer/demo.sh
