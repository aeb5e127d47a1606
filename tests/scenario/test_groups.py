"""Failover groups on a 2-server cluster: the manual's verification checklist (digest §11.1/11.2)
and pseudo-failures #10, #12, #13 with group `failover1` = fip + disk (ext4 on the shared loop
disk) + exec (a small HTTP service that serves a file from the disk).

Every test runs under the ownership checker: all servers are sampled every 50 ms and the test
fails if the floating IP is configured on, or the disk mounted by, two servers at once."""

import subprocess
import tempfile
from pathlib import Path

import pytest

from lifeline_harness import holds_for, wait_until
from lifeline_harness.lifeline import (Lifeline, cluster_xml, disk_xml, exec_xml, fip_xml,
                                       group_xml, recovery_xml)
from lifeline_harness.ownership import OwnershipChecker

PORT = 8080
CONTENT = "served from the shared disk\n"

APP_START = """#!/bin/sh
# The resident process of the asynchronous exec resource: serves the shared disk.
exec /usr/bin/python3 -m http.server {port} --bind {fip} --directory {mnt}
"""
APP_STOP = "#!/bin/sh\nexit 0\n"


def write_to_disk(c, text: str) -> None:
    """Put hello.txt on the shared disk (mounted briefly in the harness's own namespace)."""
    with tempfile.TemporaryDirectory() as mp:
        subprocess.run(["mount", c.shared_disk, mp], check=True, timeout=30)
        try:
            Path(mp, "hello.txt").write_text(text)
        finally:
            subprocess.run(["umount", mp], check=True, timeout=30)


def app_answer(c, fip: str):
    """What the service answers at the fip, from the client namespace; None if nothing."""
    code = ("import urllib.request,sys\n"
            f"print(urllib.request.urlopen('http://{fip}:{PORT}/hello.txt', timeout=0.5).read().decode(), end='')")
    r = c.run_netns(c.client_ns, ["/usr/bin/python3", "-c", code], check=False, timeout=10)
    return r.stdout if r.returncode == 0 else None


class Failover1:
    """A running 2-server cluster with failover1; `on(server)` checks it is served from there."""

    def __init__(self, c, l, fip, mount_point):
        self.c, self.l, self.fip, self.mp = c, l, fip, mount_point
        self.owners = []  # servers that held the disk, in order (written to it by each)

    def on(self, server: str) -> None:
        for viewer in self.c.nodes:
            if not self.c.is_powered_off(viewer):
                self.l.wait_group(viewer, "failover1", "Online", server)
        others = [n.name for n in self.c.nodes if n.name != server]
        assert self.c.is_mounted(server), f"disk not mounted on {server}"
        assert not any(self.c.is_mounted(o) for o in others if not self.c.is_powered_off(o))
        # The mount point is usable there (checklist #4), and what an earlier owner wrote moved
        # with the disk.
        before = self.c.run(server, ["sh", "-c", f"cat {self.mp}/owners 2>/dev/null; true"]).stdout
        assert before.splitlines() == self.owners, (before, self.owners)
        self.c.run(server, ["sh", "-c", f"echo {server} >> {self.mp}/owners && sync"])
        self.owners.append(server)
        self.c.wait_ping(None, self.fip, timeout=5)
        assert wait_until(lambda: app_answer(self.c, self.fip), 10,
                          message="the application answers at the fip") == CONTENT

    def offline(self) -> None:
        self.l.wait_group(1, "failover1", "Offline", "")
        assert not any(self.c.is_mounted(n) for n in self.c.nodes)
        assert not self.c.client_ping(self.fip)
        assert app_answer(self.c, self.fip) is None


