"""Monitors on the failover1 cluster (fip + disk + exec with a resident HTTP server): a killed
resident process is noticed by pidw and fails the group over (pseudo-failure #16); a stalled
lifelined on the owner is reset by its keepalive supervisor (userw) before the other server
takes over; a check that hangs is reported as timed out and does not hold up other monitors;
a pulled public LAN cable fails over through miiw/ipw and, without them, does not (#4).
The tests that move the group run under the ownership checker (50 ms sampling)."""

import re
import tempfile
from pathlib import Path

import pytest

from lifeline_harness import holds_for, wait_until
from lifeline_harness.lifeline import (Lifeline, cluster_xml, disk_xml, exec_xml, fip_xml,
                                       group_xml, monitor_xml, monitors_of)
from lifeline_harness.ownership import OwnershipChecker
from test_groups import APP_START, APP_STOP, CONTENT, PORT, Failover1, write_to_disk


def make(cluster_factory, lifeline_program, build_dir, monitors_xml, extra_scripts=None, *, disks=1):
    """failover1 on a 2-server cluster with `disks` shared disks (the group mounts disk 0);
    `monitors_xml` is XML or a function of the cluster giving it. Nothing is started yet."""
    for p in ("lifelined", "clpmonctrl", "clpstat"):
        lifeline_program(p)
    c = cluster_factory(2, shared_disks=disks)
    if callable(monitors_xml):
        monitors_xml = monitors_xml(c)
    fip = c.fip(1)
    mp = str(c.state_dir / "mnt" / "failover1")
    Path(mp).mkdir(parents=True, exist_ok=True)
    c.make_ext4()
    write_to_disk(c, CONTENT)
    resources = (fip_xml("fip1", fip) + disk_xml("disk1", str(c.disks[0].server_path), mp) +
                 exec_xml("exec1", sync=False, start_timeout_s=1))
    xml = cluster_xml(c, groups_xml=group_xml("failover1", ["fip@fip1", "disk@disk1", "exec@exec1"]),
                      resources_xml=resources, monitors_xml=monitors_xml)
    scripts = {"failover1/exec1/start.sh": APP_START.format(port=PORT, fip=fip, mnt=mp),
               "failover1/exec1/stop.sh": APP_STOP, **(extra_scripts or {})}
    l = Lifeline(c, build_dir).deploy(xml, scripts)
    return c, l, Failover1(c, l, fip, mp)


@pytest.fixture
def failover_plain(cluster_factory, lifeline_program, lifeline_build_dir):
    return make(cluster_factory, lifeline_program, lifeline_build_dir, "")


def resident_pid(c, server):
    """pid of the exec resource's resident (the HTTP server) inside `server`: the servers share
    the machine's pid namespace (and other runs may serve the same port), so only processes in
    this server's network namespace count."""
    out = c.run(server, ["sh", "-c", f'exec pgrep --ns $$ --nslist net -f "http.server {PORT}"'],
                check=False).stdout.split()
    return int(out[0]) if out else None


def test_killed_resident_process_fails_over(cluster_factory, lifeline_program, lifeline_build_dir):
    """#16: kill the resident process of the exec resource: pidw errors, the group moves."""
    mons = monitor_xml("pidw", "pidw1", target="exec1", relation=("grp", "failover1"),
                       interval_s=0.2, timeout_s=1, restart=0, fo=1)
    c, l, g = make(cluster_factory, lifeline_program, lifeline_build_dir, mons)
    with OwnershipChecker(c, fips=[g.fip]):
        l.start_all()
        l.wait_all_online()
        g.on("server1")
        wait_until(lambda: monitors_of(l.status(1)).get("pidw1") == "Normal", 10,
                   message="pidw1 Normal on the owner")
        assert monitors_of(l.status(2)).get("pidw1") == "Offline"   # its target is not active there
        pid = wait_until(lambda: resident_pid(c, 1), 5, message="the resident process")
        c.run(1, ["kill", "-9", str(pid)])
        l.wait_alert(1, "Monitor pidw1 is in error")
        g.on("server2")
        l.wait_alert(1, "failover of grp failover1")
        l.wait_alert(1, "Group failover1 failed over from server1 to server2")  # the leader


