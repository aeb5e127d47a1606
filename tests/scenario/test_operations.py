"""Operating a running cluster: clptoratio (the timeout ratio), clpstdn (cluster shutdown) and
clpdown (server shutdown) on 2-server clusters.

* `clptoratio -r 3 -t 1h` makes a power-off take three times longer to detect, monitor
  timeouts grow with it, `-i` restores both; the setting reaches every server, survives a
  restart of lifelined, is learnt by a server that joins later, and ends by itself (also while
  lifelined is down).
* `clpstdn -h` stops the groups and the cluster service everywhere, then halts every server
  through its (sandbox) power control; `clpdown -r` moves this server's group to the other
  server before it reboots this one."""

import re
import subprocess
from datetime import datetime

import pytest

from lifeline_harness import wait_until
from lifeline_harness.lifeline import (Lifeline, cluster_xml, fip_xml, group_xml, monitor_xml,
                                       monitors_of)

INTERVAL_MS = 100
TIMEOUT_MS = 500
SLOW_CHECK = "#!/bin/sh\nexec sleep 0.6\n"  # longer than the genw timeout 0.3 s, shorter than 3 x


def run(l, node, program, *args, timeout=120):
    return subprocess.run([l.program(program), "--root", str(l.c[node].root), *args],
                          capture_output=True, text=True, timeout=timeout)


def ok(r):
    assert r.returncode == 0, r.stdout + r.stderr
    return r


def ratio(l, node):
    st = l.status(node)
    return st["cluster"]["timeoutRatio"] if st else None


def wait_ratio(l, nodes, value, timeout=10):
    wait_until(lambda: all(ratio(l, n) == value for n in nodes), timeout, interval=0.05,
               message=f"timeout ratio {value} on {nodes}: {[ratio(l, n) for n in nodes]}")


def alert_time(line: str) -> float:
    """Epoch seconds of an alert.log line (ISO-8601 time first; local time when no offset)."""
    return datetime.fromisoformat(line.split()[0].replace("Z", "+00:00")).timestamp()


def detection_s(c, l, off=2, viewer=1) -> float:
    """Powers `off` off and returns how long `viewer` took to declare it down."""
    fragment = f"Server server{off} is down"
    before = sum(fragment in a for a in l.alerts(viewer))
    c.power_off(off)
    at = next(e for e in reversed(c.power_events()) if e["node"] == f"server{off}")["time"]
    line = wait_until(lambda: [a for a in l.alerts(viewer) if fragment in a][before:] or None,
                      TIMEOUT_MS * 3 / 1000 + 10, interval=0.05, message=fragment)[0]
    return alert_time(line) - at


def power_on(c, l, node):
    c.power_on(node)
    l.start(node)
    l.wait_all_online(timeout=30)


@pytest.fixture
def two(cluster_factory, lifeline_program, lifeline_build_dir):
    for p in ("lifelined", "clptoratio", "clpstat"):
        lifeline_program(p)
    c = cluster_factory(2)
    mons = monitor_xml("genw", "genw1", interval_s=0.2, timeout_s=0.3, retry=999, restart=0, fo=0,
                       action=0, params="<path>genw.sh</path><sync>1</sync>")
    xml = cluster_xml(c, interval_ms=INTERVAL_MS, timeout_ms=TIMEOUT_MS, monitors_xml=mons)
    l = Lifeline(c, lifeline_build_dir).deploy(xml, {"monitor.s/genw1/genw.sh": SLOW_CHECK})
    l.start_all()
    l.wait_all_online()
    return c, l


