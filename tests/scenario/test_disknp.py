"""Issue 6, network partitions with several kinds of path, and disknp (the disk lock as the
tie-breaker). Every test runs under the ownership checker (never two owners of the fip).

* The two servers lose each other on both LANs while both still reach the ping target: ping
  alone would let both sides survive; the disk lock lets exactly one.
* The group's server loses every path at once — both LANs (and with them lankhb and the ping
  target), its view of the shared disk (diskhb and the lock) and the COM cable — while the
  ping target still answers the other server: the partition is resolved as in the
  service-core issue, the isolated server performs its NP action and the other takes over."""

import struct

import pytest

from lifeline_harness import holds_for, wait_until
from lifeline_harness.comlink import ComLink
from lifeline_harness.faulty_disk import FaultyDisk, find_program, unavailable
from lifeline_harness.lifeline import Lifeline, cluster_xml, fip_xml, group_xml
from lifeline_harness.ownership import OwnershipChecker
from test_diskhb import hb_state, wait_hb

INTERVAL_MS = 100
TIMEOUT_MS = 1000
DISK_DEVICE = 300
COM_DEVICE = 400
KERNEL_DEVICES = (500, 501)  # lankhb on the interconnect and the public LAN
DISKNP = ('<types name="disknp"/><disknp name="disknp1"><priority>1</priority>'
          f'<device>{DISK_DEVICE}</device><interval>0.2</interval><timeout>0.2</timeout></disknp>')
DISKHB = ('<types name="diskhb"/><diskhb name="diskhb1"><priority>2</priority>'
          f'<device>{DISK_DEVICE}</device></diskhb>')
COMHB = ('<types name="comhb"/><comhb name="comhb1"><priority>3</priority>'
         f'<device>{COM_DEVICE}</device><parameters><speed>115200</speed></parameters></comhb>')
LANKHB = '<types name="lankhb"/>' + "".join(
    f'<lankhb name="lankhb{i + 1}"><priority>{4 + i}</priority><device>{dev}</device></lankhb>'
    for i, dev in enumerate(KERNEL_DEVICES))


def start(c, lifeline_build_dir, *, server_devices, heartbeats_xml="", np_xml=DISKNP):
    xml = cluster_xml(c, interval_ms=INTERVAL_MS, timeout_ms=TIMEOUT_MS,
                      server_devices=server_devices, heartbeats_xml=heartbeats_xml,
                      np_xml=np_xml,
                      groups_xml=group_xml("failover1", ["fip@fip1"], policy=["server1", "server2"]),
                      resources_xml=fip_xml("fip1", c.fip(1)))
    l = Lifeline(c, lifeline_build_dir).deploy(xml).start_all()
    l.wait_all_online()
    l.wait_group(1, "failover1", "Online", "server1")
    return l


def disk_device(disk):
    return lambda n: (f'<device id="{DISK_DEVICE}"><type>disk</type>'
                      f'<info>{disk.server_path}</info></device>')


def np_state(l, node, name="disknp1"):
    st = l.status(node) or {}
    me = next((s for s in st.get("servers", []) if s["name"] == f"server{node}"), {})
    return next((n["state"] for n in me.get("np", []) if n["name"] == name), None)


def powered_off(c, node):
    return any(e["node"] == f"server{node}" for e in c.power_events())


def lock_owner(disk):
    """The owner slot in the lock record on the image (DiskLockRecord: byte 32 KiB + 16), -1 =
    free; None before anything was written."""
    with open(disk.image, "rb") as f:
        f.seek(32 * 1024)
        block = f.read(88)
    if block[:4] != b"LLNP":
        return None
    return struct.unpack(">i", block[16:20])[0]


@pytest.fixture
def faulty(lifeline_build_dir):
    """faulty(c, server, disk) -> a started FaultyDisk; requested before cluster_factory, so
    that it is closed after the cluster's teardown (which releases the loop device over it)."""
    reason = unavailable(lifeline_build_dir)
    if reason:
        pytest.skip(reason)
    made = []

    def make(c, server, disk):
        made.append(FaultyDisk(c, find_program(lifeline_build_dir), server, disk))
        return made[-1].start()
    yield make
    for f in reversed(made):
        f.close()


