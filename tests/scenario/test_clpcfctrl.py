"""clpcfctrl --push on a running 2-server cluster (issue 7, "Config distribution"): a push that
adds a group and a monitor applies at once without touching the running group; a heartbeat
timeout change is refused while the cluster runs, accepted once it is suspended and in effect
after the resume; an invalid configuration is refused with clpcfchk's messages and nothing
changes anywhere; a push that cannot reach a server, or whose commit fails on one, leaves every
server on the old configuration. --pull writes the configuration back with -w line endings.

Group failover1 (a fip) runs on server1 throughout, watched by the ownership checker and by a
sampler that fails the test if it is ever seen anything but Online on server1."""

import subprocess
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from lifeline_harness import holds_for, wait_until
from lifeline_harness.lifeline import (Lifeline, cluster_xml, fip_xml, group_xml, groups_of,
                                       monitor_xml, monitors_of)
from lifeline_harness.ownership import OwnershipChecker

GENW = "#!/bin/sh\nexit 0\n"


def config_xml(c, *, timeout_ms=1000, extra_group=False, broken=False):
    groups = group_xml("failover1", ["fip@fip1"])
    resources = fip_xml("fip1", c.fip(1))
    monitors = ""
    if extra_group:
        groups += group_xml("failover2", ["fip@fip2"])
        resources += fip_xml("fip2", c.fip(2))
        monitors = monitor_xml("genw", "genw1", interval_s=0.2, timeout_s=1,
                               params="<path>genw.sh</path><sync>1</sync>")
    if broken:
        groups += group_xml("failover3", ["fip@nosuchfip"])
    return cluster_xml(c, timeout_ms=timeout_ms, groups_xml=groups, resources_xml=resources,
                       monitors_xml=monitors)


def save(directory: Path, xml: str, scripts: dict | None = None, *, crlf=False) -> Path:
    """What a Builder saves: DIR/clp.conf and DIR/scripts/."""
    directory.mkdir(parents=True, exist_ok=True)
    nl = "\r\n" if crlf else "\n"
    (directory / "clp.conf").write_bytes(xml.replace("\n", nl).encode())
    for rel, text in (scripts or {}).items():
        p = directory / "scripts" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.replace("\n", nl).encode())
        p.chmod(0o755)
    return directory