def make_failover1(cluster_factory, lifeline_program, build_dir, *, auto_failback=False,
                   exec_start=None, fip=None, policy=None, fip_recovery="", exec_stop=None,
                   stop_timeout_s=5, npaction=4, interval_ms=100, timeout_ms=1000, ping=True,
                   ping_timeout_s=0.3):
    for p in ("lifelined", "clpgrp", "clpstat"):
        lifeline_program(p)
    c = cluster_factory(2)
    fip = fip or c.fip(1)
    mp = str(c.state_dir / "mnt" / "failover1")
    Path(mp).mkdir(parents=True, exist_ok=True)
    c.make_ext4()
    write_to_disk(c, CONTENT)
    resources = (fip_xml("fip1", fip, fip_recovery) +
                 disk_xml("disk1", str(c.disks[0].server_path), mp) +
                 exec_xml("exec1", sync=exec_start is not None, start_timeout_s=1,
                          stop_timeout_s=stop_timeout_s))
    xml = cluster_xml(c, groups_xml=group_xml("failover1", ["fip@fip1", "disk@disk1", "exec@exec1"],
                                              auto_failback=auto_failback, policy=policy),
                      resources_xml=resources, npaction=npaction, interval_ms=interval_ms,
                      timeout_ms=timeout_ms, ping=ping, ping_timeout_s=ping_timeout_s)
    scripts = {"failover1/exec1/start.sh": exec_start or APP_START.format(port=PORT, fip=fip, mnt=mp),
               "failover1/exec1/stop.sh": exec_stop or APP_STOP}
    l = Lifeline(c, build_dir).deploy(xml, scripts)
    return c, l, Failover1(c, l, fip, mp)


@pytest.fixture
def failover1(cluster_factory, lifeline_program, lifeline_build_dir):
    return make_failover1(cluster_factory, lifeline_program, lifeline_build_dir)


def ok(r):
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_checklist_start_stop_move(failover1):
    c, l, g = failover1
    with OwnershipChecker(c, fips=[g.fip]):
        l.start_all()
        l.wait_all_online()
        g.on("server1")                                   # auto startup, first server
        out = ok(l.clpstat(2))
        assert "failover1" in out and "current" in out and "server1" in out, out
        assert ok(l.clpgrp(2, "-n", "failover1")).strip() == "server1"

        assert "Command succeeded." in ok(l.clpgrp(1, "-t", "failover1"))
        g.offline()
        assert l.clpgrp(1, "-n", "failover1").returncode == 1

        ok(l.clpgrp(1, "-s", "failover1"))                # on the server that was asked
        g.on("server1")
        ok(l.clpgrp(1, "-m", "failover1", "-h", "server2"))
        g.on("server2")
        ok(l.clpgrp(2, "-m", "failover1"))                # the next server of its list
        g.on("server1")
        ok(l.clpgrp(2, "-t"))                             # every group active on server2: none
        g.on("server1")
        ok(l.clpgrp(1, "-t"))                             # every group active here
        g.offline()
        ok(l.clpgrp(2, "-s"))                             # every group, on server2
        g.on("server2")

        r = l.clpgrp(1, "-m", "failover1", "-h", "server9")
        assert r.returncode == 1 and "server9" in r.stderr, r.stdout + r.stderr
        assert "Command failed." in r.stderr
        l.wait_alert(1, "Group failover1 moved from server1 to server2")


def test_power_off_fails_over_and_manual_failback_keeps_it(failover1):
    c, l, g = failover1
    with OwnershipChecker(c, fips=[g.fip]) as owners:
        l.start_all()
        l.wait_all_online()
        g.on("server1")
        c.power_off(1)
        g.on("server2")
        l.wait_alert(2, "Group failover1 failed over from server1 to server2")
        c.power_on(1)
        l.start(1)
        l.wait_all_online()
        # The restarted server learns where the group is from server2's report first.
        l.wait_group(1, "failover1", "Online", "server2", timeout=5)
        holds_for(lambda: l.group(1, "failover1").get("current") == "server2", 2.0,
                  message="manual failback: the group stays on server2")
        g.on("server2")
    assert owners.samples > 50
    # The lost server's last table is history, not a second owner.
    assert not any("is reported active on" in a for n in (1, 2) for a in l.alerts(n))