def test_stalled_lifelined_is_reset_by_its_keepalive_before_the_takeover(
        cluster_factory, lifeline_program, lifeline_build_dir):
    """SIGSTOP of lifelined on the owner for longer than the userw timeout: the supervisor
    performs its final action (reset, through the sandbox power command); the other server
    takes over only after that, and never while the stalled one still holds the fip."""
    lifeline_program("lifeline-keepalive")
    mons = monitor_xml("userw", "userw", interval_s=0.1, timeout_s=0.5,
                       params="<method>keepalive</method>")
    c, l, g = make(cluster_factory, lifeline_program, lifeline_build_dir, mons)
    with OwnershipChecker(c, fips=[g.fip]) as owners:
        l.start_all()
        l.wait_all_online()
        g.on("server1")
        c.sigstop(l.procs["server1"])
        wait_until(lambda: any(e["node"] == "server1" for e in c.power_events()), 10,
                   message="the keepalive supervisor of server1 acts")
        event = next(e for e in c.power_events() if e["node"] == "server1")
        assert event["action"] == "reset", c.power_events()
        wait_until(lambda: c.is_powered_off(1), 10, message="server1 is off")
        g.on("server2")
        assert owners.samples > 20


def test_hung_check_times_out_and_others_go_on(cluster_factory, lifeline_program, lifeline_build_dir):
    """A genw script that never ends: the check is abandoned at its timeout (alert) while
    pidw keeps checking; clpmonctrl suspends and resumes monitors."""
    hang = "#!/bin/sh\nexec sleep 60\n"
    mons = (monitor_xml("genw", "genw1", interval_s=0.2, timeout_s=0.3, retry=100, restart=0, fo=0,
                        action=0, params="<path>genw.sh</path><sync>1</sync>") +
            monitor_xml("pidw", "pidw1", target="exec1", relation=("grp", "failover1"),
                        interval_s=0.2, timeout_s=1))
    c, l, g = make(cluster_factory, lifeline_program, lifeline_build_dir, mons,
                   {"monitor.s/genw1/genw.sh": hang})
    l.start_all()
    l.wait_all_online()
    g.on("server1")
    l.wait_alert(1, "Monitor genw1: the check timed out after 0.3 s")
    wait_until(lambda: monitors_of(l.status(1)).get("pidw1") == "Normal", 5, message="pidw1 checks")
    holds_for(lambda: monitors_of(l.status(1)).get("pidw1") == "Normal", 1.0,
              message="pidw1 stays Normal while genw1's checks hang")
    # Every hung check was killed with its process group: no pile of sleeping scripts (the
    # servers share the pid namespace: at most the current check of each of the two).
    sleepers = c.run(1, ["sh", "-c", 'exec pgrep -c --ns $$ --nslist net -f "sleep 60"'],
                     check=False).stdout.strip() or "0"
    assert int(sleepers) <= 2, sleepers
    r = l.clpmonctrl(1, "-s", "-m", "pidw1")
    assert r.returncode == 0, r.stdout + r.stderr
    wait_until(lambda: monitors_of(l.status(1)).get("pidw1") == "Suspended", 5, message="suspended")
    r = l.clpmonctrl(1, "-r")
    assert r.returncode == 0, r.stdout + r.stderr
    wait_until(lambda: monitors_of(l.status(1)).get("pidw1") == "Normal", 5, message="resumed")
    assert l.clpmonctrl(1, "-s", "-m", "nosuch").returncode == 1



