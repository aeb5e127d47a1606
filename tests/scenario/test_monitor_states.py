"""Every server's monitor states and the failover durations on a 2-server cluster, seen from
server1 (lifelined's `status`, clpstat, the WebManager's /api/v1/monitors and /metrics).

Covered: a monitor failing on server2 only is Error for server2 in server1's status, clpstat
and API within a second of server2's own status; a server powered off shows its monitors
Offline there; the failover after that power-off is measured on server1 (detection about the
heartbeat timeout, takeover short) and exported by /metrics."""

import re
import time
from pathlib import Path

import pytest

from lifeline_harness import wait_until
from lifeline_harness.lifeline import Lifeline, cluster_xml, fip_xml, group_xml, monitor_xml
from test_webmanager_api import OPERATOR, REFERENCE, Api, ok
from test_webmanager_console import metrics

FIP = "198.18.0.151"
TIMEOUT_S = 1.0  # cluster_xml's heartbeat timeout


@pytest.fixture
def cluster(cluster_factory, lifeline_program, lifeline_build_dir):
    for p in ("lifelined", "lifeline-webmgr", "clpstat", "clpgrp"):
        lifeline_program(p)
    c = cluster_factory(2)
    # No recovery: the monitor's error only shows.
    mons = monitor_xml("genw", "genw1", interval_s=0.1, timeout_s=1, restart=0, fo=0, action=0,
                       params="<path>genw.sh</path><sync>1</sync>")
    xml = cluster_xml(c, timeout_ms=int(TIMEOUT_S * 1000), groups_xml=group_xml("failover1", ["fip@fip1"]),
                      resources_xml='<types name="fip"/>' + fip_xml("fip1", FIP), monitors_xml=mons)
    l = Lifeline(c, lifeline_build_dir).deploy(xml, {"monitor.s/genw1/genw.sh": "#!/bin/sh\nexit 0\n"})
    l.set_webmgr_password(*OPERATOR)
    l.set_webmgr_password(*REFERENCE)
    return c, l, Api(c, c[1].ip("public"))


def on_servers(l, node, monitor="genw1"):
    """{server: state} of `monitor` in `node`'s status."""
    m = next(m for m in (l.status(node) or {}).get("monitors", []) if m["name"] == monitor)
    return m.get("servers", {})


def clpstat_monitor_rows(text, monitor):
    """{server: state} of the rows below `monitor` in clpstat's <monitor> section."""
    rows, inside = {}, False
    for line in text.splitlines():
        if re.match(r"^    \S", line):
            inside = line.split(":")[0].strip() == monitor
        elif inside and line.startswith("      ") and ":" in line:
            name, _, state = line.partition(":")
            rows[name.strip()] = state.strip()
    return rows