def test_auto_failback_returns_to_the_first_server(cluster_factory, lifeline_program, lifeline_build_dir):
    c, l, g = make_failover1(cluster_factory, lifeline_program, lifeline_build_dir, auto_failback=True)
    with OwnershipChecker(c, fips=[g.fip]):
        l.start_all()
        l.wait_all_online()
        g.on("server1")
        c.power_off(1)
        g.on("server2")
        c.power_on(1)
        l.start(1)
        g.on("server1")
        l.wait_alert(1, "automatic failback from server2 to server1")


def test_exec_failure_fails_over(cluster_factory, lifeline_program, lifeline_build_dir):
    """Pseudo-failure #12: start.sh exits 1 on server1: not activated there, failover."""
    failing = "#!/bin/sh\n[ \"$(hostname)\" = server1 ] && exit 1\nexit 0\n"
    c, l, g = make_failover1(cluster_factory, lifeline_program, lifeline_build_dir, exec_start=failing)
    with OwnershipChecker(c, fips=[g.fip]):
        l.start_all()
        l.wait_all_online()
        l.wait_group(1, "failover1", "Online", "server2")
        assert c.is_mounted("server2") and not c.is_mounted("server1")
        l.wait_alert(1, "Failed to activate resource exec1 of group failover1 on server1")
        l.wait_alert(1, "start.sh exited with code 1")


def test_fip_in_use_is_not_activated(cluster_factory, lifeline_program, lifeline_build_dir):
    """Pseudo-failure #13: the fip is already used by another host: not activated anywhere."""
    c, l, g = make_failover1(cluster_factory, lifeline_program, lifeline_build_dir)
    c.run_netns(c.client_ns, ["ip", "addr", "add", f"{g.fip}/24", "dev", "eth0"])
    with OwnershipChecker(c, fips=[g.fip]):
        l.start_all()
        l.wait_all_online()
        l.wait_alert(1, f"{g.fip} is in use by", timeout=20)
        # failed on server1, failed over, failed on server2: final action, the group stays
        # in error there; nothing of it is active anywhere
        grp = l.wait_group(1, "failover1", "Error", timeout=20)
        assert grp["resources"]["fip1"] == "Error"
        holds_for(lambda: all(not c.is_mounted(n) for n in c.nodes), 1.0,
                  message="resources after the fip are not activated")
        servers = {n.name for n in c.nodes}
        assert not any(g.fip in c.run(n, ["ip", "-4", "addr"]).stdout for n in servers)


def test_disk_already_mounted_is_not_activated(cluster_factory, lifeline_program, lifeline_build_dir):
    """Pseudo-failure #10: the disk is mounted by hand before the group starts: the disk
    resource is not activated (and the administrator's mount is left alone)."""
    c, l, g = make_failover1(cluster_factory, lifeline_program, lifeline_build_dir,
                             policy=["server1"])
    manual = c.mount(1)
    with OwnershipChecker(c, fips=[g.fip]):
        l.start_all()
        l.wait_all_online()
        l.wait_alert(1, "already mounted", timeout=20)
        l.wait_alert(1, "failed on every server that can run it")
        holds_for(lambda: l.group(1, "failover1")["state"] in ("Offline", "Error"), 1.0,
                  message="the group does not come online")
        assert l.group(1, "failover1")["resources"]["disk1"] != "Online"
        assert any(m["mountpoint"] == str(manual) for m in c.mounts(1)), "manual mount left alone"
        assert not c.is_mounted(2)


