#!/bin/bash
# Sandbox "power control" of one Lifeline test node (see tests/scenario/README.md).
#
#   sandbox_power.sh --state DIR --node NAME [ACTION] [--by WHO]
#
# DIR is the run's sandbox state directory written by the harness (DIR/NAME.env describes the
# node). ACTION is what the caller asked for: off (default), poweroff, shutdown, reboot, halt,
# panic, reset, ... -- every final action makes the node a dead server: its switch ports and its
# own interfaces go down, then every process of the node is SIGKILLed (its cgroup and anything
# left in its network namespace). "status" prints on/off. Powering on is done by the harness
# (Cluster.power_on), which has to create a fresh mount namespace for the node.
#
# It can be called from the host (the harness) or from inside the node (lifelined started with
# --power sandbox:CMD): it first re-executes itself in the host mount namespace, through the
# run's anchor process, because the node's own mount namespace has a fresh /sys without cgroups.
# Every action is appended to DIR/power.log: "<epoch> <node> <action> by=<who> pid=<pid>".
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

state="" node="" action="" by=""
orig_args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --state) state=$2; shift 2 ;;
    --state=*) state=${1#*=}; shift ;;
    --node) node=$2; shift 2 ;;
    --node=*) node=${1#*=}; shift ;;
    --by) by=$2; shift 2 ;;
    --by=*) by=${1#*=}; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) if [ -z "$action" ]; then action=$1; fi; shift ;;
  esac
done
action=${action:-off}
if [ -z "$state" ] || [ -z "$node" ]; then
  echo "usage: $0 --state DIR --node NAME [ACTION]" >&2; exit 2
fi
envfile="$state/$node.env"
if [ ! -r "$envfile" ]; then echo "sandbox_power: no such node state: $envfile" >&2; exit 2; fi
# shellcheck disable=SC1090
. "$envfile"

if [ "$action" = status ]; then
  cat "$state/$node.power" 2>/dev/null || echo on
  exit 0
fi

# Step into the host mount namespace (where /run/netns and the cgroup2 tree are visible).
if [ -z "${LL_IN_HOST_NS:-}" ] && [ "$(readlink /proc/self/ns/mnt)" != "$(readlink "/proc/$LL_ANCHOR_PID/ns/mnt" 2>/dev/null)" ]; then
  if [ ! -e "/proc/$LL_ANCHOR_PID" ]; then echo "sandbox_power: anchor process $LL_ANCHOR_PID is gone" >&2; exit 3; fi
  LL_IN_HOST_NS=1 exec nsenter -t "$LL_ANCHOR_PID" -m -- /bin/bash "$0" "${orig_args[@]}"
fi

# The state first: whoever sees the action in the log finds the node off.
echo off > "$state/$node.power"
echo "$(date +%s.%N) $node $action by=${by:-caller} pid=$$" >> "$state/power.log"

# 1. Links down: switch side first (peers lose the node at once), then the node's own side.
for p in $LL_SWITCH_PORTS; do ip -n "$LL_SWITCH_NETNS" link set dev "$p" down 2>/dev/null; done
for i in $LL_NODE_IFACES; do ip -n "$LL_NETNS" link set dev "$i" down 2>/dev/null; done

# 2. Kill every process of the node: its cgroup (step out of it first), then whatever is left in
#    its network namespace.
if [ -n "${LL_CGROUP:-}" ] && [ -d "$LL_CGROUP" ]; then
  echo $$ > "$LL_CTL_CGROUP/cgroup.procs" 2>/dev/null
  if [ -e "$LL_CGROUP/cgroup.kill" ]; then
    echo 1 > "$LL_CGROUP/cgroup.kill"
  else
    while read -r pid; do kill -9 "$pid" 2>/dev/null; done < "$LL_CGROUP/cgroup.procs"
  fi
fi
deadline=$(( $(date +%s) + 5 ))
while :; do
  left=0
  for pid in $(ip netns pids "$LL_NETNS" 2>/dev/null); do
    if [ "$pid" != $$ ] && [ -e "/proc/$pid" ]; then kill -9 "$pid" 2>/dev/null && left=1; fi
  done
  if [ -n "${LL_CGROUP:-}" ] && [ -d "$LL_CGROUP" ] && grep -q '^populated 1' "$LL_CGROUP/cgroup.events" 2>/dev/null; then
    left=1
    [ -e "$LL_CGROUP/cgroup.kill" ] && echo 1 > "$LL_CGROUP/cgroup.kill"
  fi
  [ "$left" = 0 ] && break
  if [ "$(date +%s)" -ge "$deadline" ]; then echo "sandbox_power: $node: processes survive" >&2; exit 4; fi
  sleep 0.02
done
# A powered-off node is not frozen any more; the next power-on starts from a clean state.
if [ -n "${LL_CGROUP:-}" ] && [ -e "$LL_CGROUP/cgroup.freeze" ]; then echo 0 > "$LL_CGROUP/cgroup.freeze"; fi
exit 0
