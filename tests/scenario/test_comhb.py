"""Issue 6, comhb: a serial line between two servers (pseudo-terminals linked by the harness,
lifeline_harness.comlink) as a heartbeat path beside the two LAN heartbeats. The COM path alone
keeps the cluster together when both LANs are cut, and pulling the COM cable gives an Offline
path and a warning but no failover (manual test #8)."""

import time

import pytest

from lifeline_harness.comlink import ComLink
from lifeline_harness.lifeline import Lifeline, cluster_xml, fip_xml, group_xml
from test_diskhb import hb_state, no_failover, wait_hb  # the same checks for every path type

INTERVAL_MS = 100
TIMEOUT_MS = 1000
COM_DEVICE = 400
# 115200: a 113-byte frame takes 10 ms, well inside the 100 ms interval (19200 would take 59).
COMHB = ('<types name="comhb"/><comhb name="comhb1"><priority>2</priority>'
         f'<device>{COM_DEVICE}</device><parameters><speed>115200</speed></parameters></comhb>')


@pytest.fixture
def com_cluster(cluster_factory, lifeline_program, lifeline_build_dir):
    lifeline_program("lifelined")
    c = cluster_factory(2)
    link = ComLink(c, 1, 2).plug()
    xml = cluster_xml(c, interval_ms=INTERVAL_MS, timeout_ms=TIMEOUT_MS,
                      server_devices=link.devices_xml(COM_DEVICE), heartbeats_xml=COMHB,
                      groups_xml=group_xml("failover1", ["fip@fip1"], policy=["server1", "server2"]),
                      resources_xml=fip_xml("fip1", c.fip(1)))
    l = Lifeline(c, lifeline_build_dir).deploy(xml).start_all()
    try:
        l.wait_all_online()
        l.wait_group(1, "failover1", "Online", "server1")
        yield c, l, link
    finally:
        link.close()


def test_comhb_is_normal_on_both_servers(com_cluster):
    c, l, link = com_cluster
    wait_hb(l, 1, "server2", "comhb1", "Normal")
    wait_hb(l, 2, "server1", "comhb1", "Normal")
    assert link.forwarded > 0
    r = l.clpstat(1)
    assert r.returncode == 0, r.stderr
    assert "comhb1" in r.stdout, r.stdout


def test_comhb_alone_keeps_the_peer_when_both_lans_are_cut(com_cluster):
    c, l, link = com_cluster
    wait_hb(l, 1, "server2", "comhb1", "Normal")
    c.cut_link(2, "interconnect")
    c.cut_link(2, "public")
    for node, peer in ((1, "server2"), (2, "server1")):
        for hb in ("lanhb1", "lanhb2"):
            wait_hb(l, node, peer, hb, "Offline")
        assert hb_state(l, node, peer, "comhb1") == "Normal"
    no_failover(c, l, 3 * TIMEOUT_MS / 1000)
    assert hb_state(l, 1, "server2", "comhb1") == "Normal"
    l.wait_alert(1, "Server server2 is heard only over comhb1")  # alert 104
    c.restore_link(2, "interconnect")
    c.restore_link(2, "public")
    wait_hb(l, 1, "server2", "lanhb1", "Normal", timeout=10)
    wait_hb(l, 1, "server2", "lanhb2", "Normal", timeout=10)
    l.wait_alert(1, "Server server2 is heard over a LAN heartbeat again")


@pytest.mark.parametrize("hangup", [True, False], ids=["hangup", "silent"])
def test_pulling_the_com_cable_gives_a_warning_and_no_failover(com_cluster, hangup):
    """Manual test #8. `hangup`: the other end of each tty disappears (a USB adapter unplugged,
    our pty relay gone); `silent`: the ttys stay but nothing crosses (a real port with its
    cable pulled)."""
    c, l, link = com_cluster
    wait_hb(l, 1, "server2", "comhb1", "Normal")
    wait_hb(l, 2, "server1", "comhb1", "Normal")
    pulled = time.monotonic()
    link.pull(hangup=hangup)
    wait_hb(l, 1, "server2", "comhb1", "Offline", timeout=TIMEOUT_MS / 1000 + 2)
    detected_ms = (time.monotonic() - pulled) * 1000
    print(f"comhb1 Offline on server1 {detected_ms:.0f} ms after the pull ({'hang-up' if hangup else 'silent'})")
    # The timeout, plus the check period and polling slack on a loaded machine.
    assert detected_ms <= TIMEOUT_MS + INTERVAL_MS + 700, f"comhb1 Offline after {detected_ms:.0f} ms"
    wait_hb(l, 2, "server1", "comhb1", "Offline")
    for node, peer in ((1, "server2"), (2, "server1")):
        l.wait_alert(node, f"Heartbeat comhb1 to server {peer} is Offline")
        if hangup:  # the driver saw its tty hang up and said so
            l.wait_alert(node, "Heartbeat comhb1 cannot be used: comhb1: ")
        assert hb_state(l, node, peer, "lanhb1") == "Normal"
    no_failover(c, l, 3 * TIMEOUT_MS / 1000)
    # Plugged back in, the path is Normal again (after a hang-up, once the tty reopens).
    link.plug()
    wait_hb(l, 1, "server2", "comhb1", "Normal", timeout=5)
    wait_hb(l, 2, "server1", "comhb1", "Normal", timeout=5)
    l.wait_alert(1, "Heartbeat comhb1 to server server2 is Normal again")
