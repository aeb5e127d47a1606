"""Issue 6, diskhb: a raw partition of the shared disk as a heartbeat path beside the two LAN
heartbeats. The harness's second shared disk is the partition: one image, each server sees it
through a loop device of its own at c.disks[1].server_path (as two hosts see one LUN). The disk
path alone keeps the cluster together when every cable of the group's server is pulled, and a
disk that fails on one server gives an Offline path and a warning but no failover (manual test
#1)."""

import fcntl
import os
import struct

import pytest

from lifeline_harness import holds_for, wait_until
from lifeline_harness.lifeline import Lifeline, cluster_xml, fip_xml, group_xml

INTERVAL_MS = 100
TIMEOUT_MS = 1000
DISK_DEVICE = 300
DISKHB = ('<types name="diskhb"/><diskhb name="diskhb1"><priority>2</priority>'
          f'<device>{DISK_DEVICE}</device></diskhb>')
BOTH_ONLINE = {"server1": "Online", "server2": "Online"}
BLKROSET = 0x125D  # linux/fs.h _IO(0x12, 93)


@pytest.fixture
def disk_cluster(cluster_factory, lifeline_program, lifeline_build_dir):
    lifeline_program("lifelined")
    c = cluster_factory(2, shared_disks=2)
    hb_disk = c.disks[1]
    devices = (lambda n: f'<device id="{DISK_DEVICE}"><type>disk</type>'
                         f'<info>{hb_disk.server_path}</info></device>')
    xml = cluster_xml(c, interval_ms=INTERVAL_MS, timeout_ms=TIMEOUT_MS,
                      server_devices=devices, heartbeats_xml=DISKHB,
                      groups_xml=group_xml("failover1", ["fip@fip1"], policy=["server1", "server2"]),
                      resources_xml=fip_xml("fip1", c.fip(1)))
    l = Lifeline(c, lifeline_build_dir).deploy(xml).start_all()
    try:
        l.wait_all_online()
        l.wait_group(1, "failover1", "Online", "server1")
        yield c, l
    finally:
        for dev in hb_disk.server_devices.values():
            set_read_only(dev, False)  # a loop device keeps the flag for its next user


def set_read_only(device, read_only):
    """BLKROSET on one server's own loop device: every write there fails with EPERM (a
    detach would not do: the kernel defers it until the last user closes the device)."""
    fd = os.open(device, os.O_RDONLY)
    try:
        fcntl.ioctl(fd, BLKROSET, struct.pack("i", 1 if read_only else 0))
    finally:
        os.close(fd)


def hb_state(l, node, peer, hb):
    return l.heartbeat_states(node).get((peer, hb))


def wait_hb(l, node, peer, hb, state, timeout=5.0):
    wait_until(lambda: hb_state(l, node, peer, hb) == state, timeout,
               message=f"{hb} to {peer} {state} on server{node}: {l.heartbeat_states(node)}")


def no_failover(c, l, duration):
    """Both servers stay Online in both views and the group stays on server1."""
    holds_for(lambda: l.server_states(1) == BOTH_ONLINE and l.server_states(2) == BOTH_ONLINE
              and l.group(1, "failover1").get("current") == "server1",
              duration, message="both servers Online, failover1 on server1")
    assert l.group(2, "failover1").get("current") != "server2"
    assert not c.power_events()
    assert not any("Network partition resolution" in a for a in l.alerts(1) + l.alerts(2))


def test_all_three_paths_are_normal(disk_cluster):
    c, l = disk_cluster
    for node, peer in ((1, "server2"), (2, "server1")):
        for hb in ("lanhb1", "lanhb2", "diskhb1"):
            wait_hb(l, node, peer, hb, "Normal")
    r = l.clpstat(1, "--hb")
    assert r.returncode == 0, r.stderr
    assert "diskhb1" in r.stdout, r.stdout
    # Each server writes its own slot through its own device: both devices did I/O.
    for name, dev in c.disks[1].server_devices.items():
        with open(f"/sys/block/{os.path.basename(dev)}/stat") as f:
            fields = [int(x) for x in f.read().split()]
        assert fields[0] > 0 and fields[4] > 0, f"{name}'s {dev}: reads {fields[0]}, writes {fields[4]}"


def test_diskhb_keeps_the_peer_when_every_cable_is_pulled(disk_cluster):
    c, l = disk_cluster
    wait_hb(l, 2, "server1", "diskhb1", "Normal")
    # The group's server loses both LANs (and so the ping target): without the disk path,
    # partition resolution would shut it down and server2 would take the group over.
    c.cut_all_links(1)
    for node, peer in ((1, "server2"), (2, "server1")):
        for hb in ("lanhb1", "lanhb2"):
            wait_hb(l, node, peer, hb, "Offline")
        assert hb_state(l, node, peer, "diskhb1") == "Normal"
    no_failover(c, l, 3 * TIMEOUT_MS / 1000)
    assert hb_state(l, 2, "server1", "diskhb1") == "Normal"
    assert hb_state(l, 1, "server2", "diskhb1") == "Normal"
    # Both sides are told the cluster runs on the disk path alone (alert 104).
    l.wait_alert(2, "Server server1 is heard only over diskhb1")
    l.wait_alert(1, "Server server2 is heard only over diskhb1")
    c.restore_all_links(1)
    for node, peer in ((1, "server2"), (2, "server1")):
        for hb in ("lanhb1", "lanhb2"):
            wait_hb(l, node, peer, hb, "Normal", timeout=10)
    l.wait_alert(2, "Server server1 is heard over a LAN heartbeat again")


def test_failing_disk_gives_offline_and_a_warning_and_no_failover(disk_cluster):
    """Manual test #1: the disk heartbeat becomes Offline, a warning, operation continues."""
    c, l = disk_cluster
    wait_hb(l, 1, "server2", "diskhb1", "Normal")
    dev2 = c.disks[1].server_devices["server2"]
    set_read_only(dev2, True)
    # server2 cannot write its slot: it is told why (device and errno), once.
    line = l.wait_alert(2, "Heartbeat diskhb1 cannot be used", timeout=5)
    assert "Operation not permitted" in line and str(c.disks[1].server_path) in line, line
    assert line.split()[3] == "warning", line  # time server module type id message
    # server1 no longer hears server2 on the disk: Offline, with a warning.
    wait_hb(l, 1, "server2", "diskhb1", "Offline", timeout=5)
    l.wait_alert(1, "Heartbeat diskhb1 to server server2 is Offline", timeout=5)
    # server2's own end of the path is Offline too (it delivers nothing while failing).
    wait_hb(l, 2, "server2", "diskhb1", "Offline", timeout=5)
    assert hb_state(l, 1, "server2", "lanhb1") == "Normal"
    no_failover(c, l, 3 * TIMEOUT_MS / 1000)
    assert sum("Heartbeat diskhb1 cannot be used" in a for a in l.alerts(2)) == 1

    set_read_only(dev2, False)
    wait_hb(l, 1, "server2", "diskhb1", "Normal", timeout=10)
    wait_hb(l, 2, "server1", "diskhb1", "Normal", timeout=10)
    l.wait_alert(1, "Heartbeat diskhb1 to server server2 is Normal again", timeout=5)
    assert sum("Heartbeat diskhb1 cannot be used" in a for a in l.alerts(2)) == 1
    assert l.server_states(1) == BOTH_ONLINE and l.server_states(2) == BOTH_ONLINE
