#!/usr/bin/env bash
# The Debian packages of this build in a throwaway Debian 12 root (README.md):
#   tests/install/install_test.sh BUILD_DIR
# cpack -> a debootstrap minbase root with the packages' dependencies (cached as a tarball keyed
# on them) -> chroot: apt-get install both packages, start lifelined directly (no systemd),
# clpstat Online, `dpkg -r` refused while it runs, stop, upgrade to a bumped version (config and
# state kept, the cluster comes up again), remove (config and state kept), purge (gone).
# Exit 77 (skipped) without root, debootstrap, or (for a cold cache) a reachable mirror.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(realpath "$1")
work=$build/tests/install
root=$work/root
suite=bookworm
node=pkgtest

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { printf '== %s (%ss)\n' "$*" "$SECONDS"; }

[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, chroot, bind mounts)"
command -v debootstrap >/dev/null || skip "debootstrap is not installed (installer/packages.txt)"
for tool in cpack dpkg-deb zstd unshare ip; do
  command -v $tool >/dev/null || fail "$tool is missing (installer/packages.txt)"
done

# Our own mount namespace: the bind mounts vanish with it even if this script is killed.
if [ -z "${LIFELINE_INSTALL_TEST_NS:-}" ]; then
  LIFELINE_INSTALL_TEST_NS=1 exec unshare --mount --propagation private -- "$0" "$@"
fi

# --- the root and its mounts -------------------------------------------------------------------
mounts=(proc sys dev)
mount_root() { for m in "${mounts[@]}"; do mount --bind "/$m" "$root/$m"; done; }
unmount_root() {
  local m
  for m in dev sys proc; do
    if mountpoint -q "$root/$m"; then umount "$root/$m" 2>/dev/null || umount -l "$root/$m"; fi
  done
}
# Processes whose root directory is our root (a lifelined of an earlier, killed run too).
kill_root_processes() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -KILL "${p#/proc/}" 2>/dev/null || true
  done
}
remove_root() {
  kill_root_processes
  unmount_root
  if mountpoint -q "$root"; then umount "$root" 2>/dev/null || umount -l "$root"; fi
  rm -rf --one-file-system "$root"
}
# The root lives in a tmpfs: dpkg's many fsyncs cost nothing there, and it leaves nothing behind.
fresh_root() {
  remove_root
  mkdir -p "$root"
  mount -t tmpfs -o mode=0755,size=4g lifeline-install-root "$root"
}
trap remove_root EXIT

# Runs a command in the root with a clean environment.
in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} "$@"
}

# The mirror this machine uses for Debian (the first .../debian URL of its apt sources).
debian_mirror() {
  local url
  url=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -vE '^[[:space:]]*#' | grep -oE '(https?|ftp)://[^ ]+/debian/?( |$)' | head -n1 | tr -d ' ')
  echo "${url:-http://deb.debian.org/debian}"
}
mirror_reachable() {
  /usr/bin/python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=10)' \
    "$1/dists/$suite/Release" 2>/dev/null
}

mirror=$(debian_mirror)
if ! compgen -G "$work/cache/root-*.tar.zst" >/dev/null && ! mirror_reachable "$mirror"; then
  skip "the Debian mirror $mirror is unreachable and no root is cached in $work/cache"
fi

# --- packages ----------------------------------------------------------------------------------
step "cpack"
rm -rf "$work/packages"
mkdir -p "$work/packages"
(cd "$build" && cpack -G DEB -B "$work/packages" >"$work/cpack.log" 2>&1) ||
  { tail -n 30 "$work/cpack.log" >&2; fail "cpack failed (log: $work/cpack.log)"; }
rm -rf "$work/packages/_CPack_Packages" # the staging copy of every program
server_deb=$(ls "$work"/packages/lifeline-server_*.deb)
builder_deb=$(ls "$work"/packages/lifeline-builder_*.deb)
version=$(dpkg-deb -f "$server_deb" Version)
echo "$server_deb $builder_deb"

# Package names of the Depends (first alternative, without versions).
depends=$(for deb in "$server_deb" "$builder_deb"; do dpkg-deb -f "$deb" Depends; echo; done |
  tr ',' '\n' | sed -E 's/\|.*//; s/\(.*\)//; s/[[:space:]]+//g' | grep -v '^$' | sort -u | tr '\n' ' ')
echo "Depends: $depends"

