#!/usr/bin/env bash
# The demo part of the README's first command: a 2-server Lifeline cluster on this machine.
#   installer/demo.sh            start it (if not running) and show clpstat
#   installer/demo.sh status     clpstat as seen from server1
#   installer/demo.sh fetch      ask the demo service (group failover1) from the client
#   installer/demo.sh poweroff|poweron SERVER   power a server off (failover) or on again
#   installer/demo.sh remove     stop it and remove every namespace, process and file it made
set -euo pipefail
cd "$(dirname "$0")/.."
build=${LIFELINE_BUILD_DIR:-build}
state=/run/lifeline-demo.json
pidfile=/run/lifeline-demo.pid
py=/usr/bin/python3

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
root_of() { $py -c "import json,sys; print(json.load(open('$state'))['servers']['$1']['root'])"; }

case "${1:-start}" in
start)
  echo "==> clpcfchk installer/examples/demo (clp.conf + scripts/)"
  "$build/server/cli/clpcfchk" installer/examples/demo
  if ! running; then
    echo "==> starting the demo cluster (2 servers in network namespaces)"
    rm -f "$state"
    setsid $py installer/demo.py run "$build" "$state" > /run/lifeline-demo.log 2>&1 < /dev/null &
    echo $! > "$pidfile"
    for _ in $(seq 600); do
      [ -f "$state" ] && break
      running || { echo "demo failed to start; see /run/lifeline-demo.log" >&2; tail -20 /run/lifeline-demo.log >&2; exit 1; }
      sleep 0.1
    done
    [ -f "$state" ] || { echo "demo did not come up within 60 s; see /run/lifeline-demo.log" >&2; exit 1; }
  fi
  "$build/server/cli/clpstat" --root "$(root_of server1)"
  cat <<TXT

The demo cluster runs: server1 and server2 hear each other on the interconnect (lanhb1) and the
public LAN (lanhb2), and group failover1 serves http://198.18.0.100:8080/ from the shared disk
(fip1 + disk1 + exec1). Try:
  installer/demo.sh status                 # clpstat from server1
  $build/server/cli/clpstat --root $(root_of server1) --lic     # its 30-day trial license (TEST key)
  installer/demo.sh fetch                  # the client asks the service for served-by.txt
  $build/server/cli/clpgrp --root $(root_of server1) -m failover1     # move the group
  installer/demo.sh poweroff server1       # pull the plug of a server: failover in ~2 s
  installer/demo.sh poweron server1        # boot it again (it rejoins; manual failback)
  installer/demo.sh remove                 # remove the demo
TXT
  ;;
fetch)
  running || { echo "the demo cluster is not running (installer/demo.sh starts it)" >&2; exit 1; }
  client=$($py -c "import json; print(json.load(open('$state'))['client_netns'])")
  ip netns exec "$client" $py -c "import urllib.request; print(urllib.request.urlopen('http://198.18.0.100:8080/served-by.txt', timeout=2).read().decode(), end='')"
  ;;
poweroff | poweron)
  running || { echo "the demo cluster is not running (installer/demo.sh starts it)" >&2; exit 1; }
  [ -n "${2:-}" ] || { echo "usage: installer/demo.sh $1 server1|server2" >&2; exit 2; }
  echo "$1 $2" > /run/lifeline-demo/request
  for _ in $(seq 100); do [ -f /run/lifeline-demo/request ] || break; sleep 0.1; done
  sleep 0.5
  tail -1 /run/lifeline-demo.log
  ;;
status)
  running || { echo "the demo cluster is not running (installer/demo.sh starts it)" >&2; exit 1; }
  "$build/server/cli/clpstat" --root "$(root_of server1)"
  ;;
remove)
  if running; then
    kill -TERM "$(cat "$pidfile")"
    for _ in $(seq 300); do running || break; sleep 0.1; done
  fi
  rm -f "$pidfile" "$state"
  echo "the demo cluster is removed"
  ;;
*)
  echo "usage: installer/demo.sh [start|status|fetch|poweroff SERVER|poweron SERVER|remove]" >&2
  exit 2
  ;;
esac
