"""Pseudo-failures #1/#2 of the manual (digest §11.4): the owner loses its path to the shared
disk — "#1 SCSI/FC path: unplug the cable on the server side", "#2 FC: power off the FC-HUB" —
the disk monitor (diskw) detects it and, when a disk is monitored, the group fails over to the
standby server, whose path is healthy; when no disk is monitored, nothing fails over.

The failing path is server1's view of a shared disk served through tests/tools/faulty_file
(lifeline_harness.faulty_disk): reads and writes start to fail with EIO, as they do on a host
once the SCSI/FC transport gives up on a pulled cable or a dead hub. server2 keeps its own
healthy path to the same image. failover1 = fip + disk + exec (test_groups); every test that
moves the group runs under the ownership checker."""

import time

import pytest

from lifeline_harness import holds_for, wait_until
from lifeline_harness.faulty_disk import FaultyDisk, find_program, unavailable
from lifeline_harness.lifeline import monitor_xml, monitors_of
from lifeline_harness.ownership import OwnershipChecker
from test_monitors import make as make_failover1


@pytest.fixture(autouse=True)
def faulty(lifeline_build_dir):
    """faulty(c, server, disk) -> a started FaultyDisk. Autouse, so that it is set up before
    cluster_factory and finalised after it: the FUSE daemon outlives the cluster, whose
    teardown releases the loop device over it."""
    reason = unavailable(lifeline_build_dir)
    if reason:
        pytest.skip(reason)
    made = []

    def make(c, server, disk=0):
        made.append(FaultyDisk(c, find_program(lifeline_build_dir), server, disk))
        return made[-1].start()
    yield make
    for f in reversed(made):
        f.close()


def diskw_xml(device) -> str:
    """diskw on `device` (READ), recovery = fail failover1 over at the first error."""
    return monitor_xml("diskw", "diskw1", relation=("grp", "failover1"), interval_s=0.2,
                       timeout_s=1, restart=0, fo=1,
                       params=f"<object>{device}</object><method>READ</method>")


def make(cluster_factory, lifeline_program, build_dir, monitors=None, *, disks=1):
    """failover1 (test_monitors.make) with `monitors(c)` -> monitors XML. Nothing is started."""
    return make_failover1(cluster_factory, lifeline_program, build_dir, monitors or "", disks=disks)


def diskw_state(l, server):
    return monitors_of(l.status(server)).get("diskw1")


def fail_over_on_path_loss(c, l, g, path):
    """Start, serve from server1, break its path: diskw errors there, server2 takes over.
    Returns the timings (s) from the fault to the error alert and to the takeover."""
    l.start_all()
    l.wait_all_online()
    g.on("server1")
    wait_until(lambda: diskw_state(l, 1) == "Normal" and diskw_state(l, 2) == "Normal", 10,
               message="diskw1 Normal on both servers")
    t0 = time.monotonic()
    path.fail()
    alert = l.wait_alert(1, "Monitor diskw1 is in error")
    t_error = time.monotonic() - t0
    assert "Input/output error" in alert, alert
    l.wait_group(2, "failover1", "Online", "server2")
    t_online = time.monotonic() - t0
    g.on("server2")          # mounted there only; what server1 wrote is there; app answers
    t_served = time.monotonic() - t0
    l.wait_alert(1, "failover of grp failover1")
    l.wait_alert(1, "Group failover1 failed over from server1 to server2")   # the leader
    assert diskw_state(l, 1) == "Error"
    assert diskw_state(l, 2) == "Normal"           # the standby's path is healthy
    assert not c.power_events(), c.power_events()  # a failover, no final action
    print(f"\n{path.node.name} path lost: diskw error after {t_error:.2f} s, group Online on "
          f"server2 after {t_online:.2f} s, served there after {t_served:.2f} s")
    return t_error, t_online


def test_cable_pulled_fails_over(cluster_factory, lifeline_program, lifeline_build_dir, faulty):
    """#1: diskw watches a second shared disk, raw (never mounted); server1's path to
    it is lost while the group runs there."""
    c, l, g = make(cluster_factory, lifeline_program, lifeline_build_dir,
                   lambda c: diskw_xml(c.disks[1].server_path), disks=2)
    path = faulty(c, 1, disk=1)
    with OwnershipChecker(c, fips=[g.fip]) as owners:
        fail_over_on_path_loss(c, l, g, path)
        assert owners.samples > 20


def test_fc_hub_off_fails_over_from_the_mounted_disk(cluster_factory, lifeline_program,
                                                     lifeline_build_dir, faulty):
    """#2: server1's path to the *mounted* shared disk fails with EIO. The group's deactivation
    there must still complete (the unmount of a file system whose device fails ends at once,
    with I/O errors): no deactivation failure, no final action; server2 mounts the disk
    through its healthy path and reads what server1 had written (checked by g.on)."""
    c, l, g = make(cluster_factory, lifeline_program, lifeline_build_dir,
                   lambda c: diskw_xml(c.disks[0].server_path))
    path = faulty(c, 1, disk=0)
    with OwnershipChecker(c, fips=[g.fip]) as owners:
        fail_over_on_path_loss(c, l, g, path)
        assert not c.is_mounted(1)
        alerts = l.alerts(1)
        assert not any("Failed to deactivate" in a for a in alerts), alerts[-10:]
        assert owners.samples > 20


def test_without_disk_monitor_the_group_stays(cluster_factory, lifeline_program,
                                              lifeline_build_dir, faulty):
    """The same EIO fault without a diskw monitor: nothing watches the path, the group stays
    on server1 (the manual: "when no disk is monitored, the operation stops")."""
    c, l, g = make(cluster_factory, lifeline_program, lifeline_build_dir)
    path = faulty(c, 1, disk=0)
    l.start_all()
    l.wait_all_online()
    g.on("server1")
    path.fail()
    # The fault is real: what server1 writes to the disk no longer reaches it.
    r = c.run(1, ["sh", "-c", f"echo lost > {g.mp}/after && sync {g.mp}/after"], check=False)
    assert r.returncode != 0, r.stdout + r.stderr
    holds_for(lambda: l.group(2, "failover1").get("current") == "server1", 2.0,
              message="no failover without a disk monitor")
    assert l.group(1, "failover1").get("state") == "Online"
    assert not any("failed over" in a for n in (1, 2) for a in l.alerts(n))
    assert not c.power_events(), c.power_events()