def test_public_lan_cable_pulled_fails_over_with_ipw_and_miiw(cluster_factory, lifeline_program,
                                                              lifeline_build_dir):
    """#4: the owner's public LAN cable is pulled; the interconnect still carries heartbeats, so
    no server is lost. miiw (link state) and ipw (the ping target) turn it into a failover."""
    mons = (monitor_xml("miiw", "miiw1", relation=("grp", "failover1"), interval_s=0.2, timeout_s=1,
                        restart=0, fo=1, params="<object>pub0</object>") +
            monitor_xml("ipw", "ipw1", relation=("grp", "failover1"), interval_s=0.2, timeout_s=1,
                        retry=1, restart=0, fo=1,
                        params='<list id="0"><ip>198.18.0.254</ip></list>'))
    c, l, g = make(cluster_factory, lifeline_program, lifeline_build_dir, mons)
    with OwnershipChecker(c, fips=[g.fip]):
        l.start_all()
        l.wait_all_online()
        g.on("server1")
        wait_until(lambda: monitors_of(l.status(1)).get("miiw1") == "Normal" and
                   monitors_of(l.status(1)).get("ipw1") == "Normal", 10, message="monitors Normal")
        c.cut_link(1, "public")
        l.wait_alert(1, "Monitor miiw1 is in error")
        g.on("server2")
        assert l.server_states(2).get("server1") == "Online"   # no server was lost


def test_public_lan_cable_pulled_without_monitors_does_not_fail_over(failover_plain):
    """#4 without miiw/ipw: the group stays where it is (nothing watches the public LAN)."""
    c, l, g = failover_plain
    l.start_all()
    l.wait_all_online()
    g.on("server1")
    c.cut_link(1, "public")
    holds_for(lambda: l.group(2, "failover1").get("current") == "server1", 2.0,
              message="no failover without monitors")
    assert l.server_states(2).get("server1") == "Online"


def recovery_steps(l, node, monitor):
    """The escalation steps `node` took for `monitor`, in order, from its alert log."""
    steps = []
    for line in l.alerts(node):
        marker = f"Monitor {monitor} detected an error"
        if marker in line:
            tail = line.split(marker, 1)[1]
            steps.append("none" if ": no recovery:" in tail else tail.split("): ", 1)[1].split(" of ", 1)[0])
    return steps


def test_genw_escalation_two_restarts_one_failover_then_final_action(
        cluster_factory, lifeline_program, lifeline_build_dir):
    """A genw script that keeps failing, reactivation threshold 2 and failover threshold 1:
    exactly 2 restarts on the owner, then 1 failover, then on the new owner - which adds up
    the counters of every server - the final action (stop group), after the pre-action script.
    The final action is not repeated; clpmonctrl -c resets the counters on every server."""
    fail = "#!/bin/sh\nexit 1\n"
    mons = monitor_xml("genw", "genw1", target="exec1", relation=("grp", "failover1"),
                       interval_s=0.2, timeout_s=2, restart=2, fo=1, action=2,
                       params="<path>genw.sh</path><sync>1</sync>",
                       emergency_xml="<preaction><use>1</use><path>pre.sh</path></preaction>")
    marks = Path(tempfile.mkdtemp(prefix="llh-preaction-")) / "pre.log"
    scripts = {"monitor.s/genw1/genw.sh": fail,
               "monitor.s/genw1/pre.sh":
                   f'#!/bin/sh\necho "$CLP_SERVERNAME $CLP_MONITORNAME $CLP_ACTION" >> {marks}\n'}
    c, l, g = make(cluster_factory, lifeline_program, lifeline_build_dir, mons, scripts)
    with OwnershipChecker(c, fips=[g.fip]):
        l.start_all()
        l.wait_all_online()
        l.wait_alert(2, "final-action of grp failover1", timeout=30)
        wait_until(lambda: l.group(1, "failover1").get("state") == "Offline" and
                   l.group(2, "failover1").get("state") == "Offline", 10, message="the group is stopped")
    assert recovery_steps(l, 1, "genw1") == ["reactivate", "reactivate", "failover"]
    assert recovery_steps(l, 2, "genw1") == ["final-action"]
    assert "(reactivations 2/2, failovers 1/1)" in l.wait_alert(2, "final-action of grp failover1")
    assert marks.read_text().splitlines() == ["server2 genw1 Stop group"]
    l.wait_alert(2, "Monitor genw1: the pre-action script ended with code 0")
    # Counters as every server sees them, then reset from one server for all.
    mon1 = next(m for m in l.status(1)["monitors"] if m["name"] == "genw1")
    assert (mon1["reactivations"], mon1["failovers"]) == (2, 1), mon1
    assert (mon1["reactivationsHere"], mon1["failoversHere"]) == (2, 1), mon1
    r = l.clpmonctrl(1, "-c", "-m", "genw1")
    assert r.returncode == 0, r.stdout + r.stderr

    def counts(node):
        m = next(m for m in l.status(node)["monitors"] if m["name"] == "genw1")
        return m["reactivations"], m["failovers"]
    wait_until(lambda: counts(1) == (0, 0) and counts(2) == (0, 0), 5, message="counters reset everywhere")