def test_ratio_stretches_power_off_detection_and_monitor_timeouts(two):
    c, l = two
    l.wait_alert(1, "Monitor genw1: the check timed out after 0.3 s")
    assert ok(run(l, 1, "clptoratio", "-s")).stdout == "present toratio : 1\n"
    base = detection_s(c, l)
    power_on(c, l, 2)

    r = ok(run(l, 1, "clptoratio", "-r", "3", "-t", "1h"))
    assert r.stdout == "Command succeeded.\n" and r.stderr == "", r.stdout + r.stderr
    wait_ratio(l, (1, 2), 3)
    shown = ok(run(l, 2, "clptoratio", "-s")).stdout.splitlines()
    assert shown[0] == "present toratio : 3", shown
    assert re.fullmatch(r"remaining time  : (00:59:\d\d|01:00:00) \(until \d{4}/\d\d/\d\d \d\d:\d\d:\d\d, "
                        r"set on server1\)", shown[1]), shown
    for n in (1, 2):
        l.wait_alert(n, "Timeout ratio 3 is in effect until")
    # Monitor timeouts are multiplied too: the 0.6 s check fits in 3 x 0.3 s.
    wait_until(lambda: monitors_of(l.status(1)).get("genw1") == "Normal", 10,
               message=f"genw1 Normal with the ratio: {monitors_of(l.status(1))}")

    stretched = detection_s(c, l)
    assert stretched / base >= 2.3, (base, stretched)
    assert f"no heartbeat on any path for {3 * TIMEOUT_MS} ms" in \
        [a for a in l.alerts(1) if "Server server2 is down" in a][-1]

    # server2 was off: it keeps the setting in its state file, and server1 keeps it over a
    # restart of its lifelined (SIGTERM, then started again).
    power_on(c, l, 2)
    assert ratio(l, 2) == 3
    l.wait_alert(2, "The timeout ratio 3 (set by clptoratio on server1) goes on until")
    c.stop_process(l.procs["server1"])
    l.start(1)
    l.wait_all_online(timeout=30)
    assert ratio(l, 1) == 3

    timeouts = sum("genw1: the check timed out" in a for a in l.alerts(1))
    r = ok(run(l, 2, "clptoratio", "-i"))
    assert r.stdout == "Command succeeded.\n", r.stdout + r.stderr
    wait_ratio(l, (1, 2), 1)
    assert ok(run(l, 1, "clptoratio", "-s")).stdout == "present toratio : 1\n"
    l.wait_alert(1, "The timeout ratio 3 is reset (clptoratio -i on server2)")
    wait_until(lambda: sum("genw1: the check timed out" in a for a in l.alerts(1)) > timeouts, 10,
               message="genw1 times out again at 0.3 s")

    restored = detection_s(c, l)
    print(f"power-off detected after {base:.3f} s, {stretched:.3f} s with ratio 3, {restored:.3f} s after -i")
    assert stretched / restored >= 2.3, (base, stretched, restored)


def test_ratio_reaches_a_late_server_and_expires_also_while_down(two):
    c, l = two
    # server2's lifelined is not running when the ratio is set: named, no failure; it learns
    # the setting when it joins.
    c.stop_process(l.procs["server2"])
    r = ok(run(l, 1, "clptoratio", "-r", "2", "-t", "1h"))
    assert r.stdout == "Command succeeded.\n"
    assert r.stderr.startswith("server2: ") and "learns the setting when it joins" in r.stderr, r.stderr
    l.start(2)
    l.wait_all_online(timeout=30)
    wait_ratio(l, (2,), 2)

    # A short window ends by itself on every server.
    ok(run(l, 2, "clptoratio", "-r", "4", "-t", "3s"))
    wait_ratio(l, (1, 2), 4)
    wait_ratio(l, (1, 2), 1, timeout=10)
    for n in (1, 2):
        l.wait_alert(n, "The timeout ratio 4 (set by clptoratio on server2) has expired")

    # It also ends while lifelined is down, and stays ended when it starts again.
    ok(run(l, 1, "clptoratio", "-r", "5", "-t", "3s"))
    wait_ratio(l, (1, 2), 5)
    c.stop_process(l.procs["server2"])
    wait_ratio(l, (1,), 1, timeout=10)
    l.start(2)
    l.wait_all_online(timeout=30)
    assert ratio(l, 2) == 1
    l.wait_alert(2, "The timeout ratio 5 (set by clptoratio on server1) ended at")
    assert ok(run(l, 2, "clptoratio", "-s")).stdout == "present toratio : 1\n"


