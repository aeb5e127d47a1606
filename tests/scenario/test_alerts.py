"""Alerts: each server stores them in SQLite (<root>/var/lib/lifeline/alerts.db), the servers
synchronise their stores (also to a server that was down), `clpstat --alert` lists them and
scripts add their own with `clplogcmd`."""

import json
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest

from lifeline_harness import wait_until
from lifeline_harness.lifeline import Lifeline, cluster_xml, exec_xml, group_xml


@pytest.fixture
def two(cluster_factory, lifeline_program, lifeline_build_dir):
    for p in ("lifelined", "clplogcmd", "clpstat"):
        lifeline_program(p)
    c = cluster_factory(2)
    l = Lifeline(c, lifeline_build_dir).deploy(cluster_xml(c)).start_all()
    l.wait_all_online()
    return c, l


def clplogcmd(l, node, *args):
    return subprocess.run([l.program("clplogcmd"), "--root", str(l.c[node].root), *args],
                          capture_output=True, text=True, timeout=30)


def stored(l, node, **filters):
    """The alerts of a server's store ("alerts" control command), oldest first; [] while its
    lifelined does not answer."""
    try:
        r = l.request(node, "alerts", {"max": 0, **filters}, timeout=2.0)
    except (OSError, ValueError):
        return []
    assert r.get("ok"), r
    assert r["result"]["stored"], "lifelined runs without its alert store"
    return r["result"]["alerts"]


def wait_stored(l, node, message, timeout=5.0):
    return wait_until(
        lambda: next((a for a in stored(l, node, module="logcmd") if a["message"] == message), None),
        timeout, interval=0.05, message=f"alert {message!r} in the store of {l.c[node].name}")


def test_alert_raised_on_one_server_is_listed_on_the_other(two):
    c, l = two
    r = clplogcmd(l, 1, "-m", "backup window begins", "-l", "warn")
    assert r.returncode == 0, r.stdout + r.stderr
    a = wait_stored(l, 2, "backup window begins")
    assert (a["server"], a["module"], a["type"], a["id"]) == ("server1", "logcmd", "warning", 1)
    assert a["time"].endswith("Z") and a["seq"] > 0
    # The same alert (same number) on both servers, and in server1's alert.log as a line.
    assert a == wait_stored(l, 1, "backup window begins")
    assert any("server1 logcmd warning 1 backup window begins" in line for line in l.alerts(1))
    # The cluster's own alerts travel as well: server1 saw server2 come up.
    wait_until(lambda: stored(l, 2, server="server1", module="cluster"), 5,
               message="server1's cluster alerts on server2")

    # clpstat --alert on server2: a table, filters, newest last.
    clplogcmd(l, 1, "-m", "an error from a script", "-l", "err", "-i", "42")
    wait_stored(l, 2, "an error from a script")
    out = l.clpstat(2, "--alert", "--server", "server1", "--type", "error")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["Time", "Server", "Module", "Type", "ID", "Message"]
    assert len(lines) == 2 and lines[1].split()[2:6] == ["server1", "logcmd", "error", "42"]
    assert lines[1].endswith("an error from a script")
    out = l.clpstat(2, "--alert", "--module", "logcmd", "--max", "1", "--json")
    assert out.returncode == 0, out.stderr
    assert [x["message"] for x in json.loads(out.stdout)["alerts"]] == ["an error from a script"]
    out = l.clpstat(2, "--alert", "--type", "fatal")
    assert out.returncode == 3 and "--type must be info, warning or error" in out.stderr


def test_a_server_that_was_down_receives_what_it_missed(two):
    c, l = two
    c.power_off(2)
    l.wait_alert(1, "Server server2 is down")
    for i in range(3):
        assert clplogcmd(l, 1, "-m", f"while server2 was off {i}").returncode == 0
    c.power_on(2)
    l.start(2)
    wait_stored(l, 2, "while server2 was off 2", timeout=10)
    mine = stored(l, 2, server="server1", module="logcmd")
    assert [a["message"] for a in mine] == [f"while server2 was off {i}" for i in range(3)]
    # Everything server1 raised, with the same numbers (also what it said about server2
    # meanwhile), and server1's numbers have no holes.
    wait_until(lambda: stored(l, 2, server="server1") == stored(l, 1, server="server1"), 5,
               message="server1's alerts alike on both servers")
    seqs = sorted(a["seq"] for a in stored(l, 2, server="server1"))
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert any(a["id"] == 202 and "server2 is down" in a["message"]
               for a in stored(l, 2, server="server1", module="cluster"))
    # And in the other direction: what server2 raised since reaches server1.
    assert clplogcmd(l, 2, "-m", "server2 is back").returncode == 0
    wait_stored(l, 1, "server2 is back")


def test_alerts_survive_a_crash_of_lifelined(two):
    c, l = two
    c.stop_process(l.procs["server2"])  # nobody could hand the alert back but server1's store
    assert clplogcmd(l, 1, "-m", "written before the crash", "-l", "info").returncode == 0
    before = wait_stored(l, 1, "written before the crash")
    c.kill(l.procs["server1"], signal.SIGKILL)

    db = Path(c[1].lib_dir) / "alerts.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = conn.execute("SELECT server, seq, module, event, message FROM alerts WHERE module = 'logcmd'").fetchall()
    assert rows == [("server1", before["seq"], "logcmd", 1, "written before the crash")]

    l.start(1)
    assert wait_stored(l, 1, "written before the crash") == before
    assert clplogcmd(l, 1, "-m", "after the restart").returncode == 0
    assert wait_stored(l, 1, "after the restart")["seq"] > before["seq"]


def test_clplogcmd_needs_a_running_lifelined(two):
    c, l = two
    c.stop_process(l.procs["server2"])
    r = clplogcmd(l, 2, "-m", "nobody listens")
    assert r.returncode == 2
    assert "clplogcmd: could not connect to lifelined" in r.stderr
    assert "is the Lifeline service running?" in r.stderr
    r = clplogcmd(l, 1)
    assert r.returncode == 3 and "-m MESSAGE" in r.stderr
    r = clplogcmd(l, 1, "-m", "x", "-l", "debug")
    assert r.returncode == 3 and "-l must be info, warn or err" in r.stderr


def test_an_exec_script_raises_an_alert_with_clplogcmd(cluster_factory, lifeline_program,
                                                       lifeline_build_dir):
    """An exec resource's start.sh calls clplogcmd with nothing but the environment lifelined
    gives it (LIFELINE_ROOT finds this server's lifelined): the alert is stored here and on
    the other server."""
    for p in ("lifelined", "clplogcmd"):
        lifeline_program(p)
    c = cluster_factory(2)
    l = Lifeline(c, lifeline_build_dir)
    start = (f'#!/bin/sh\n"{l.program("clplogcmd")}" -m "exec1 $CLP_EVENT on $LIFELINE_SERVER" '
             f'-l warn -i 77 || exit 1\n')
    xml = cluster_xml(c, groups_xml=group_xml("failover1", ["exec@exec1"], policy=["server1", "server2"]),
                      resources_xml=exec_xml("exec1", start_timeout_s=5))
    l.deploy(xml, {"failover1/exec1/start.sh": start,
                   "failover1/exec1/stop.sh": "#!/bin/sh\nexit 0\n"}).start_all()
    l.wait_all_online()
    l.wait_group(1, "failover1", "Online", "server1", timeout=10)
    for node in (1, 2):
        a = wait_stored(l, node, "exec1 START on server1")
        assert (a["server"], a["type"], a["id"]) == ("server1", "warning", 77), a