def test_disk_lock_lets_one_side_survive_where_ping_lets_both(cluster_factory, lifeline_program,
                                                             lifeline_build_dir):
    lifeline_program("lifelined")
    c = cluster_factory(2, shared_disks=2)
    l = start(c, lifeline_build_dir, server_devices=disk_device(c.disks[1]))
    wait_until(lambda: np_state(l, 1) == "Normal" and np_state(l, 2) == "Normal", 5,
               message="disknp1 Normal on both servers")
    r = l.clpstat(1)
    assert "disknp1" in r.stdout, r.stdout
    with OwnershipChecker(c, fips=[c.fip(1)]):
        # Both LANs split between the servers; the ping target answers both sides.
        c.partition([[1], [2]], ping_target="all")
        # server1 runs the group, so it tries first and takes the lock; server2 finds it
        # renewed and stops itself (npaction 4: shut down).
        l.wait_alert(1, "this server holds the disk lock", timeout=15)
        l.wait_alert(2, "could not take the disk lock (held by server1, which renews it)",
                     timeout=15)
        wait_until(lambda: powered_off(c, 2), 15, message="server2 performed its NP action")
        assert not powered_off(c, 1)
        holds_for(lambda: l.group(1, "failover1").get("current") == "server1", 2,
                  message="failover1 stays on server1")
        assert lock_owner(c.disks[1]) == 0  # server1 (slot 0) holds and renews it
    # Once server2 is back, the partition is over and server1 gives the lock back.
    c.heal()
    c.power_on(2)
    l.start(2)
    wait_until(lambda: l.server_states(1).get("server2") == "Online", 20,
               message="server2 back in server1's view")
    wait_until(lambda: lock_owner(c.disks[1]) == -1, 5, message="the lock released")
    l.wait_group(1, "failover1", "Online", "server1")


def test_losing_every_path_resolves_by_ping_and_the_lock(faulty, cluster_factory,
                                                         lifeline_program, lifeline_build_dir):
    lifeline_program("lifelined")
    c = cluster_factory(2, shared_disks=2)
    path = faulty(c, 1, 1)
    link = ComLink(c, 1, 2).plug()
    try:
        def devices(n):
            kernel = "".join(f'<device id="{dev}"><type>lan</type><info>{n.ip(lan)}/24</info></device>'
                             for dev, lan in zip(KERNEL_DEVICES, ("interconnect", "public")))
            return disk_device(c.disks[1])(n) + link.devices_xml(COM_DEVICE)(n) + kernel
        l = start(c, lifeline_build_dir, server_devices=devices,
                  heartbeats_xml=DISKHB + COMHB + LANKHB)
        paths = ("lanhb1", "lanhb2", "diskhb1", "comhb1", "lankhb1", "lankhb2")
        for node, peer in ((1, "server2"), (2, "server1")):
            for hb in paths:
                wait_hb(l, node, peer, hb, "Normal", timeout=10)
        with OwnershipChecker(c, fips=[c.fip(1)]):
            # Everything of server1 at once: both cables (lanhb, lankhb, the ping target),
            # its path to the shared disk (diskhb, the lock) and the COM cable.
            c.cut_all_links(1)
            path.fail()
            link.pull(hangup=False)
            for hb in paths:
                wait_hb(l, 2, "server1", hb, "Offline", timeout=10)
            # server1 reaches no ping target: isolated without trying the lock.
            l.wait_alert(1, "no ping target answers: this server is isolated", timeout=15)
            wait_until(lambda: powered_off(c, 1), 15, message="server1 performed its NP action")
            # server2 reaches the target and takes the lock: it takes the group over.
            l.wait_alert(2, "a ping target answers and this server holds the disk lock", timeout=15)
            l.wait_group(2, "failover1", "Online", "server2", timeout=20)
            assert not powered_off(c, 2)
            assert hb_state(l, 2, "server1", "diskhb1") == "Offline"
    finally:
        link.close()