class Running:
    """Samples failover1 on server1 every 50 ms: it must stay Online there."""

    def __init__(self, l):
        self.l, self.seen, self.stop = l, [], threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.is_set():
            g = self.l.group(1, "failover1")
            if g:
                self.seen.append((g["state"], g["current"]))
            self.stop.wait(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        bad = [s for s in self.seen if s != ("Online", "server1")]
        assert self.seen and not bad, f"failover1 left Online on server1: {bad[:5]}"
        for n in (1, 2):
            stops = [a for a in self.l.alerts(n) if " group " in a and " 502 " in a]
            assert not stops, stops


@pytest.fixture
def cluster(cluster_factory, lifeline_program, lifeline_build_dir):
    for p in ("lifelined", "clpcfctrl", "clpcl", "clpgrp"):
        lifeline_program(p)
    c = cluster_factory(2)
    xml = config_xml(c)
    l = Lifeline(c, lifeline_build_dir).deploy(xml)
    l.start_all()
    l.wait_all_online()
    l.wait_group(1, "failover1", "Online", "server1")
    return c, l, xml


def clpcfctrl(l, node, *args):
    return subprocess.run([l.program("clpcfctrl"), "--root", str(l.c[node].root), *args],
                          capture_output=True, text=True, timeout=60)


def conf(l, node) -> str:
    return (Path(l.c[node].etc_dir) / "clp.conf").read_text()


def config_hash(l, node) -> str:
    return l.status(node)["config"]["hash"]


def assert_unchanged(l, xml, hashes):
    for n in (1, 2):
        assert conf(l, n) == xml
        assert not (Path(l.c[n].etc_dir) / ".staging").exists()
        assert config_hash(l, n) == hashes[n - 1]
        assert "failover2" not in groups_of(l.status(n))
        assert l.server_states(n) == {"server1": "Online", "server2": "Online"}


def test_push_that_adds_a_group_applies_without_touching_the_running_group(cluster, tmp_path):
    c, l, old = cluster
    new = config_xml(c, extra_group=True)
    src = save(tmp_path / "upload", new, {"monitor.s/genw1/genw.sh": GENW})
    with OwnershipChecker(c, fips=[c.fip(1), c.fip(2)]), Running(l):
        r = clpcfctrl(l, 1, "--push", "-l", "-x", str(src))
        assert r.returncode == 0, r.stdout + r.stderr
        assert r.stdout.splitlines() == ["The upload is completed successfully.(cfmgr:0)",
                                         "Command succeeded.(code:0)"]
        assert "server1: staged, committed" in r.stderr and "server2: staged, committed" in r.stderr
        for n in (1, 2):
            etc = Path(c[n].etc_dir)
            assert conf(l, n) == new and (etc / "clp.conf.bak").read_text() == old
            assert (etc / "scripts/monitor.s/genw1/genw.sh").read_text() == GENW
            # The new group is there (added after the cluster start: started by hand), and the
            # new monitor runs.
            wait_until(lambda: groups_of(l.status(n)).get("failover2", {}).get("state") == "Offline", 5,
                       message=f"failover2 Offline on {c[n].name}")
            wait_until(lambda: monitors_of(l.status(n)).get("genw1") == "Normal", 5,
                       message=f"genw1 Normal on {c[n].name}")
        assert config_hash(l, 1) == config_hash(l, 2)
        holds_for(lambda: l.server_states(1) == l.server_states(2) == {"server1": "Online", "server2": "Online"},
                  0.5, message="both servers Online with the same configuration")
        assert l.clpgrp(2, "-s", "failover2", "-h", "server2").returncode == 0
        l.wait_group(1, "failover2", "Online", "server2")
    for n in (1, 2):
        # The servers switched a moment apart: that was never a configuration mismatch.
        assert not [a for a in l.alerts(n) if "runs a different configuration" in a]
        l.wait_alert(n, "The configuration uploaded from server1 is in use")


def test_heartbeat_timeout_change_needs_a_suspended_cluster(cluster, tmp_path):
    c, l, old = cluster
    new = config_xml(c, timeout_ms=2000)
    src = save(tmp_path / "upload", new)
    hashes = [config_hash(l, 1), config_hash(l, 2)]
    with Running(l):
        r = clpcfctrl(l, 1, "--push", "-x", str(src))
        assert r.returncode == 1, r.stdout + r.stderr
        assert "To apply the changes you made, suspend the cluster." in r.stderr
        assert "Command failed." in r.stderr
        assert_unchanged(l, old, hashes)

        assert l.clpcl(1, "--suspend").returncode == 0
        r = clpcfctrl(l, 2, "--push", "-x", str(src))  # from the other server this time
        assert r.returncode == 0, r.stdout + r.stderr
        assert "The upload is completed successfully.(cfmgr:0)" in r.stdout
        for n in (1, 2):
            assert conf(l, n) == new
        assert l.clpcl(1, "--resume").returncode == 0
        l.wait_all_online()
        assert "<timeout>2000</timeout>" in l.request(1, "config")["result"]["xml"]
        # In effect: a 1.4 s silence of server2 is longer than the old timeout (1 s), not the new.
        c.sigstop(l.procs["server2"])
        try:
            holds_for(lambda: l.server_states(1).get("server2") == "Online", 1.4,
                      message="server2 stays Online on server1 through a 1.4 s silence")
        finally:
            c.sigcont(l.procs["server2"])
        for n in (1, 2):
            # The heartbeats were set up again without the peers noticing anything.
            assert not [a for a in l.alerts(n) if " is down" in a or " is up again" in a], l.alerts(n)


def test_cluster_name_change_needs_a_stopped_cluster(cluster, tmp_path):
    c, l, old = cluster
    new = cluster_xml(c, name="renamed", groups_xml=group_xml("failover1", ["fip@fip1"]),
                      resources_xml=fip_xml("fip1", c.fip(1)))
    new = new.replace("<cluster>", "<haltp><method>none</method></haltp>\n  <cluster>", 1)
    src = save(tmp_path / "upload", new)
    r = clpcfctrl(l, 1, "--push", "-x", str(src))
    assert r.returncode == 1 and "To apply the changes you made, stop the cluster." in r.stderr, r.stderr
    assert conf(l, 1) == old and conf(l, 2) == old
    assert l.clpcl(1, "-t", "-a").returncode == 0
    r = clpcfctrl(l, 1, "--push", "-x", str(src))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines() == ["The upload is completed successfully.(cfmgr:0)",
                                     "To apply the changes you made, shutdown and reboot the cluster.",
                                     "Command succeeded.(code:0)"]
    assert l.clpcl(1, "-s", "-a").returncode == 0
    l.wait_all_online()
    assert l.status(2)["cluster"]["name"] == "renamed"
    l.wait_group(2, "failover1", "Online", "server1")


def test_add_and_remove_a_server_while_suspended(cluster_factory, lifeline_program,
                                                 lifeline_build_dir, tmp_path):
    """Seed 004's member procedures: a server is added and removed with the cluster suspended;
    a server that still runs a group is not removed."""
    for p in ("lifelined", "clpcfctrl", "clpcl", "clpgrp"):
        lifeline_program(p)
    c = cluster_factory(3)

    def xml(nodes):
        return cluster_xml(SimpleNamespace(nodes=[c[n] for n in nodes]),
                           groups_xml=group_xml("failover1", ["fip@fip1"]),
                           resources_xml=fip_xml("fip1", c.fip(1)))

    def cluster_wide(op):
        """clpcl --suspend/--resume: server3's stopped cluster service may refuse, the others not."""
        r = l.clpcl(1, op)
        failed = [line.split(":")[0] for line in r.stderr.splitlines() if line.startswith("server")]
        assert set(failed) <= {"server3"}, r.stderr

    two, three = xml([1, 2]), xml([1, 2, 3])
    l = Lifeline(c, lifeline_build_dir).deploy(two)
    (Path(c[3].etc_dir) / "clp.conf").write_text(three)  # the new server comes with its config
    l.start(1)
    l.start(2)
    l.start(3, "--stopped")
    l.wait_all_online(nodes=[1, 2])
    l.wait_group(1, "failover1", "Online", "server1")
    src = save(tmp_path / "three", three)
    with OwnershipChecker(c, fips=[c.fip(1)]):
        r = clpcfctrl(l, 1, "--push", "-x", str(src))
        assert r.returncode == 1 and "suspend the cluster" in r.stderr, r.stderr
        cluster_wide("--suspend")
        r = clpcfctrl(l, 1, "--push", "-x", str(src))
        assert r.returncode == 0, r.stdout + r.stderr
        assert "server3: staged, committed" in r.stderr
        cluster_wide("--resume")
        assert l.clpcl(1, "-s", "-h", "server3").returncode == 0
        l.wait_all_online()

        # Removing server3 while it runs the group is refused with the reason.
        assert l.clpgrp(1, "-m", "failover1", "-h", "server3").returncode == 0
        l.wait_group(1, "failover1", "Online", "server3")
        src = save(tmp_path / "two", two)
        cluster_wide("--suspend")
        r = clpcfctrl(l, 1, "--push", "-x", str(src))
        assert r.returncode == 1, r.stdout + r.stderr
        assert "Server server3 still runs group failover1" in r.stderr, r.stderr
        cluster_wide("--resume")
        assert l.clpgrp(1, "-m", "failover1", "-h", "server1").returncode == 0
        l.wait_group(1, "failover1", "Online", "server1")
        assert l.clpcl(1, "-t", "-h", "server3").returncode == 0
        cluster_wide("--suspend")
        r = clpcfctrl(l, 1, "--push", "-x", str(src))
        assert r.returncode == 0, r.stdout + r.stderr
        assert "server3" not in r.stderr
        cluster_wide("--resume")
        wait_until(lambda: l.server_states(1) == l.server_states(2) == {"server1": "Online", "server2": "Online"},
                   5, message="a two-server cluster again")
        l.wait_group(2, "failover1", "Online", "server1")


def test_invalid_config_is_refused_and_nothing_changes(cluster, tmp_path):
    c, l, old = cluster
    src = save(tmp_path / "upload", config_xml(c, extra_group=True, broken=True))  # no genw.sh either
    hashes = [config_hash(l, 1), config_hash(l, 2)]
    r = clpcfctrl(l, 1, "--push", "-x", str(src))
    assert r.returncode == 1
    assert 'group "failover3"' in r.stderr and "nosuchfip" in r.stderr, r.stderr
    assert "script scripts/monitor.s/genw1/genw.sh is missing" in r.stderr, r.stderr
    assert "nothing was uploaded" in r.stderr and "Command failed." in r.stderr
    # lifelined checks again whatever a client sends.
    bad = {"conf": __import__("base64").b64encode(b"<root><cluster>").decode(), "scripts": []}
    answer = l.request(1, "config.push", bad)["result"]
    assert answer["uploaded"] is False and answer["reason"] == "invalid", answer
    assert any("XML syntax error" in d for d in answer["diagnostics"])
    assert_unchanged(l, old, hashes)
    for n in (1, 2):
        assert not [a for a in l.alerts(n) if " cfmgr " in a]


def test_push_with_a_server_unreachable_or_failing_leaves_every_server_on_the_old_config(cluster, tmp_path):
    c, l, old = cluster
    new = config_xml(c, extra_group=True)
    src = save(tmp_path / "upload", new, {"monitor.s/genw1/genw.sh": GENW})
    hashes = [config_hash(l, 1), config_hash(l, 2)]
    with Running(l):
        # server2's lifelined is gone: nothing is committed anywhere.
        c.stop_process(l.procs["server2"])
        r = clpcfctrl(l, 1, "--push", "-x", str(src))
        assert r.returncode == 1, r.stdout + r.stderr
        assert "server2: not staged" in r.stderr and "The upload was cancelled" in r.stderr, r.stderr
        assert conf(l, 1) == old and conf(l, 2) == old
        assert not (Path(c[1].etc_dir) / ".staging").exists()
        assert config_hash(l, 1) == hashes[0] and "failover2" not in groups_of(l.status(1))
        l.start(2)
        l.wait_all_online()
        assert_unchanged(l, old, hashes)

        # server2 cannot keep a backup (clp.conf.bak is a directory): its commit fails after
        # server1 has committed and switched, and server1 goes back.
        (Path(c[2].etc_dir) / "clp.conf.bak").mkdir()
        r = clpcfctrl(l, 1, "--push", "-x", str(src))
        assert r.returncode == 1, r.stdout + r.stderr
        assert "rolled back" in r.stderr and "server2" in r.stderr, r.stderr
        assert "server1: staged, committed, rolled back" in r.stderr, r.stderr
        assert_unchanged(l, old, hashes)
        l.wait_alert(1, "was rolled back")


def test_pull_and_push_to_one_server(cluster, tmp_path):
    c, l, old = cluster
    # -w: saved on Windows (CRLF); the servers keep LF scripts.
    new = config_xml(c, extra_group=True)
    src = save(tmp_path / "upload", new, {"monitor.s/genw1/genw.sh": GENW}, crlf=True)
    r = clpcfctrl(l, 1, "--push", "-w", "-x", str(src))
    assert r.returncode == 0, r.stdout + r.stderr
    assert (Path(c[2].etc_dir) / "scripts/monitor.s/genw1/genw.sh").read_bytes() == GENW.encode()
    out = tmp_path / "backup"
    r = clpcfctrl(l, 2, "--pull", "-l", "-x", str(out))
    assert r.returncode == 0 and r.stdout == "Command succeeded.(code:0)\n", r.stdout + r.stderr
    assert (out / "clp.conf").read_bytes() == new.encode()
    assert (out / "scripts/monitor.s/genw1/genw.sh").read_bytes() == GENW.encode()
    r = clpcfctrl(l, 2, "--pull", "-w", "-x", str(out))
    assert r.returncode == 0
    assert (out / "scripts/monitor.s/genw1/genw.sh").read_bytes() == GENW.replace("\n", "\r\n").encode()
    assert clpcfctrl(l, 1, "--pull").returncode == 3  # -x is required

    # -h: one server brought up to date from this server's own files (no -x).
    (Path(c[2].etc_dir) / "scripts/monitor.s/genw1/genw.sh").unlink()
    r = clpcfctrl(l, 1, "--push", "-h", "server2")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == "Command succeeded.(code:0)\n" and "server2: staged, committed" in r.stderr
    assert "server1" not in r.stderr
    assert (Path(c[2].etc_dir) / "scripts/monitor.s/genw1/genw.sh").read_bytes() == GENW.encode()