# --- the root: two cached layers, so that a new dependency does not cost a new debootstrap ----
# base-KEY: debootstrap minbase (suite, mirror); root-KEY: base + the dependencies (+ their list).
base_key=$(printf '%s\n' "$suite" minbase "$mirror" | sha256sum | cut -c1-16)
root_key=$(printf '%s\n' "$base_key" $depends | sha256sum | cut -c1-16)
base_cache=$work/cache/base-$base_key.tar.zst
root_cache=$work/cache/root-$root_key.tar.zst
save_root() { # FILE: the root as a tarball; older tarballs of its kind go
  local kind=${1##*/}
  kind=${kind%%-*}
  tar -C "$root" -cf - . | zstd -q -T0 -3 -o "$1.tmp"
  rm -f "$work/cache/$kind"-*.tar.zst
  mv "$1.tmp" "$1"
}
unpack_root() { step "root from $1"; zstd -q -dc "$1" | tar -C "$root" -xf -; }
mkdir -p "$work/cache"
fresh_root
if [ -f "$root_cache" ]; then
  unpack_root "$root_cache"
else
  mirror_reachable "$mirror" || skip "the Debian mirror $mirror is unreachable (and no cached root $root_cache)"
  if [ -f "$base_cache" ]; then
    unpack_root "$base_cache"
  else
    step "debootstrap --variant=minbase $suite from $mirror"
    debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
      { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap failed (log: $work/debootstrap.log)"; }
    save_root "$base_cache"
  fi
  mount_root
  step "apt-get install the dependencies from $mirror"
  in_root apt-get update -q >"$work/apt.log" 2>&1 || fail "apt-get update failed (log: $work/apt.log)"
  # shellcheck disable=SC2086
  in_root apt-get install -y -q --no-install-recommends $depends >>"$work/apt.log" 2>&1 ||
    { tail -n 20 "$work/apt.log" >&2; fail "installing the dependencies failed (log: $work/apt.log)"; }
  in_root apt-get clean
  unmount_root
  save_root "$root_cache"
fi
mount_root

# --- install -----------------------------------------------------------------------------------
step "apt-get install lifeline-server lifeline-builder ($version)"
mkdir -p "$root/tmp/packages"
cp "$server_deb" "$builder_deb" "$root/tmp/packages/"
in_root apt-get install -y -q --no-install-recommends "/tmp/packages/${server_deb##*/}" \
  "/tmp/packages/${builder_deb##*/}" >"$work/install.log" 2>&1 ||
  { tail -n 30 "$work/install.log" >&2; fail "apt-get install of the packages failed"; }
for path in /opt/lifeline/sbin/lifelined /opt/lifeline/sbin/lifeline-keepalive /opt/lifeline/sbin/lifeline-webmgr \
  /usr/sbin/clpstat /opt/lifeline/bin/clpbuilder /usr/bin/clpbuilder /lib/systemd/system/lifeline.service \
  /usr/share/man/man8/clpstat.8.gz /usr/share/man/man1/clpbuilder.1.gz /var/lib/lifeline /var/log/lifeline; do
  in_root test -e "$path" || fail "$path is not installed" # in the root: links are absolute
done
for unit in lifeline-keepalive lifeline lifeline-webmgr; do
  [ -L "$root/etc/systemd/system/multi-user.target.wants/$unit.service" ] || fail "$unit.service is not enabled"
done
in_root getent group lifeline >/dev/null || fail "group lifeline was not created"
help=$(in_root env QT_QPA_PLATFORM=offscreen clpbuilder --help 2>&1) && grep -q '^Usage:' <<<"$help" ||
  { echo "$help" >&2; fail "clpbuilder --help does not run"; }

# --- a one-server cluster ----------------------------------------------------------------------
cat >"$root/etc/lifeline/clp.conf" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<root>
  <all><charset>UTF-8</charset><serveros>linux</serveros></all>
  <cluster>
    <name>$node</name>
    <heartbeat><interval>100</interval><timeout>1000</timeout></heartbeat>
    <syncwait>1</syncwait>
  </cluster>
  <server name="$node">
    <priority>0</priority>
    <device id="0"><type>lan</type><info>127.0.0.1/8</info></device>
  </server>
  <heartbeat>
    <types name="lanhb"/>
    <lanhb name="lanhb1"><priority>0</priority><device>0</device></lanhb>
  </heartbeat>
  <monitor>
    <types name="userw"/>
    <userw name="userw"><parameters><method>none</method></parameters></userw>
  </monitor>
</root>
EOF
in_root clpcfchk /etc/lifeline/clp.conf >/dev/null || fail "clpcfchk rejects the test clp.conf"
in_root /opt/lifeline/sbin/lifelined --create-key >/dev/null
# A license made with the TEST key (tests/keys), as tests/scenario's harness registers one.
"$build/licensing/lifeline-license-vendor" --product BASE10 --serial TST0000001 --count "$(nproc)" \
  -o "$root/tmp/license.json" >/dev/null
in_root clplcnsc -i /tmp/license.json -p BASE10 >/dev/null || fail "clplcnsc -i failed"

lifelined_pid=
# lifelined in its own network namespace (only lo: no test traffic outside), with sandbox power
# so that nothing it or its keepalive supervisor does can reset this machine.
start_lifelined() {
  unshare --net -- sh -c 'ip link set lo up && exec chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 ${2:+ASAN_OPTIONS=$2} /opt/lifeline/sbin/lifelined --node "$3" --power sandbox:/bin/true' \
    sh "$root" "${ASAN_OPTIONS:-}" "$node" >>"$work/lifelined.log" 2>&1 &
  lifelined_pid=$!
  local i status
  for i in $(seq 300); do
    status=$(in_root clpstat 2>/dev/null || true)
    grep -Eq "^ +\*$node \.+: Online" <<<"$status" && return 0
    kill -0 "$lifelined_pid" 2>/dev/null || { tail -n 20 "$work/lifelined.log" >&2; fail "lifelined ended"; }
    sleep 0.1
  done
  echo "$status" >&2
  fail "clpstat does not show $node Online within 30 s"
}
stop_lifelined() {
  kill -TERM "$lifelined_pid"
  local i
  for i in $(seq 300); do
    kill -0 "$lifelined_pid" 2>/dev/null || { wait "$lifelined_pid" || true; lifelined_pid=; return 0; }
    sleep 0.1
  done
  fail "lifelined did not end within 30 s of SIGTERM"
}
expect_package() { # PACKAGE "STATUS VERSION" WHEN (dpkg's status, not the selection)
  local state
  state=$(in_root dpkg-query -W -f '${db:Status-Status} ${Version}' "$1" 2>/dev/null || true)
  [ "$state" = "not-installed " ] && state=""
  [ "$state" = "$2" ] || fail "$3: dpkg says $1 is '$state', not '$2'"
}

step "lifelined: clpstat shows $node Online"
: >"$work/lifelined.log"
start_lifelined

step "dpkg -r lifeline-server is refused while lifelined runs"
if out=$(in_root dpkg -r lifeline-server 2>&1); then
  fail "dpkg -r lifeline-server succeeded while lifelined runs"
fi
grep -qx 'error: Lifeline is running' <<<"$out" || { echo "$out" >&2; fail "no 'error: Lifeline is running'"; }
expect_package lifeline-server "installed $version" "after the refused dpkg -r"
stop_lifelined

# --- upgrade: the same package with a bumped version -------------------------------------------
step "upgrade to $version+1 keeps clp.conf, clp.key and the state"
kept=(etc/lifeline/clp.conf etc/lifeline/clp.key var/lib/lifeline/licenses.db var/lib/lifeline/alerts.db)
before=$(cd "$root" && sha256sum "${kept[@]}")
rm -rf "$root/tmp/bump"
dpkg-deb -R "$server_deb" "$root/tmp/bump"
sed -i "s/^Version: .*/Version: $version+1/" "$root/tmp/bump/DEBIAN/control"
dpkg-deb --root-owner-group -Zgzip -z1 -b "$root/tmp/bump" "$root/tmp/packages/lifeline-server_bumped.deb" >/dev/null
rm -rf "$root/tmp/bump"
in_root apt-get install -y -q /tmp/packages/lifeline-server_bumped.deb >>"$work/install.log" 2>&1 ||
  { tail -n 30 "$work/install.log" >&2; fail "the upgrade failed"; }
expect_package lifeline-server "installed $version+1" "after the upgrade"
after=$(cd "$root" && sha256sum "${kept[@]}")
[ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after") >&2; fail "the upgrade changed config or state"; }
start_lifelined # with the license registered before the upgrade
stop_lifelined

# --- remove, purge -----------------------------------------------------------------------------
step "dpkg -r: the programs go, config and state stay"
in_root dpkg -r lifeline-server lifeline-builder >>"$work/install.log" 2>&1 || fail "dpkg -r failed"
[ ! -e "$root/opt/lifeline/sbin/lifelined" ] || fail "lifelined is still there after dpkg -r"
[ ! -L "$root/usr/sbin/clpstat" ] || fail "/usr/sbin/clpstat is still there after dpkg -r"
for path in "${kept[@]}"; do [ -e "$root/$path" ] || fail "/$path was deleted by dpkg -r"; done
expect_package lifeline-server "config-files $version+1" "after dpkg -r"

step "dpkg -P: config and state are deleted"
in_root dpkg -P lifeline-server >>"$work/install.log" 2>&1 || fail "dpkg -P failed"
for path in /etc/lifeline /var/lib/lifeline /var/log/lifeline /etc/systemd/system/multi-user.target.wants/lifeline.service; do
  [ ! -e "$root$path" ] && [ ! -L "$root$path" ] || fail "$path is still there after dpkg -P"
done
expect_package lifeline-server "" "after dpkg -P"

step "passed"
