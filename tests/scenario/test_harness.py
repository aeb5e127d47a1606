"""Self-tests of the scenario harness (lifeline_harness): the topology, fault injection,
processes, shared disk, and that nothing is left behind.

Every wait is a bounded poll (wait_until) or a bounded observation window (holds_for).
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lifeline_harness import (ALLOWED_NET, CLIENT_IP, PING_TARGET_IP, Cluster, HarnessError,
                              Unsupported, cleanup_stale, holds_for, wait_until)
from lifeline_harness import cgroups, registry

HERE = Path(__file__).resolve().parent
LANS = ("public", "interconnect")


# --------------------------------------------------------------------------- helpers

def sh(*argv: str) -> str:
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=30).stdout


def leftovers(rid: str) -> dict:
    """Everything on the machine that still carries this run id."""
    return {
        "netns": [line for line in sh("ip", "netns", "list").splitlines() if rid in line],
        "host_links": [line for line in sh("ip", "-o", "link").splitlines() if rid in line],
        "loop": [line for line in sh("losetup", "-a").splitlines() if rid in line],
        "cgroups": [str(p) for p in _cgroup_dirs() if rid in p.name],
        "dirs": [str(p) for p in registry.work_base().glob(rid + "*")],
        "owner": [str(p) for p in registry.registry_dir().glob(rid + "*")],
    }


def _cgroup_dirs():
    base, _ = cgroups.find_base(create=False)
    return list(base.iterdir()) if base is not None and base.is_dir() else []


def reach(cluster, src, addr: str) -> bool:
    """Positive reachability check: poll (bounded) instead of trusting one 0.2 s echo, so a
    loaded machine cannot make it flaky. ``src`` None means the client."""
    cluster.wait_ping(src, addr, timeout=5)
    return True


def nothing_left(rid: str) -> bool:
    return not any(leftovers(rid).values())


def pid_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# --------------------------------------------------------------------------- pure helpers

def test_wait_until_returns_value_and_reports_last_value():
    values = iter([0, 0, 7])
    assert wait_until(lambda: next(values), 5, interval=0.001) == 7
    t0 = time.monotonic()
    with pytest.raises(AssertionError) as exc:
        wait_until(lambda: {}, 0.1, interval=0.01, message="answer")
    assert time.monotonic() - t0 < 2
    assert "answer" in str(exc.value) and "last observed value: {}" in str(exc.value)


def test_wait_until_timeout_reports_falsy_value_and_exceptions():
    with pytest.raises(AssertionError, match=r"count.*last observed value: \[\]"):
        wait_until(lambda: [], 0.05, message="count")

    def boom():
        raise OSError("device gone")
    with pytest.raises(AssertionError, match="device gone"):
        wait_until(boom, 0.05, message="disk")


def test_holds_for_fails_on_first_false_sample():
    seq = iter([True, True, False, True])
    t0 = time.monotonic()
    with pytest.raises(AssertionError, match="became false after 3 samples"):
        holds_for(lambda: next(seq), 5, interval=0.001)
    assert time.monotonic() - t0 < 1


def test_cluster_size_is_validated():
    with pytest.raises(ValueError):
        Cluster(0)
    with pytest.raises(ValueError):
        Cluster(33)


def test_build_dir_and_program_lookup(tmp_path, monkeypatch):
    from lifeline_harness.build import build_dir, find_program
    monkeypatch.delenv("LIFELINE_BUILD_DIR", raising=False)
    assert build_dir(None, tmp_path) is None
    (tmp_path / "build").mkdir()
    assert build_dir(None, tmp_path) == tmp_path / "build"
    monkeypatch.setenv("LIFELINE_BUILD_DIR", str(tmp_path / "b2"))
    assert build_dir(None, tmp_path) == tmp_path / "b2"
    assert build_dir(str(tmp_path / "b3"), tmp_path) == tmp_path / "b3"
    exe = tmp_path / "build" / "server" / "daemon" / "lifelined"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n")
    assert find_program(tmp_path / "build", "lifelined") is None  # not executable
    exe.chmod(0o755)
    assert find_program(tmp_path / "build", "lifelined") == exe
    assert find_program(tmp_path / "build", "clpstat") is None


# --------------------------------------------------------------------------- topology

def test_names_are_short_prefixed_and_addresses_stay_in_benchmark_range(cluster_factory):
    c = cluster_factory(2)
    assert re.fullmatch(r"llh[a-z0-9]{4}", c.rid)
    assert all(ns.startswith(c.rid + "-") for ns in c.namespaces)
    for ns in c.namespaces:
        links = sh("ip", "-n", ns, "-o", "link", "show")
        names = [line.split(":")[1].strip().split("@")[0] for line in links.splitlines()]
        assert names and all(len(name) <= 15 for name in names), names
        for line in sh("ip", "-n", ns, "-o", "-4", "addr", "show").splitlines():
            addr = ipaddress.ip_interface(line.split()[3])
            assert addr.ip in ALLOWED_NET or addr.ip.is_loopback, (ns, line)
        assert sh("ip", "-n", ns, "-6", "-o", "addr", "show").strip() == "", ns  # IPv6 off
        assert "default" not in sh("ip", "-n", ns, "route", "show"), ns
    # bridges are in the switch namespace, not in the host
    sw_links = sh("ip", "-n", c.switch_ns, "-o", "link", "show", "type", "bridge")
    assert c.bridges["public"] in sw_links and c.bridges["interconnect"] in sw_links
    assert c.rid not in sh("ip", "-o", "link")


def test_servers_reach_each_other_over_both_lans(cluster_factory):
    c = cluster_factory(3)
    for a in c.nodes:
        for b in c.nodes:
            if a is not b:
                for lan in LANS:
                    assert reach(c, a, b.ip(lan)), f"{a.name} -> {b.name} {lan}"
    # each server: its own hostname, its own mount and network namespaces, --root layout
    mnt = {os.readlink(f"/proc/{n.holder_pid}/ns/mnt") for n in c.nodes}
    net = {os.readlink(f"/proc/{n.holder_pid}/ns/net") for n in c.nodes}
    assert len(mnt) == 3 and os.readlink("/proc/self/ns/mnt") not in mnt
    assert len(net) == 3 and os.readlink("/proc/self/ns/net") not in net
    for n in c.nodes:
        assert c.run(n, ["hostname"]).stdout.strip() == n.name
        assert c.run(n, ["ls", "/sys/class/net"]).stdout.split() == ["ic0", "lo", "pub0"]
        for d in (n.etc_dir, n.lib_dir, n.log_dir, n.run_dir):
            assert d.is_dir() and d.is_relative_to(n.root)


def test_client_reaches_servers_on_public_lan_only(cluster_factory):
    c = cluster_factory(2)
    for n in c.nodes:
        assert reach(c, None, n.public_ip)
        assert not c.client_ping(n.interconnect_ip)
        assert reach(c, n, PING_TARGET_IP)
        assert reach(c, n, CLIENT_IP)
    assert reach(c, None, PING_TARGET_IP)
    addrs = sh("ip", "-n", c.client_ns, "-o", "-4", "addr", "show").split("\n")
    assert [a.split()[3] for a in addrs if a and " lo " not in a] == [f"{CLIENT_IP}/24"]
    with pytest.raises(ValueError):
        c.client_ping("8.8.8.8")  # the harness refuses to send outside 198.18.0.0/15


def test_cut_interconnect_of_one_server_then_restore(cluster_factory):
    c = cluster_factory(2)
    assert reach(c, 2, c[1].interconnect_ip)
    c.cut_link(1, "interconnect")
    assert not c.ping(2, c[1].interconnect_ip)
    assert not c.ping(1, c[2].interconnect_ip)
    assert reach(c, 2, c[1].public_ip)            # the public LAN still works
    assert reach(c, None, c[1].public_ip)
    st = c.link_state(1, "interconnect")
    assert st["admin_up"] and not st["carrier"] and not st["switch_port_up"]  # pulled cable
    assert c.link_state(1, "public")["carrier"]
    c.restore_link(1, "interconnect")
    wait_until(lambda: c.ping(2, c[1].interconnect_ip), 5, message="interconnect back")
    assert c.link_state(1, "interconnect")["carrier"]


def test_cut_all_links_isolates_one_server(cluster_factory):
    c = cluster_factory(3)
    c.cut_all_links(2)
    for lan in LANS:
        assert not c.ping(1, c[2].ip(lan))
        assert reach(c, 1, c[3].ip(lan))
    assert not c.client_ping(c[2].public_ip)
    assert not c.ping(2, PING_TARGET_IP)
    c.restore_all_links(2)
    # (ARP entries that failed during the cut are retried once a second: poll, don't assume)
    for lan in LANS:
        wait_until(lambda: c.ping(1, c[2].ip(lan)), 5, message=f"{lan} back")
    wait_until(lambda: c.ping(2, PING_TARGET_IP), 5, message="ping target from server2")


def test_partition_two_singletons(cluster_factory):
    c = cluster_factory(2)
    c.partition([{1}, {2}])
    for lan in LANS:
        assert not c.ping(1, c[2].ip(lan))
        assert not c.ping(2, c[1].ip(lan))
    # the client and the ping target are reachable from both sides by default
    for n in c.nodes:
        assert reach(c, n, PING_TARGET_IP)
        assert reach(c, None, n.public_ip)
        assert c.link_state(n, "public")["carrier"]  # a partition is not a pulled cable
    c.heal()
    for lan in LANS:
        wait_until(lambda: c.ping(1, c[2].ip(lan)), 5, message=f"{lan} healed")


def test_partition_three_servers_sets_keep_working_internally(cluster_factory):
    c = cluster_factory(3)
    c.partition([{1, 2}, {3}])
    for lan in LANS:
        assert reach(c, 1, c[2].ip(lan)) and reach(c, 2, c[1].ip(lan))
        for a in (1, 2):
            assert not c.ping(a, c[3].ip(lan))
            assert not c.ping(3, c[a].ip(lan))
    for n in c.nodes:
        assert reach(c, n, PING_TARGET_IP)
    # the ping target on the side of set 0 only
    c.partition([{1, 2}, {3}], ping_target=0, client=1)
    assert reach(c, 1, PING_TARGET_IP) and reach(c, 2, PING_TARGET_IP)
    assert not c.ping(3, PING_TARGET_IP)
    assert reach(c, None, c[3].public_ip) and not c.client_ping(c[1].public_ip)
    assert reach(c, 1, c[2].public_ip) and not c.ping(1, c[3].public_ip)
    # interconnect-only split: the public LAN joins everybody again
    c.partition([{1}, {2, 3}], lans=("interconnect",))
    c.wait_ping(1, c[3].public_ip)
    assert reach(c, 1, c[2].public_ip)
    assert not c.ping(1, c[2].interconnect_ip) and reach(c, 2, c[3].interconnect_ip)
    c.heal()
    for lan in LANS:
        wait_until(lambda: c.ping(1, c[3].ip(lan)) and c.ping(3, c[2].ip(lan)), 5,
                   message=f"{lan} healed")
    assert not [b for b in sh("ip", "-n", c.switch_ns, "-o", "link", "show", "type", "bridge")
                .splitlines() if re.search(rf"{c.rid}[pi]s\d", b)]


def test_ping_target_down_and_up(cluster_factory):
    c = cluster_factory(1)
    assert reach(c, 1, PING_TARGET_IP)
    c.ping_target_down()
    assert not c.ping(1, PING_TARGET_IP)
    assert not c.client_ping(PING_TARGET_IP)
    assert reach(c, None, c[1].public_ip)
    c.ping_target_up()
    wait_until(lambda: c.ping(1, PING_TARGET_IP), 5, message="ping target back")


# --------------------------------------------------------------------------- processes

def test_start_process_runs_inside_the_server_and_logs(cluster_factory):
    c = cluster_factory(2)
    n = c[1]
    proc = c.start_process(1, ["sh", "-c", 'echo "hello $LIFELINE_NODE $EXTRA $(hostname)"; '
                                           'echo "e$((1 + 1))rr" >&2; exec sleep 60'],
                           env={"EXTRA": "x42"})
    assert proc.pid and proc.alive
    # (the log's header line repeats argv: wait for text that only the process can print)
    wait_until(lambda: "e2rr" in n.console_log.read_text() and
               Path(f"/proc/{proc.pid}/comm").read_text().strip() == "sleep", 5,
               message="process started, logged and exec'd sleep")
    assert "hello server1 x42 server1" in n.console_log.read_text()
    assert os.readlink(f"/proc/{proc.pid}/ns/net") == os.readlink(f"/proc/{n.holder_pid}/ns/net")
    assert os.readlink(f"/proc/{proc.pid}/ns/mnt") == os.readlink(f"/proc/{n.holder_pid}/ns/mnt")
    assert Path(f"/proc/{proc.pid}/comm").read_text().strip() == "sleep"  # no wrapper left
    assert proc.pid in cgroups.procs(n.cgroup)
    assert not c[2].console_log.exists() or "hello" not in c[2].console_log.read_text()
    c.sigstop(proc)
    assert proc.state() == "T"
    c.sigcont(proc)
    assert proc.state() in ("S", "R")
    assert c.stop_process(proc) == -signal.SIGTERM
    assert not proc.alive
    # a process that ignores SIGTERM is SIGKILLed after the timeout
    stubborn = c.start_process(2, ["sh", "-c", "trap '' TERM; touch trapped; "
                                               "while :; do sleep 0.05; done"])
    wait_until(lambda: (c[2].root / "trapped").exists(), 5, message="stubborn ready")
    assert c.stop_process(stubborn, timeout=0.3) == -signal.SIGKILL
    assert c.daemon_argv(1, "/x/lifelined")[:5] == ["/x/lifelined", "--root", str(n.root),
                                                     "--node", "server1"]
    assert c.daemon_argv(1, "/x/lifelined")[5:7] == ["--power", "sandbox:" + c.power_command(1)]


def test_power_off_kills_processes_and_takes_links_down(cluster_factory):
    c = cluster_factory(2)
    proc = c.start_process(1, ["sleep", "1000"])
    child = c.start_process(1, ["sh", "-c", "sleep 1000 & echo $! > bg.pid; wait"])
    wait_until(lambda: (c[1].root / "bg.pid").exists() and
               (c[1].root / "bg.pid").read_text().strip(), 5, message="background pid")
    bg = int((c[1].root / "bg.pid").read_text())
    old_holder = c[1].holder_pid
    assert reach(c, 2, c[1].public_ip)
    c.power_off(1)
    assert not proc.alive and not child.alive and not pid_alive(bg) and not pid_alive(old_holder)
    assert c.is_powered_off(1)
    for lan in LANS:
        st = c.link_state(1, lan)
        assert not st["admin_up"] and not st["switch_port_up"]
        assert not c.ping(2, c[1].ip(lan))
    assert c.mounts(1) == []                       # its mount namespace is gone
    with pytest.raises(HarnessError, match="powered off"):
        c.start_process(1, ["true"])
    assert reach(c, 2, PING_TARGET_IP)                # the rest of the cluster is untouched
    assert [(e["node"], e["action"], e["by"]) for e in c.power_events()] == [
        ("server1", "off", "harness")]
    c.power_on(1)
    assert not c.is_powered_off(1) and c[1].holder_pid not in (None, old_holder)
    for lan in LANS:
        wait_until(lambda: c.ping(2, c[1].ip(lan)), 5, message=f"{lan} after power on")
    again = c.start_process(1, ["sleep", "1000"])
    assert again.alive
    assert c.run(1, ["hostname"]).stdout.strip() == "server1"


def test_power_off_requested_from_inside_the_server(cluster_factory):
    """What lifelined does with --power sandbox:CMD: it runs CMD (plus the action) itself."""
    c = cluster_factory(2)
    victim = c.start_process(1, ["sleep", "1000"])
    caller = c.start_process(1, ["sh", "-c", c.power_command(1) + " shutdown --by lifelined"])
    wait_until(lambda: c.is_powered_off(1) and not victim.alive and not caller.alive, 10,
               message="server1 powered itself off")
    assert [(e["node"], e["action"], e["by"]) for e in c.power_events()] == [
        ("server1", "shutdown", "lifelined")]
    assert not c.ping(2, c[1].public_ip)
    assert not c.link_state(1, "public")["admin_up"]
    c.power_on(1)
    wait_until(lambda: c.ping(2, c[1].public_ip), 5, message="back after power on")
    assert "on" in subprocess.run(c.power_command(1) + " status", shell=True,
                                  capture_output=True, text=True).stdout


def test_freeze_stops_progress_and_thaw_resumes(cluster_factory):
    c = cluster_factory(2)
    reason = c.freezer_available()
    if reason:
        pytest.skip(reason)
    counter = c[1].root / "counter"
    proc = c.start_process(1, ["sh", "-c", f"while :; do echo x >> {counter}; sleep 0.01; done"])

    def size():
        return counter.stat().st_size if counter.exists() else 0
    start = size()
    wait_until(lambda: size() > start + 10, 5, message="counter grows")
    c.freeze(1)
    assert c.is_frozen(1) and proc.alive
    frozen_size = size()
    holds_for(lambda: size() == frozen_size, 0.3, message="frozen counter must not grow")
    assert not c.ping(2, c[1].public_ip) and not c.ping(2, c[1].interconnect_ip)
    assert c.link_state(1, "public")["carrier"]    # a paused VM keeps its carrier
    assert c.run(1, ["hostname"]).stdout.strip() == "server1"  # still inspectable
    c.thaw(1)
    assert not c.is_frozen(1)
    wait_until(lambda: size() > frozen_size + 10, 5, message="counter grows again")
    wait_until(lambda: c.ping(2, c[1].public_ip), 5, message="public LAN after thaw")


def test_power_off_a_frozen_server_then_power_on(cluster_factory):
    c = cluster_factory(2)
    if c.freezer_available():
        pytest.skip(c.freezer_available())
    proc = c.start_process(1, ["sleep", "1000"])
    c.freeze(1)
    with pytest.raises(HarnessError, match="frozen"):
        c.start_process(1, ["true"])
    c.power_off(1)
    assert not proc.alive and not c.is_frozen(1) and c.is_powered_off(1)
    c.power_on(1)
    assert c.link_state(1, "public")["switch_master"] == c.bridges["public"]
    c.wait_ping(2, c[1].public_ip)
    assert c.start_process(1, ["sleep", "1000"]).state() is not None


def test_without_cgroup2_power_off_still_kills_and_freeze_is_unsupported(
        scenario_environment, monkeypatch):
    monkeypatch.setattr(cgroups, "find_base",
                        lambda create=True: (None, "cgroup2 hidden by the test"))
    c = Cluster(2).start()
    try:
        assert c.cgroup is None
        proc = c.start_process(1, ["sleep", "1000"])
        with pytest.raises(Unsupported, match="cgroup2 hidden by the test"):
            c.freeze(1)
        c.power_off(1)
        assert not proc.alive and not c.ping(2, c[1].public_ip)
        c.power_on(1)
        c.wait_ping(2, c[1].public_ip)
    finally:
        c.teardown()
    assert nothing_left(c.rid)


# --------------------------------------------------------------------------- shared disk

def test_shared_disk_mount_is_private_to_the_server(cluster_factory):
    c = cluster_factory(2)
    dev = c.shared_disk
    assert re.fullmatch(r"/dev/loop\d+", dev)
    assert str(c.disks[0].image) in sh("losetup", "-a")
    assert c.disks[0].image.stat().st_blocks * 512 < 64 * 1024 * 1024  # sparse
    c.make_ext4()
    mp = c.mount(1)
    assert c.is_mounted(1)
    assert not c.is_mounted(2)
    assert not c.is_mounted(None)                    # not in the harness's (host) namespace
    assert any(m["mountpoint"] == str(mp) and m["fstype"] == "ext4" for m in c.mounts(1))
    c.run(1, ["sh", "-c", f"echo from-server1 > {mp}/data && sync"])
    assert not (mp / "data").exists()                # the host sees the empty directory
    c.umount(1, mp)
    assert not c.is_mounted(1)
    mp2 = c.mount(2)
    assert c.run(2, ["cat", f"{mp2}/data"]).stdout.strip() == "from-server1"
    assert c.is_mounted(2) and not c.is_mounted(1)


# --------------------------------------------------------------------------- cleanup

def test_teardown_leaves_nothing_behind(scenario_environment):
    c = Cluster(3).start()
    rid = c.rid
    try:
        assert not nothing_left(rid)                 # the check can see this run's resources
        pids = [n.holder_pid for n in c.nodes] + [c.anchor.pid]
        pids.append(c.start_process(1, ["sleep", "1000"]).pid)
        c.make_ext4()
        c.mount(2)
        c.partition([{1}, {2, 3}])
        c.cut_link(3, "public")
        if c.freezer_available() is None:
            c.freeze(1)
    finally:
        c.teardown()
    assert leftovers(rid) == {k: [] for k in leftovers(rid)}
    assert not any(pid_alive(p) for p in pids)
    c.teardown()  # idempotent


def test_eight_servers_come_up(cluster_factory):
    t0 = time.monotonic()
    c = cluster_factory(8)
    assert time.monotonic() - t0 < 20
    assert [n.public_ip for n in c.nodes] == [f"198.18.0.{10 + i}" for i in range(1, 9)]
    for n in c.nodes:
        assert reach(c, None, n.public_ip), n.name
        assert reach(c, 1, n.interconnect_ip), n.name


def test_thirty_two_servers_come_up(cluster_factory):
    c = cluster_factory(32)
    assert c[32].public_ip == "198.18.0.42" and c[32].interconnect_ip == "198.19.0.42"
    assert reach(c, None, c[32].public_ip) and reach(c, 32, c[1].interconnect_ip)


def test_two_runs_do_not_collide(cluster_factory):
    a = cluster_factory(2)
    b = cluster_factory(2)
    assert a.rid != b.rid and not set(a.namespaces) & set(b.namespaces)
    assert a.shared_disk != b.shared_disk
    b.cut_link(1, "public")
    assert reach(a, 2, a[1].public_ip) and not b.ping(2, b[1].public_ip)
    b.teardown()
    assert reach(a, 2, a[1].public_ip) and reach(a, None, a[1].public_ip)


CHILD = r"""
import sys, time
sys.path.insert(0, {here!r})
from lifeline_harness import Cluster
c = Cluster(2).start()
c.make_ext4(); c.mount(1)
c.start_process(2, ["sleep", "1000"])
print(c.rid, flush=True)
time.sleep(60)
"""


def _child_cluster():
    p = subprocess.Popen([sys.executable, "-c", CHILD.format(here=str(HERE))],
                         stdout=subprocess.PIPE, text=True)
    rid = p.stdout.readline().strip()
    assert re.fullmatch(r"llh[a-z0-9]{4}", rid), rid
    return p, rid


def test_sigterm_tears_the_cluster_down(scenario_environment):
    p, rid = _child_cluster()
    try:
        assert not nothing_left(rid)
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=30) == -signal.SIGTERM
    finally:
        p.kill()
        p.wait()
    assert leftovers(rid) == {k: [] for k in leftovers(rid)}


def test_cleanup_stale_removes_leftovers_of_a_killed_run(scenario_environment):
    p, rid = _child_cluster()
    p.kill()
    p.wait(timeout=10)
    left = leftovers(rid)
    assert left["netns"] and left["loop"] and left["dirs"] and left["owner"]
    removed = cleanup_stale()
    assert any(ns.startswith(rid) for ns in removed["netns"])
    assert leftovers(rid) == {k: [] for k in left}


def test_cleanup_stale_spares_live_runs(cluster_factory):
    c = cluster_factory(1)
    cleanup_stale()
    assert reach(c, 1, PING_TARGET_IP)
    assert c.rid in registry.live_run_ids()
    assert json.loads((registry.registry_dir() / f"{c.rid}.owner").read_text())["pid"] == os.getpid()