def test_stopping_a_server_stops_its_groups_and_the_cluster_start_starts_them(failover1):
    """clpcl -t on the owner releases its groups (an operator stop, no failover); a server
    that joins a running cluster starts nothing; the next cluster start starts them again."""
    c, l, g = failover1
    with OwnershipChecker(c, fips=[g.fip]):
        l.start_all()
        l.wait_all_online()
        g.on("server1")
        ok(l.clpcl(2, "-t", "-h", "server1"))
        l.wait_group(2, "failover1", "Offline", "")
        assert not c.is_mounted(1) and not c.is_mounted(2)
        l.wait_alert(1, "Group failover1 stopped on server1")  # released before it left
        ok(l.clpcl(2, "-s", "-h", "server1"))
        l.wait_all_online()
        holds_for(lambda: l.group(2, "failover1")["state"] == "Offline", 1.5,
                  message="joining a running cluster starts no group")
        ok(l.clpcl(1, "-t", "-a"))
        ok(l.clpcl(1, "-s", "-a"))
        l.wait_all_online()
        g.on("server1")


def test_resource_that_cannot_be_released_is_not_taken_over(cluster_factory, lifeline_program,
                                                            lifeline_build_dir):
    """stop.sh fails on server1 during a move: the group is stuck there (never activated on
    server2 while server1 may hold it) until server1's final action (default: stop the cluster
    service and shut down) takes it down; then server2 takes over."""
    stop_fails_on_1 = "#!/bin/sh\n[ \"$(hostname)\" = server1 ] && exit 1\nexit 0\n"
    c, l, g = make_failover1(cluster_factory, lifeline_program, lifeline_build_dir)
    Path(c[1].etc_dir, "scripts/failover1/exec1/stop.sh").write_text(stop_fails_on_1)
    Path(c[2].etc_dir, "scripts/failover1/exec1/stop.sh").write_text(stop_fails_on_1)
    with OwnershipChecker(c, fips=[g.fip]):
        l.start_all()
        l.wait_all_online()
        g.on("server1")
        r = l.clpgrp(2, "-m", "failover1", "-h", "server2")
        # The leader (server1) may power itself off before its answer is out: either way
        # the move failed, and server1's alert log says why.
        assert r.returncode != 0, r.stdout + r.stderr
        l.wait_alert(1, "Failed to deactivate resource exec1 of group failover1 on server1")
        wait_until(lambda: any(e.get("node") == "server1" for e in c.power_events()), 10,
                   message="server1's final action powers it off")
        assert any("shutdown" in str(e) for e in c.power_events()), c.power_events()
        g.on("server2")
        l.wait_alert(2, "Group failover1 failed over from server1 to server2")


def cut_off_owner_is_taken_over(c, l, owner: int, survivor: int) -> list:
    """Cut every link of `owner` (the ping target too): wait for its final action, then for
    failover1 Online on `survivor` with the disk mounted there. The owner's power events."""
    c.cut_all_links(owner)
    name = c[owner].name
    wait_until(lambda: any(e["node"] == name for e in c.power_events()), 15,
               message=f"{name} performs its NP action")
    l.wait_group(survivor, "failover1", "Online", c[survivor].name, timeout=20)
    assert c.is_mounted(survivor)
    return [e for e in c.power_events() if e["node"] == name]


def test_owner_back_without_its_group_before_the_takeover_is_failed_over(
        cluster_factory, lifeline_program, lifeline_build_dir):
    """server1 holds failover1 and loses power; it is powered on and its cluster service started
    again before server2's takeover wait (interval + timeout + ping timeout: 0.1 + 1 + 8 s here,
    room for a slow start under load) has ended. server2 takes nothing over then (server1 is up
    again) and server1 holds nothing (it restarted): the group must not stay offline on both.
    It is failed over to server2, as if server1 had stayed down, and the checker sees no moment
    with two owners."""
    c, l, g = make_failover1(cluster_factory, lifeline_program, lifeline_build_dir, ping_timeout_s=8)
    with OwnershipChecker(c, fips=[g.fip]) as owners:
        l.start_all()
        l.wait_all_online()
        g.on("server1")
        c.power_off(1)
        wait_until(lambda: any("Server server1 is down" in a for a in l.alerts(2)), 10,
                   message="server2 declares server1 down")
        c.power_on(1)
        l.start(1)
        l.wait_group(2, "failover1", "Online", "server2", timeout=20)
        assert c.is_mounted(2)
        assert owners.samples > 20
    alerts = l.alerts(2)
    # server1 was back before the wait ended: the takeover came from the group policy.
    assert not any("must have stopped by now" in a for a in alerts), alerts[-10:]
    assert any("Server server1 is up again" in a for a in alerts), alerts[-10:]


