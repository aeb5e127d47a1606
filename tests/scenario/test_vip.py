"""Virtual IP (vip) on a 2-server cluster: group `vipgroup` = one vip resource, 198.18.6.10 (on
no subnet of the cluster), on pub0 and advertised by RIPv2 every second. A router on the public
LAN (lifeline_harness.router: bird2, RIP timeout 3 s) learns the host route; a remote client on
198.18.5.0/24 behind it reaches the vip only through that route.

    remote client 198.18.5.2 ── router 198.18.5.1 | 198.18.0.250 ── public LAN ── server1 .11
                                                                              └─ server2 .12

Every test runs under the ownership checker (the vip on two servers at once fails the test)."""

import time

import pytest

from lifeline_harness import holds_for, wait_until
from lifeline_harness.lifeline import Lifeline, cluster_xml, group_xml, vip_xml
from lifeline_harness.ownership import OwnershipChecker
from lifeline_harness.router import ROUTER_IFACE, Router

VIP = "198.18.6.10"
GROUP = "vipgroup"
RIP_INTERVAL_S = 1


def make_vipgroup(cluster_factory, lifeline_program, build_dir, vip=VIP):
    for p in ("lifelined", "clpgrp", "clpstat"):
        lifeline_program(p)
    c = cluster_factory(2)
    vip = vip(c) if callable(vip) else vip
    xml = cluster_xml(c, groups_xml=group_xml(GROUP, ["vip@vip1"]),
                      resources_xml=vip_xml("vip1", vip, "pub0", RIP_INTERVAL_S))
    return c, Lifeline(c, build_dir).deploy(xml)


@pytest.fixture
def vipgroup(cluster_factory, lifeline_program, lifeline_build_dir):
    """(cluster, lifeline, router): deployed, lifelined not started yet."""
    c, l = make_vipgroup(cluster_factory, lifeline_program, lifeline_build_dir)
    with Router(c, update_s=1, timeout_s=3) as r:
        yield c, l, r


def vip_on(c, node, vip=VIP) -> bool:
    return f" {vip}/32 " in c.run(node, ["ip", "-4", "-o", "addr", "show", "dev", "pub0"]).stdout


def test_remote_client_reaches_the_vip_and_it_follows_a_failover(vipgroup):
    c, l, r = vipgroup
    with OwnershipChecker(c, fips=[VIP]) as owners:
        l.start_all()
        l.wait_all_online()
        t0 = time.monotonic()
        for viewer in (1, 2):
            l.wait_group(viewer, GROUP, "Online", "server1")
        assert vip_on(c, 1) and not vip_on(c, 2)
        route = r.wait_route_via(VIP, c[1].public_ip, timeout=5)
        assert "proto bird" in route, route
        r.wait_remote_ping(VIP, timeout=5)
        print(f"vip reachable from the remote client {time.monotonic() - t0:.2f} s after the group "
              f"came online: {route}")

        c.power_off(1)
        t1 = time.monotonic()
        l.wait_group(2, GROUP, "Online", "server2")
        l.wait_alert(2, f"Group {GROUP} failed over from server1 to server2")
        t_group = time.monotonic() - t1
        assert vip_on(c, 2)
        # server1 died without withdrawing: the router keeps its route until the RIP timeout
        # (3 s), then server2's advertisement (every second) takes over.
        route = r.wait_route_via(VIP, c[2].public_ip, timeout=10)
        r.wait_remote_ping(VIP, timeout=5)
        print(f"after power-off of server1: group online on server2 in {t_group:.2f} s, the remote "
              f"client reaches the vip via server2 {time.monotonic() - t1:.2f} s after: {route}")
    assert owners.samples > 20


def test_vip_in_use_is_not_activated(vipgroup):
    """Pseudo-failure #14: the vip is an address already used on the LAN (here by the router):
    the vip resource is not activated, on neither server, and no route points at a server."""
    c, l, r = vipgroup
    c.run_netns(r.netns, ["ip", "addr", "add", f"{VIP}/32", "dev", ROUTER_IFACE])
    with OwnershipChecker(c, fips=[VIP]):
        l.start_all()
        l.wait_all_online()
        alert = l.wait_alert(1, f"{VIP} is in use by", timeout=20)
        assert f"(ARP reply on pub0)" in alert, alert
        grp = wait_until(lambda: (lambda g: g if g and g["state"] in ("Error", "Offline") else None)(
                             l.group(1, GROUP)), 20, interval=0.05,
                         message=f"group {GROUP} Error or Offline")
        holds_for(lambda: l.group(1, GROUP).get("state") in ("Error", "Offline")
                  and l.group(1, GROUP)["resources"]["vip1"] != "Online", 1.5,
                  message="the vip group does not come online")
        print(f"group: {grp}; alert: {alert}")
        assert not vip_on(c, 1) and not vip_on(c, 2)
        assert r.route_via(VIP) is None, r.route(VIP)


def test_vip_of_a_server_address_is_not_activated(cluster_factory, lifeline_program,
                                                  lifeline_build_dir):
    """Pseudo-failure #14 as the manual words it: the vip is the address of a server (server2's
    public address). server1 hears server2 answer the ARP probe; server2 has it configured: the
    vip is refused on both, the group ends in error, and server2 keeps its address."""
    c, l = make_vipgroup(cluster_factory, lifeline_program, lifeline_build_dir,
                         vip=lambda c: c[2].public_ip)
    own = c[2].public_ip
    with OwnershipChecker(c, fips=[own]):
        l.start_all()
        l.wait_all_online()
        l.wait_alert(1, f"{own} is in use by", timeout=20)
        l.wait_alert(2, f"{own} is in use: already configured on pub0 of this server", timeout=20)
        grp = l.wait_group(1, GROUP, "Error", timeout=20)
        assert grp["resources"]["vip1"] == "Error", grp
        holds_for(lambda: l.group(1, GROUP).get("state") == "Error", 1.0,
                  message="the vip group stays in error")
        assert f" {own}/24 " in c.run(2, ["ip", "-4", "-o", "addr", "show", "dev", "pub0"]).stdout
        assert not vip_on(c, 1, own) and not vip_on(c, 2, own)
        l.wait_all_online()  # server2's public address still carries its heartbeat
        assert c.client_ping(own)