def test_every_servers_monitor_states_and_failover_times(cluster):
    c, l, api = cluster
    l.start_all()
    l.wait_all_online()
    l.wait_group(1, "failover1", "Online", "server1")
    l.start_webmgr(1)
    wait_until(lambda: on_servers(l, 1) == {"server1": "Normal", "server2": "Normal"}, 10, interval=0.05,
               message="genw1 Normal on both servers in server1's status")

    # genw1 fails on server2 only.
    script = Path(c[2].etc_dir) / "scripts/monitor.s/genw1/genw.sh"
    script.write_text("#!/bin/sh\nexit 1\n")
    wait_until(lambda: on_servers(l, 2).get("server2") == "Error", 5, interval=0.02,
               message="genw1 in error on server2")
    seen = time.monotonic()
    wait_until(lambda: on_servers(l, 1).get("server2") == "Error", 1.0, interval=0.02,
               message="server1 knows within a second")
    assert time.monotonic() - seen < 1.0
    assert on_servers(l, 1)["server1"] == "Normal"
    out = l.clpstat(1).stdout
    assert clpstat_monitor_rows(out, "genw1") == {"server1": "Normal", "server2": "Error"}, out
    assert l.clpstat(1, "--json").stdout.count('"server2": "Error"') == 1
    m = ok(api.call("GET", "/api/v1/monitors/genw1", auth=OPERATOR))["monitors"][0]
    assert m["servers"] == [{"name": "server1", "status": "Normal"}, {"name": "server2", "status": "Error"}], m
    _, lines = metrics(c, c[1].ip("public"))
    assert 'lifeline_monitor_state{monitor="genw1",server="server2",state="Error"} 1' in lines

    # The group on server2, then server2 powered off: server1 takes over and measures it.
    script.write_text("#!/bin/sh\nexit 0\n")
    r = l.clpgrp(1, "-m", "failover1", "-h", "server2")
    assert r.returncode == 0, r.stdout + r.stderr
    l.wait_group(1, "failover1", "Online", "server2", timeout=10)
    c.power_off(2)
    l.wait_group(1, "failover1", "Online", "server1", timeout=15)
    wait_until(lambda: on_servers(l, 1).get("server2") == "Offline", 5, interval=0.05,
               message="server2's monitors Offline once it is down")
    out = l.clpstat(1).stdout
    assert clpstat_monitor_rows(out, "genw1")["server2"] == "Offline", out

    failovers = l.status(1)["failovers"]
    assert failovers["count"] == 1, failovers
    record = failovers["recent"][0]
    assert (record["group"], record["cause"], record["from"], record["to"]) == \
        ("failover1", "server", "server2", "server1"), record
    # Detection: the heartbeat timeout (a little more for the loop's tick); takeover: the
    # partition resolution, the takeover delay and the fip's activation.
    assert TIMEOUT_S * 0.8 < record["detectionSeconds"] < TIMEOUT_S + 2, record
    assert 0 < record["takeoverSeconds"] < TIMEOUT_S + 5, record

    _, lines = metrics(c, c[1].ip("public"))
    samples = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in lines if not line.startswith("#")}
    assert samples['lifeline_detection_seconds_count{group="failover1",server="server1"}'] == 1
    assert 0 < samples['lifeline_detection_seconds_sum{group="failover1",server="server1"}'] < TIMEOUT_S + 2
    labels = '{group="failover1",server="server1",cause="server"}'
    assert samples["lifeline_takeover_seconds_count" + labels] == 1
    assert 0 < samples["lifeline_takeover_seconds_sum" + labels] < TIMEOUT_S + 5
    assert samples["lifeline_failovers_total"] == 1
    assert samples['lifeline_monitor_state{monitor="genw1",server="server2",state="Normal"}'] == 0


def test_monitor_failover_is_measured_where_the_group_left(cluster_factory, lifeline_program, lifeline_build_dir):
    for p in ("lifelined", "clpstat"):
        lifeline_program(p)
    c = cluster_factory(2)
    mons = monitor_xml("genw", "genw2", relation=("grp", "failover1"), interval_s=0.1, timeout_s=1,
                       restart=0, fo=1, action=0, params="<path>genw.sh</path><sync>1</sync>")
    xml = cluster_xml(c, timeout_ms=int(TIMEOUT_S * 1000), groups_xml=group_xml("failover1", ["fip@fip1"]),
                      resources_xml='<types name="fip"/>' + fip_xml("fip1", FIP), monitors_xml=mons)
    l = Lifeline(c, lifeline_build_dir).deploy(xml, {"monitor.s/genw2/genw.sh": "#!/bin/sh\nexit 0\n"})
    l.start_all()
    l.wait_all_online()
    l.wait_group(1, "failover1", "Online", "server1")
    (Path(c[1].etc_dir) / "scripts/monitor.s/genw2/genw.sh").write_text("#!/bin/sh\nexit 1\n")
    l.wait_group(1, "failover1", "Online", "server2", timeout=10)
    wait_until(lambda: l.status(1)["failovers"]["count"] == 1, 2, interval=0.05,
               message="server1 measured the monitor's failover")
    record = l.status(1)["failovers"]["recent"][0]
    assert (record["cause"], record["source"], record["from"], record["to"]) == \
        ("monitor", "genw2", "server1", "server2"), record
    assert "detectionSeconds" not in record
    assert 0 < record["takeoverSeconds"] < 5, record
    # Counted once in the cluster: server2 did not measure it too.
    assert l.status(2)["failovers"]["count"] == 0