def test_usage_and_refusals(two):
    c, l = two
    r = run(l, 1, "clptoratio", "-r", "3")
    assert r.returncode == 3 and "-t TIME" in r.stderr, r.stderr
    r = run(l, 1, "clptoratio", "-r", "3", "-t", "31d")
    assert r.returncode == 3 and "maximum extension period" in r.stderr, r.stderr
    r = l.request(1, "timeoutratio.set", {"ratio": 2.5, "seconds": 60})
    assert not r["ok"] and r["error"]["code"] == "bad-request", r
    assert ratio(l, 1) == 1


def make_group_cluster(cluster_factory, lifeline_program, build_dir):
    for p in ("lifelined", "clpstdn", "clpdown", "clpstat"):
        lifeline_program(p)
    c = cluster_factory(2)
    xml = cluster_xml(c, interval_ms=INTERVAL_MS, timeout_ms=TIMEOUT_MS,
                      groups_xml=group_xml("failover1", ["fip@fip1"]),
                      resources_xml=fip_xml("fip1", c.fip(1)))
    l = Lifeline(c, build_dir).deploy(xml).start_all()
    l.wait_all_online()
    l.wait_group(1, "failover1", "Online", "server1")
    return c, l


def first_alert(l, node, fragment):
    return next((a for a in l.alerts(node) if fragment in a), None)


def test_clpstdn_stops_the_groups_then_halts_every_server(cluster_factory, lifeline_program,
                                                          lifeline_build_dir):
    c, l = make_group_cluster(cluster_factory, lifeline_program, lifeline_build_dir)
    r = run(l, 2, "clpstdn", "-h")
    assert r.returncode == 0 and r.stdout == "Command succeeded.\n", r.stdout + r.stderr
    events = wait_until(lambda: (lambda e: e if {x["node"] for x in e} == {"server1", "server2"} else None)(
        c.power_events()), 15, message=f"both servers powered: {c.power_events()}")
    assert sorted((e["node"], e["action"]) for e in events) == [("server1", "halt"), ("server2", "halt")]
    # The group was released on server1 and both cluster services stopped before any halt.
    first_halt = min(e["time"] for e in events)
    stopped = first_alert(l, 1, "Group failover1 stopped on server1")
    assert stopped and alert_time(stopped) < first_halt, (stopped, events)
    for n in (1, 2):
        down = [a for a in l.alerts(n) if "The cluster service has stopped." in a]
        assert down and alert_time(down[-1]) < first_halt, (n, down, events)
        assert first_alert(l, n, "Shutting the OS down (halt) after clpstdn on server2"), l.alerts(n)
    # The other server was halted by its own lifelined (asked by server2), not by a failover.
    assert not first_alert(l, 2, "failed over"), l.alerts(2)
    assert not first_alert(l, 1, "Network partition"), l.alerts(1)


def test_clpdown_moves_the_group_before_rebooting_this_server(cluster_factory, lifeline_program,
                                                             lifeline_build_dir):
    c, l = make_group_cluster(cluster_factory, lifeline_program, lifeline_build_dir)
    r = run(l, 1, "clpdown", "-r")
    assert r.returncode == 0 and r.stdout == "Command succeeded.\n", r.stdout + r.stderr
    # The command returns once the group is on server2 and server1's service has stopped.
    assert l.group(2, "failover1")["current"] == "server2", l.group(2, "failover1")
    event = wait_until(lambda: next((e for e in c.power_events() if e["node"] == "server1"), None), 10,
                       message="server1 rebooted")
    assert event["action"] == "reboot", c.power_events()
    moved = first_alert(l, 2, "Group failover1 moved from server1 to server2") or \
        first_alert(l, 1, "Group failover1 moved from server1 to server2")
    assert moved and alert_time(moved) < event["time"], (moved, event)
    assert first_alert(l, 1, "Shutting the OS down (reboot) after clpdown"), l.alerts(1)
    l.wait_group(2, "failover1", "Online", "server2")
    assert not any(e["node"] == "server2" for e in c.power_events()), c.power_events()
    c.wait_ping(None, c.fip(1), timeout=5)
