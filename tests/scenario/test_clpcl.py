"""clpcl across servers: the local lifelined forwards to the others over the TLS RPC; a
planned stop is not a failure (no partition resolution, no final action)."""

import pytest

from lifeline_harness import wait_until, holds_for
from lifeline_harness.lifeline import Lifeline, cluster_xml


@pytest.fixture
def two(cluster_factory, lifeline_program, lifeline_build_dir):
    lifeline_program("lifelined")
    lifeline_program("clpcl")
    c = cluster_factory(2)
    l = Lifeline(c, lifeline_build_dir).deploy(cluster_xml(c)).start_all()
    l.wait_all_online()
    return c, l


def test_stop_and_start_another_server(two):
    c, l = two
    r = l.clpcl(1, "-t", "-h", "server2")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Command succeeded." in r.stdout + r.stderr
    wait_until(lambda: l.status(2) and l.status(2)["cluster"]["state"] == "Stopped", 5,
               message="server2's cluster service Stopped")
    l.wait_alert(1, "Server server2 stopped its cluster service.")
    assert not any("is Offline; the cluster goes on" in a for a in l.alerts(1)), \
        "a planned stop must not look like lost heartbeat paths"
    holds_for(lambda: not any("Network partition" in a for a in l.alerts(1)), 1.5,
              message="a planned stop is no partition")
    assert c.power_events() == []
    r = l.clpcl(1, "-s", "-h", "server2")
    assert r.returncode == 0, r.stdout + r.stderr
    l.wait_all_online()


def test_suspend_and_resume_the_cluster(two):
    c, l = two
    r = l.clpcl(2, "--suspend")
    assert r.returncode == 0, r.stdout + r.stderr
    wait_until(lambda: l.server_states(1) == {"server1": "Suspended", "server2": "Suspended"}, 5,
               message="both servers Suspended, as seen from server1")
    r = l.clpcl(1, "--resume")
    assert r.returncode == 0, r.stdout + r.stderr
    l.wait_all_online()


def test_start_all_after_stop_all(two):
    c, l = two
    r = l.clpcl(1, "-t", "-a")
    assert r.returncode == 0, r.stdout + r.stderr
    wait_until(lambda: all(l.status(n) and l.status(n)["cluster"]["state"] == "Stopped" for n in (1, 2)), 5,
               message="both Stopped")
    r = l.clpcl(2, "-s", "-a")
    assert r.returncode == 0, r.stdout + r.stderr
    l.wait_all_online()


def test_unknown_host_is_refused(two):
    c, l = two
    r = l.clpcl(1, "-t", "-h", "server9")
    assert r.returncode != 0
    assert "no server named \"server9\" in the cluster" in r.stdout + r.stderr
    assert l.server_states(1)["server1"] == "Online"


def test_timeout_ratio_stretches_detection(two):
    c, l = two
    r = l.request(1, "timeoutratio.set", {"ratio": 3, "seconds": 3600})
    assert r["ok"], r
    assert l.status(1)["cluster"]["timeoutRatio"] == 3
    c.power_off(2)
    line = l.wait_alert(1, "Server server2 is down", timeout=10)
    assert "for 3000 ms" in line