def test_isolated_owner_is_down_before_the_takeover(cluster_factory, lifeline_program, lifeline_build_dir):
    """The owner loses every link (and so the ping target): it resolves itself isolated and
    performs the NP action (shut down); the other side survives by ping and takes the group
    over only once the loser must have acted — the checker sees no moment with two owners.
    At 100 ms / 2.5 s the cut-off owner decides before the timeout (the early isolation
    check) and the survivor waits one interval after its verdict."""
    c, l, g = make_failover1(cluster_factory, lifeline_program, lifeline_build_dir, timeout_ms=2500)
    with OwnershipChecker(c, fips=[g.fip]) as owners:
        l.start_all()
        l.wait_all_online()
        g.on("server1")
        ok(l.clpgrp(1, "-m", "failover1", "-h", "server2"))
        g.on("server2")
        cut_off_owner_is_taken_over(c, l, 2, 1)
        assert owners.samples > 20
    alerts = l.alerts(2)
    assert any("isolated" in a for a in alerts), alerts[-10:]
    # Cut off from the peer and the ping target, server2 found itself isolated before the
    # heartbeat timeout (the early check), not after it.
    assert any("(ping): isolated; no heartbeat for" in a and "before the timeout" in a
               for a in alerts), alerts[-10:]


def test_isolated_owner_whose_stop_hangs_resets_itself_before_the_takeover(
        cluster_factory, lifeline_program, lifeline_build_dir):
    """The NP action is a graceful stop (npaction 3), but the owner's exec stop script hangs:
    the fip and the disk would stay up on the isolated server while the survivor takes over.
    The isolated server must reset itself by the deadline the survivor counts on; the checker
    sees no moment with two owners. (An interval of 250 ms: the reset is given one interval to
    take effect, and the sandbox's reset is a script, slower than a real one.)"""
    c, l, g = make_failover1(cluster_factory, lifeline_program, lifeline_build_dir,
                             exec_stop="#!/bin/sh\nsleep 30\n", stop_timeout_s=40, npaction=3,
                             interval_ms=250, timeout_ms=2000)
    with OwnershipChecker(c, fips=[g.fip]) as owners:
        l.start_all()
        l.wait_all_online()
        g.on("server1")
        events = cut_off_owner_is_taken_over(c, l, 1, 2)
        assert events[0]["action"] == "reset", events  # the fence, not a stop that finished
        assert owners.samples > 20
    alerts = l.alerts(1)
    assert any("Final action \"Stop the cluster service\"" in a for a in alerts), alerts[-10:]
    assert any("has not taken effect in time (" in a and "not released): this server resets itself" in a
               for a in alerts), alerts[-10:]


def test_without_partition_resolution_a_lost_owner_is_taken_over_at_once(
        cluster_factory, lifeline_program, lifeline_build_dir):
    """No NP method: the verdict is "no resolution" (alerted as dangerous) and the survivor
    takes the group over with no wait, as every side would."""
    c, l, g = make_failover1(cluster_factory, lifeline_program, lifeline_build_dir, ping=False)
    l.start_all()
    l.wait_all_online()
    g.on("server1")
    c.power_off(1)
    l.wait_alert(2, "Network partition resolution for server1 (none): no-resolution", timeout=10)
    g.on("server2")