def test_timeout_settings_and_servers_of_a_monitor(cluster_factory, lifeline_program, lifeline_build_dir):
    """emergency/timeout: a hung check is an error at once (notreconfirmation, despite retry 50)
    and is not recovered (notrecovery): the group stays. A monitor limited to server2 is
    Offline on server1. clpstat --mon NAME --detail shows the runtime state."""
    hang = "#!/bin/sh\nexec sleep 60\n"
    mons = (monitor_xml("genw", "genw1", relation=("grp", "failover1"), interval_s=0.2, timeout_s=0.3,
                        retry=50, restart=1, fo=1, params="<path>genw.sh</path><sync>1</sync>",
                        emergency_xml="<timeout><notreconfirmation><use>1</use></notreconfirmation>"
                                      "<notrecovery><use>1</use></notrecovery></timeout>") +
            monitor_xml("ipw", "ipw1", interval_s=0.2, timeout_s=1, servers=("server2",),
                        params='<list id="0"><ip>198.18.0.254</ip></list>'))
    c, l, g = make(cluster_factory, lifeline_program, lifeline_build_dir, mons,
                   {"monitor.s/genw1/genw.sh": hang})
    l.start_all()
    l.wait_all_online()
    g.on("server1")
    wait_until(lambda: monitors_of(l.status(1)).get("genw1") == "Error", 3,
               message="genw1 in error after its first timed-out check")
    l.wait_alert(1, "no recovery: a timed-out check is not recovered")
    # The error came from the first timed-out check, not after 50 reconfirmations (~20 s).
    log = l.alerts(1)
    first_error = next(i for i, a in enumerate(log) if "Monitor genw1 is in error" in a)
    assert sum("Monitor genw1: the check timed out" in a for a in log[:first_error]) == 1, log
    wait_until(lambda: monitors_of(l.status(2)).get("ipw1") == "Normal", 5, message="ipw1 runs on server2")
    assert monitors_of(l.status(1)).get("ipw1") == "Offline"
    holds_for(lambda: l.group(1, "failover1").get("current") == "server1", 1.0,
              message="no recovery of a timed-out check")
    assert not any("reactivate of grp" in a for a in l.alerts(1))
    out = l.clpstat(1, "--mon", "genw1", "--detail").stdout
    assert re.search(r"^    Do Not Execute Recovery Action at Timeout Occurrence +: On$", out, re.M), out
    assert any(line.split(":")[0].strip() == "Status" and line.rstrip().endswith("Error")
               for line in out.splitlines()), out
    timed_out = next(line for line in out.splitlines() if line.startswith("    Timed-out Checks"))
    assert int(timed_out.rsplit(":", 1)[1]) >= 1, out
    assert "the check timed out" in next(line for line in out.splitlines() if line.startswith("    Last Error "))
    out2 = l.clpstat(1, "--mon", "ipw1", "--detail").stdout
    assert any(line.startswith("    Servers") and line.rstrip().endswith(": server2") for line in out2.splitlines()), out2
