"""clplogcc on a running 2-server cluster (issue 7, "Alerts and logs"): run on server1 it
collects one archive per server — each built on its own server (its clp.conf, its alert log,
its network interfaces) and holding the alert history, never the cluster key; -h and -t choose
the server and what is collected; a server that is powered off is reported and server1 is
still collected (exit status 1)."""

import json
import os
import subprocess
import tarfile
import time
from pathlib import Path

import pytest

from lifeline_harness import wait_until
from lifeline_harness.lifeline import Lifeline, cluster_xml

SCRIPT = "#!/bin/sh\nexit 0\n"


@pytest.fixture
def two(cluster_factory, lifeline_program, lifeline_build_dir):
    for p in ("lifelined", "clplogcc", "clplogcmd"):
        lifeline_program(p)
    c = cluster_factory(2)
    xml = cluster_xml(c)
    l = Lifeline(c, lifeline_build_dir).deploy(xml, {"monitor.s/genw1/genw.sh": SCRIPT})
    l.start_all()
    l.wait_all_online()
    return c, l, xml


def run(l, node, program, *args, timeout=120):
    return subprocess.run([l.program(program), "--root", str(l.c[node].root), *args],
                          capture_output=True, text=True, timeout=timeout)


def raise_alert(l, node, message):
    """An alert raised on `node`, once it is in that server's store."""
    assert run(l, node, "clplogcmd", "-m", message).returncode == 0

    def stored():
        r = l.request(node, "alerts", {"max": 0, "module": "logcmd"})
        return any(a["message"] == message for a in r["result"]["alerts"])
    wait_until(stored, 5, interval=0.05, message=f"alert {message!r} stored on {l.c[node].name}")


def members(path: Path) -> dict:
    """name below the archive's top directory -> bytes; and the top directory itself."""
    with tarfile.open(path, "r:gz") as tar:
        out = {}
        for m in tar.getmembers():
            top, _, rest = m.name.partition("/")
            out[rest] = tar.extractfile(m).read()
    return top, out


def collected(stdout: str) -> dict:
    """server -> archive path, from the `serverN: collected PATH (N bytes)` lines."""
    out = {}
    for line in stdout.splitlines():
        server, sep, rest = line.partition(": collected ")
        if sep:
            out[server] = Path(rest.rsplit(" (", 1)[0])
    return out


def test_clplogcc_from_one_server_collects_both(two, tmp_path):
    c, l, xml = two
    raise_alert(l, 1, "logcc marker raised on server1")
    raise_alert(l, 2, "logcc marker raised on server2")
    # A log that does not compress: server2's archive comes in several chunks.
    big = os.urandom(1_300_000)
    (Path(c[2].log_dir) / "big.log").write_bytes(big)

    out_dir = tmp_path / "logs"
    r = run(l, 1, "clplogcc", "-o", str(out_dir))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == "Command succeeded.(code:0)"
    for n in (1, 2):
        assert f"server{n}: preparing the archive (type1)" in r.stderr
        assert f"server{n}: 100 % (" in r.stderr
    progress = [x for x in r.stderr.splitlines() if x.startswith("server2: ") and " % (" in x]
    assert len(progress) >= 3 and progress[-1].startswith("server2: 100 % (1.") and progress[-1].endswith(" MiB)"), r.stderr
    paths = collected(r.stdout)
    assert sorted(paths) == ["server1", "server2"], r.stdout
    assert not list(out_dir.glob("*.part"))

    for n in (1, 2):
        name = f"server{n}"
        path = paths[name]
        assert path.parent == out_dir and path.name.startswith(name + "-") and path.name.endswith(".tar.gz")
        assert f"({path.stat().st_size} bytes)" in r.stdout
        assert path.stat().st_mode & 0o077 == 0
        top, files = members(path)
        assert top == path.name[:-len(".tar.gz")]
        # Its configuration and scripts, never the cluster key.
        assert files["etc/clp.conf"].decode() == xml
        assert files["etc/scripts/monitor.s/genw1/genw.sh"].decode() == SCRIPT
        assert not any("clp.key" in f for f in files)
        # Its own alert log, and the alert history of its store.
        assert f"logcc marker raised on {name}".encode() in files["log/alert.log"]
        assert f"{name} logcmd info 1 logcc marker raised on {name}".encode() in files["lifeline/alerts.txt"]
        assert any(json.loads(line)["message"] == f"logcc marker raised on {name}"
                   for line in files["lifeline/alerts.jsonl"].splitlines())
        # Its status and system information, gathered on that server (its own addresses).
        assert json.loads(files["lifeline/status.json"])["local"] == name
        assert c[n].public_ip.encode() in files["system/interfaces.txt"]
        for f in ("system/uname.txt", "system/proc/version", "system/proc/meminfo",
                  "system/proc/net/route", "system/proc/mounts"):
            assert files[f], f
        assert (files.get("log/big.log") == big) == (n == 2)
        manifest = files["MANIFEST.txt"].decode()
        assert f"server:    {name}" in manifest and "type:      type1" in manifest
        assert "etc/clp.conf" in manifest

    # -h: one server; -t type3: configuration, alerts and status only; --json.
    r = run(l, 1, "clplogcc", "-h", "server2", "-t", "type3", "-o", str(tmp_path / "one"), "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    result = json.loads(r.stdout)
    assert result["ok"] and result["type"] == "type3"
    assert [s["name"] for s in result["servers"]] == ["server2"]
    _, files = members(Path(result["servers"][0]["path"]))
    assert "etc/clp.conf" in files and "lifeline/alerts.txt" in files
    assert not any(f.startswith(("log/", "system/")) for f in files)

    r = run(l, 1, "clplogcc", "-h", "server9", "-o", str(tmp_path / "none"))
    assert r.returncode == 1 and 'no server named "server9"' in r.stderr
    r = run(l, 1, "clplogcc", "-t", "type9")
    assert r.returncode == 3 and "-t must be type1, type2 or type3" in r.stderr
    # Nothing is left behind on the servers once the archives are fetched.
    for n in (1, 2):
        assert not list((Path(c[n].lib_dir) / "logcc").iterdir())


def test_a_server_that_is_off_is_reported_and_the_others_collected(two, tmp_path):
    c, l, _ = two
    c.power_off(2)
    started = time.monotonic()
    r = run(l, 1, "clplogcc", "-o", str(tmp_path))
    elapsed = time.monotonic() - started
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stderr.splitlines()[-1] == "Command failed."
    assert sorted(collected(r.stdout)) == ["server1"]
    line = next(x for x in r.stdout.splitlines() if x.startswith("server2: "))
    assert line.startswith("server2: not collected: server2 ("), line
    _, files = members(collected(r.stdout)["server1"])
    assert "etc/clp.conf" in files
    assert elapsed < 30, f"clplogcc took {elapsed:.1f} s with server2 off"
    assert [p.name for p in tmp_path.iterdir()] == [collected(r.stdout)["server1"].name]
