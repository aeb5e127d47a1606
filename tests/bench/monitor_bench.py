#!/usr/bin/env python3
"""No false failovers under load (issue 5). Prints figures; asserts nothing about time.

  sudo /usr/bin/python3 tests/bench/monitor_bench.py [--build DIR] [--duration S] [--monitors N]
                                                     [--baseline S] [--monitor-timeout S]
                                                     [--stress STRESSORS] [--quick] [--json]

A 2-server cluster at the product's default heartbeat (interval 1 s, timeout 5 s) and pingnp
settings, group failover1 = fip + disk (ext4 on the shared loop disk) + exec (a resident HTTP
server, as in tests/scenario/test_monitors.py), and N monitors (default 50) at a 1 s interval
with the default monitor timeout (120 s, not written to clp.conf) and reconfirmation (1): a mix
of userw (keepalive), ipw, miiw (pub0, ic0), fipw, pidw, diskw (READ on the shared disk), genw
(small scripts, synchronous and asynchronous) and mtw. volmgrw is left out: it needs
device-mapper, which this machine lacks (it would only warn). Every monitor except userw has
the group as its recovery target, so a false error is a reactivation or a failover that shows.

Once every monitor is Normal (or Offline where its target is not active) the cluster runs
`--baseline` seconds unloaded, then `--duration` seconds under

  stress-ng --cpu 2 --io 1 --hdd 1 --hdd-bytes 128M --temp-path <run dir> --timeout <duration>s

in the host, in a session of its own (hence its own scheduler autogroup, as a separate
service would have), nice 0, on the same two CPUs as lifelined; the hdd worker writes to the
file system that holds the shared disk's image. It is always bounded by --timeout and killed
with its process group on exit, exception, Ctrl-C or SIGTERM (and by PR_SET_PDEATHSIG if this
script is killed).

Per phase: failovers (group owner changes seen by polling both servers, alerts 503/504),
recovery steps (706), power actions (the sandbox power log: a keepalive reset shows only
there), monitor errors (701), warnings (703), timeouts (704), skipped checks
(705), heartbeat path warnings (101), servers lost (202), NP alerts (30x), final actions (401),
lifelined CPU per server (utime+stime from /proc/PID/stat over the phase, % of one core; its
reaped children, i.e. the genw scripts, apart; the keepalive supervisor apart), RSS, heartbeat
packets received, the machine's CPU use and load, and stress-ng's bogo-ops.

--quick is the smoke run of the test suite (10 monitors, 5 s baseline, 20 s of stress). Use a
build without sanitizers (installer/setup.sh builds one in build/) for real figures."""

import argparse
import ctypes
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scenario"))

from lifeline_harness import Cluster, wait_until  # noqa: E402
from lifeline_harness.lifeline import (Lifeline, cluster_xml, disk_xml, exec_xml, fip_xml,  # noqa: E402
                                       group_xml, groups_of)
from test_groups import APP_START, APP_STOP, CONTENT, write_to_disk  # noqa: E402

GROUP = "failover1"
# Not the scenario tests' 8080: the servers share the pid namespace, and test_monitors finds
# "its" resident with pgrep -f "http.server 8080" (and kills it) on the whole machine.
PORT = 8089
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Alert ids counted per phase (README "Alerts").
ALERTS = [
    ("failovers (alerts 503 failed over / 504 moved)", (503, 504)),
    ("group start/stop (501 / 502)", (501, 502)),
    ("group errors (505 / 506 / 507 / 509)", (505, 506, 507, 509)),
    ("monitor recovery steps (706)", (706,)),
    ("monitor errors (701)", (701,)),
    ("monitor warnings (703)", (703,)),
    ("monitor timeouts (704)", (704,)),
    ("skipped checks (705)", (705,)),
    ("heartbeat path warnings (101)", (101,)),
    ("servers lost (202)", (202,)),
    ("NP alerts (301-307)", (301, 302, 303, 304, 305, 306, 307)),
    ("final actions (401 / 402)", (401, 402)),
    ("resource failures (603 / 604 / 605)", (603, 604, 605)),
]

# The monitor mix: one of each kind first, the rest by these weights (40 more at N = 50).
KINDS = ["userw", "ipw", "miiw-pub", "miiw-ic", "fipw", "pidw", "diskw", "genw-sync", "genw-async", "mtw"]
WEIGHTS = {"ipw": 6, "miiw-pub": 2, "miiw-ic": 2, "fipw": 3, "pidw": 3, "diskw": 8, "genw-sync": 10,
           "genw-async": 3, "mtw": 3}
PREFIX = {"userw": "userw", "ipw": "ipw", "miiw-pub": "miiwp", "miiw-ic": "miiwi", "fipw": "fipw",
          "pidw": "pidw", "diskw": "diskw", "genw-sync": "genws", "genw-async": "genwa", "mtw": "mtw"}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def kind_counts(n):
    if n <= len(KINDS):
        return {k: 1 for k in KINDS[:n]}
    counts = {k: 1 for k in KINDS}
    extra = n - len(KINDS)
    total = sum(WEIGHTS.values())
    shares = {k: extra * w / total for k, w in WEIGHTS.items()}
    for k, s in shares.items():
        counts[k] += int(s)
    rest = extra - sum(int(s) for s in shares.values())
    for k in sorted(shares, key=lambda k: shares[k] - int(shares[k]), reverse=True)[:rest]:
        counts[k] += 1
    return counts


def monitor(type_, name, *, target="", recovery=True, restart=0, fo=1, params="", timeout_s=None):
    """A monitor at a 1 s interval. The timeout and reconfirmation are left out (product
    defaults) unless --monitor-timeout is given; the final action is the default (none)."""
    relation = ("grp", GROUP) if recovery else ("cls", "LocalServer")
    timeout = f"<timeout>{timeout_s:g}</timeout>" if timeout_s else ""
    emergency = (f"<emergency><threshold><restart>{restart}</restart><fo>{fo}</fo></threshold></emergency>"
                 if recovery else "")
    return (f'<types name="{type_}"/><{type_} name="{name}"><comment/>'
            f'{f"<target>{target}</target>" if target else ""}'
            f'<relation><type>{relation[0]}</type><name>{relation[1]}</name></relation>'
            f'<polling><interval>1</interval>{timeout}</polling>{emergency}'
            f'<parameters>{params}</parameters></{type_}>')


def build_monitors(c, n, mount_point, timeout_s):
    """(clp.conf monitor XML, scripts, {kind: [names]}, {name: gated by a target})."""
    counts = kind_counts(n)
    names = {k: [f"{PREFIX[k]}{i + 1}" if k != "userw" else "userw" for i in range(counts.get(k, 0))]
             for k in KINDS}
    xml, scripts, gated = [], {}, {}
    pt, client = "198.18.0.254", "198.18.0.200"   # ping target and client on the public LAN
    disk = str(c.disks[0].server_path)
    app_check = f"grep -qi ':{PORT:04X} 00000000:0000 0A' /proc/net/tcp"  # the app listens
    for kind in KINDS:
        for i, name in enumerate(names[kind]):
            target = ""
            if kind == "userw":
                # Final action by the supervisor (reset); LocalServer is userw's own target.
                xml.append(monitor("userw", name, recovery=False, timeout_s=timeout_s,
                                   params="<method>keepalive</method>"))
            elif kind == "ipw":
                ips = [[pt], [client], [pt, client]][i % 3]
                lst = "".join(f'<list id="{j}"><ip>{ip}</ip></list>' for j, ip in enumerate(ips))
                xml.append(monitor("ipw", name, params=lst, timeout_s=timeout_s))
            elif kind in ("miiw-pub", "miiw-ic"):
                iface = "pub0" if kind == "miiw-pub" else "ic0"
                xml.append(monitor("miiw", name, params=f"<object>{iface}</object>", timeout_s=timeout_s))
            elif kind == "fipw":
                target = "fip1"
                xml.append(monitor("fipw", name, target=target, timeout_s=timeout_s,
                                   params=f"<monmii>{i % 2}</monmii>"))
            elif kind == "pidw":
                target = "exec1"
                xml.append(monitor("pidw", name, target=target, restart=1, timeout_s=timeout_s))
            elif kind == "diskw":
                size = [512, 4096, 65536][i % 3]
                xml.append(monitor("diskw", name, timeout_s=timeout_s,
                                   params=f"<method>READ</method><object>{disk}</object><size>{size}</size>"))
            elif kind == "genw-sync":
                # Small checks: nothing, the data on the shared disk, the application's socket.
                body, target = [("exit 0", ""),
                                (f'test -r "{mount_point}/hello.txt"', "disk1"),
                                (app_check, "exec1")][i % 3]
                scripts[f"monitor.s/{name}/genw.sh"] = f"#!/bin/sh\n{body}\n"
                xml.append(monitor("genw", name, target=target, restart=1, timeout_s=timeout_s,
                                   params="<path>genw.sh</path><sync>1</sync>"))
            elif kind == "genw-async":
                scripts[f"monitor.s/{name}/genw.sh"] = "#!/bin/sh\nexec sleep 2147483647\n"
                xml.append(monitor("genw", name, restart=1, timeout_s=timeout_s,
                                   params="<path>genw.sh</path><sync>0</sync>"))
            elif kind == "mtw":
                pool = names["ipw"] + names["miiw-pub"]
                members = [pool[(2 * i) % len(pool)], pool[(2 * i + 1) % len(pool)]] if pool else []
                lst = "".join(f'<list id="{j}"><name>{m}</name></list>' for j, m in enumerate(members))
                xml.append(monitor("mtw", name, timeout_s=timeout_s, params=f"{lst}<count>2</count>"))
            gated[name] = bool(target)
    return "".join(xml), scripts, {k: v for k, v in names.items() if v}, gated


def default_pingnp(xml):
    """The harness writes scenario-speed pingnp settings; the benchmark uses the defaults."""
    fast = "<interval>0.2</interval><timeout>0.3</timeout><retry>2</retry>"
    assert fast in xml, "cluster_xml's pingnp settings changed; update monitor_bench.py"
    return xml.replace(fast, "<interval>1</interval><timeout>1</timeout><retry>3</retry>")


# -- /proc readings -----------------------------------------------------------------------
def proc_times(pid):
    """(utime+stime, cutime+cstime) in seconds, or None when the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    f = text[text.rindex(")") + 2:].split()
    return (int(f[11]) + int(f[12])) / CLK_TCK, (int(f[13]) + int(f[14])) / CLK_TCK


def proc_status(pid, key):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024  # kB -> MiB
    except OSError:
        pass
    return None


def children(pid):
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(k) for k in kids]


def comm(pid):
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def system_cpu():
    """(busy, total) jiffies of all CPUs (iowait counts as idle)."""
    f = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = f[3] + f[4]
    total = sum(f[:8])
    return total - idle, total


def loadavg():
    return float(Path("/proc/loadavg").read_text().split()[0])


# -- stress-ng -----------------------------------------------------------------------------
_libc = ctypes.CDLL(None, use_errno=True)


def _pdeathsig():
    _libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: dies with this script


class Stress:
    """stress-ng in a session (and process group) of its own, bounded by --timeout."""

    def __init__(self, args, seconds, temp_path):
        self.argv = (["stress-ng"] + shlex.split(args) +
                     ["--temp-path", str(temp_path), "--timeout", f"{int(seconds)}s", "--metrics-brief"])
        self.log = tempfile.TemporaryFile()  # never a full pipe, whatever it prints
        self.proc = subprocess.Popen(self.argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True, preexec_fn=_pdeathsig)

    def wait(self, timeout):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
        return self.proc.returncode

    def running(self):
        return self.proc.poll() is None

    def stop(self):
        """Kill the whole process group (workers included), even after the leader ended. Once
        the leader is reaped its pid may be reused: only a group with members is ours."""
        if self.proc.poll() is None or self.group_members():
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        # Workers in sync() or write() die when that call returns: wait for them (bounded).
        deadline = time.monotonic() + 20
        while self.group_members() and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.group_members():
            log(f"stress-ng workers still alive after SIGKILL: {self.group_members()}")

    def group_members(self):
        """Live (not zombie) processes of stress-ng's process group."""
        alive = []
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    f = (d / "stat").read_text()
                except OSError:
                    continue
                rest = f[f.rindex(")") + 2:].split()
                if int(rest[2]) == self.proc.pid and rest[0] != "Z":
                    alive.append(int(d.name))
        return alive

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def metrics(self):
        """{stressor: {"bogo_ops", "real_s", "usr_s", "sys_s", "ops_per_s"}} from --metrics-brief."""
        out = {}
        for line in self.output().splitlines():
            m = re.search(r"\] (\w+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", line)
            if m and "metrc" in line:
                out[m.group(1)] = {"bogo_ops": int(m.group(2)), "real_s": float(m.group(3)),
                                   "usr_s": float(m.group(4)), "sys_s": float(m.group(5)),
                                   "ops_per_s": float(m.group(6))}
        return out


def _terminate(signum, frame):
    raise SystemExit(128 + signum)  # so that every finally (stress-ng, cluster) runs


# -- the benchmark -------------------------------------------------------------------------
class Observer:
    """What happens on both servers during one phase."""

    def __init__(self, c, l):
        self.c, self.l = c, l
        self.names = [n.name for n in c.nodes]

    def begin(self):
        self.t0 = time.monotonic()
        self.alert_start = {s: len(self.l.alerts(s)) for s in self.names}
        self.power_start = len(self.c.power_events())  # a keepalive reset shows only here
        self.pids = {s: self.l.procs[s].pid for s in self.names}
        self.keepalive = {s: next((k for k in children(p) if comm(k).startswith("lifeline-keep")), None)
                          for s, p in self.pids.items()}
        self.times0 = {s: proc_times(p) for s, p in self.pids.items()}
        self.ka0 = {s: proc_times(k) if k else None for s, k in self.keepalive.items()}
        self.hb0 = {s: self.hb_received(s) for s in self.names}
        self.sys0 = system_cpu()
        self.load = [loadavg()]
        self.rss_max = {s: 0.0 for s in self.names}
        self.owners = []          # (time, owner as seen by server1, by server2)
        self.owner_changes = 0
        self.not_online = 0       # samples where a server saw the group other than Online
        self.last_owner = None
        self.sample()

    def hb_received(self, server):
        st = self.local_status(server)
        return {k: v.get("received", 0) for k, v in (st or {}).get("heartbeatCounters", {}).items()}

    def local_status(self, server):
        try:
            r = self.l.request(server, "status", {"local": True}, timeout=5.0)
        except (OSError, ValueError):
            return None
        return r.get("result") if r.get("ok") else None

    def sample(self):
        views = []
        for s in self.names:
            g = groups_of(self.local_status(s)).get(GROUP, {})
            views.append(g.get("current", "?") if g else "?")
            if not g or g.get("state") != "Online":
                self.not_online += 1
            rss = proc_status(self.pids[s], "VmRSS")
            if rss:
                self.rss_max[s] = max(self.rss_max[s], rss)
        owner = views[0] if views[0] == views[1] else None
        if owner and owner != "?":
            if self.last_owner and owner != self.last_owner:
                self.owner_changes += 1
            self.last_owner = owner
        self.load.append(loadavg())

    def end(self):
        wall = time.monotonic() - self.t0
        busy0, total0 = self.sys0
        busy1, total1 = system_cpu()
        r = {"seconds": round(wall, 1), "owner_changes": self.owner_changes,
             "final_owner": self.last_owner, "samples_group_not_online": self.not_online,
             "power_events": self.c.power_events()[self.power_start:],
             "machine_cpu_busy_pct": round(100 * (busy1 - busy0) / max(1, total1 - total0), 1),
             "load_avg_1min": {"min": min(self.load), "max": max(self.load),
                               "mean": round(sum(self.load) / len(self.load), 2)},
             "servers": {}, "alerts": {}, "alert_lines": {}}
        for s in self.names:
            t0, t1 = self.times0[s], proc_times(self.pids[s])
            k0 = self.ka0[s]
            k1 = proc_times(self.keepalive[s]) if self.keepalive[s] else None
            hb1 = self.hb_received(s)
            r["servers"][s] = {
                "lifelined_cpu_pct": round(100 * (t1[0] - t0[0]) / wall, 2) if t0 and t1 else None,
                "children_cpu_pct": round(100 * (t1[1] - t0[1]) / wall, 2) if t0 and t1 else None,
                "keepalive_cpu_pct": round(100 * (k1[0] - k0[0]) / wall, 3) if k0 and k1 else None,
                "rss_max_mib": round(self.rss_max[s], 1),
                "vmhwm_mib": round(proc_status(self.pids[s], "VmHWM") or 0, 1),
                "heartbeats_received": {p: hb1.get(p, 0) - self.hb0[s].get(p, 0) for p in hb1},
            }
        new = []
        for s in self.names:
            new += self.l.alerts(s)[self.alert_start[s]:]
        for label, ids in ALERTS:
            lines = [a for a in new if alert_id(a) in ids]
            r["alerts"][label] = len(lines)
            if lines:
                r["alert_lines"][label] = lines[:10]
        return r


def alert_id(line):
    parts = line.split(None, 5)  # time server module type id message
    return int(parts[4]) if len(parts) > 4 and parts[4].isdigit() else None


def run_phase(obs, seconds, stress=None):
    obs.begin()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (stress is None or stress.running()):
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))  # the sampling period
        obs.sample()
    return obs.end()


def monitors_settled(l, gated):
    """Every monitor Normal on the owner (server1); on server2 Normal, or Offline when gated."""
    for server, owner in (("server1", True), ("server2", False)):
        st = l.status(server)
        if not st:
            return False
        for m in st["monitors"]:
            want = "Offline" if gated.get(m["name"]) and not owner else "Normal"
            if m["state"] != want:
                return False
    return True


def bench(args):
    with Cluster(2) as c:
        fip = c.fip(1)
        mp = str(c.state_dir / "mnt" / GROUP)
        Path(mp).mkdir(parents=True, exist_ok=True)
        c.make_ext4()
        write_to_disk(c, CONTENT)
        mons, mscripts, names, gated = build_monitors(c, args.monitors, mp, args.monitor_timeout)
        resources = (fip_xml("fip1", fip) + disk_xml("disk1", str(c.disks[0].server_path), mp) +
                     exec_xml("exec1", sync=False, start_timeout_s=30, stop_timeout_s=30))
        xml = default_pingnp(cluster_xml(
            c, interval_ms=1000, timeout_ms=5000, syncwait_s=30,
            groups_xml=group_xml(GROUP, ["fip@fip1", "disk@disk1", "exec@exec1"], policy=["server1", "server2"]),
            resources_xml=resources, monitors_xml=mons))
        scripts = {f"{GROUP}/exec1/start.sh": APP_START.format(port=PORT, fip=fip, mnt=mp),
                   f"{GROUP}/exec1/stop.sh": APP_STOP, **mscripts}
        l = Lifeline(c, args.build).deploy(xml, scripts)
        try:
            return run_cluster(args, c, l, names, gated)
        finally:
            if args.logs:
                log(f"logs: {c.collect_logs(args.logs)}")


def run_cluster(args, c, l, names, gated):
    """Start the cluster, wait for every monitor, run the phases; the figures."""
    timeout_s = args.monitor_timeout
    chk = subprocess.run([l.program("clpcfchk"), str(c[1].etc_dir)], capture_output=True, text=True)
    if chk.returncode != 0:
        raise SystemExit("clpcfchk refuses the benchmark's configuration:\n" + chk.stdout + chk.stderr)
    l.start_all()
    l.wait_all_online(timeout=90)
    l.wait_group(1, GROUP, "Online", "server1", timeout=90)
    wait_until(lambda: monitors_settled(l, gated), 90, interval=0.5,
               message="every monitor Normal (Offline on the standby where its target is not active): "
                       + str({s: {m["name"]: m["state"] for m in (l.status(s) or {}).get("monitors", [])
                                  if m["state"] != "Normal"} for s in ("server1", "server2")}))
    obs = Observer(c, l)
    result = {"build": args.build, "monitors": {k: len(v) for k, v in names.items()},
              "monitor_timeout_s": timeout_s or 120, "heartbeat_ms": [1000, 5000], "phases": {}}
    if args.baseline > 0:
        log(f"baseline: {args.baseline} s without load")
        result["phases"]["baseline"] = run_phase(obs, args.baseline)
    stress = Stress(args.stress, args.duration, c.rundir)
    result["stress_command"] = shlex.join(stress.argv)
    log(f"stress: {result['stress_command']}")
    try:
        phase = run_phase(obs, args.duration + 30, stress)  # ends when stress-ng does
        stress.wait(timeout=30)
    finally:
        stress.stop()
    phase["stress_ng"] = stress.metrics()
    phase["stress_ng_exit"] = stress.proc.returncode
    result["phases"]["stress"] = phase
    # Let anything the load started (an error, a failover) show up, then the final states.
    after = run_phase(obs, 5 if args.quick else 15)
    result["phases"]["after"] = after
    result["final_monitor_states"] = {
        s: {m["name"]: m["state"] for m in (l.status(s) or {}).get("monitors", [])
            if m["state"] not in ("Normal", "Offline")} for s in ("server1", "server2")}
    return result


def report(r, out=sys.stdout):
    phases = r["phases"]
    cols = list(phases)
    w = 48

    def row(label, fn):
        cells = []
        for p in cols:
            try:
                v = fn(phases[p])
            except (KeyError, TypeError):
                v = "-"
            cells.append(f"{v!s:>16}")
        print(f"{label:<{w}}" + "".join(cells), file=out)

    mix = ", ".join(f"{k} {v}" for k, v in r["monitors"].items())
    print(f"build {r['build']}", file=out)
    print(f"2 servers, heartbeat interval/timeout {r['heartbeat_ms'][0]}/{r['heartbeat_ms'][1]} ms, "
          f"{sum(r['monitors'].values())} monitors at 1 s, timeout {r['monitor_timeout_s']:g} s", file=out)
    print(f"monitors: {mix} (volmgrw left out: no device-mapper here)", file=out)
    print(f"load: {r['stress_command']}", file=out)
    print(f"{'':<{w}}" + "".join(f"{p + ' (' + str(int(phases[p]['seconds'])) + ' s)':>16}" for p in cols),
          file=out)
    row("group owner changes (polled, both servers)", lambda p: p["owner_changes"])
    row("power actions (keepalive, final actions)", lambda p: len(p["power_events"]))
    for label, _ in ALERTS:
        row(label, lambda p, label=label: p["alerts"][label])
    for s in ("server1", "server2"):
        row(f"{s} lifelined CPU, % of one core", lambda p, s=s: p["servers"][s]["lifelined_cpu_pct"])
        row(f"{s} reaped children (genw scripts) CPU %", lambda p, s=s: p["servers"][s]["children_cpu_pct"])
        row(f"{s} lifeline-keepalive CPU %", lambda p, s=s: p["servers"][s]["keepalive_cpu_pct"])
        row(f"{s} lifelined RSS max, MiB", lambda p, s=s: p["servers"][s]["rss_max_mib"])
        row(f"{s} heartbeats received per path",
            lambda p, s=s: "/".join(str(v) for v in p["servers"][s]["heartbeats_received"].values()))
    row("machine CPU busy, % of 2 cores", lambda p: p["machine_cpu_busy_pct"])
    row("load average (1 min), max", lambda p: p["load_avg_1min"]["max"])
    st = phases.get("stress", {})
    for name, m in st.get("stress_ng", {}).items():
        print(f"stress-ng {name:<6} {m['bogo_ops']:>10} bogo ops  {m['ops_per_s']:>10.1f}/s  "
              f"usr {m['usr_s']:.1f} s  sys {m['sys_s']:.1f} s  (real {m['real_s']:.1f} s)", file=out)
    for p in cols:
        for e in phases[p]["power_events"]:
            print(f"[{p}] power action: {e}", file=out)
        for label, lines in phases[p]["alert_lines"].items():
            if label.startswith("group start") and p != "stress":
                continue
            print(f"[{p}] {label}:", file=out)
            for line in lines:
                print(f"    {line}", file=out)
    bad = {s: v for s, v in r["final_monitor_states"].items() if v}
    print(f"monitors not Normal/Offline at the end: {bad or 'none'}", file=out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.environ.get("LIFELINE_BUILD_DIR", str(HERE.parents[1] / "build")))
    ap.add_argument("--duration", type=float, default=300, help="seconds of stress (default 300)")
    ap.add_argument("--monitors", type=int, default=50, help="number of monitors (default 50)")
    ap.add_argument("--baseline", type=float, default=60, help="seconds without load first (default 60)")
    ap.add_argument("--monitor-timeout", type=float, default=None,
                    help="write this polling/timeout (s) instead of the default (120 s)")
    ap.add_argument("--stress", default="--cpu 2 --io 1 --hdd 1 --hdd-bytes 128M",
                    help="stress-ng stressors (--temp-path, --timeout, --metrics-brief are added)")
    ap.add_argument("--quick", action="store_true", help="smoke run for the test suite")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--logs", help="copy every server's logs (console, var/log, power) to this directory")
    args = ap.parse_args()
    args.build = str(Path(args.build).resolve())
    if args.quick:
        args.duration, args.monitors, args.baseline = 20, 10, 5
    if os.geteuid() != 0:
        raise SystemExit("monitor_bench needs root (network namespaces, loop devices)")
    if not any((Path(d) / "stress-ng").exists() for d in os.environ.get("PATH", "").split(":") + ["/usr/bin"]):
        raise SystemExit("stress-ng is not installed (installer/packages.txt)")
    # SIGTERM ends like Ctrl-C: the harness tears the cluster down, then calls this handler.
    signal.signal(signal.SIGTERM, _terminate)
    r = bench(args)
    if args.json:
        print(json.dumps(r, indent=1))
    else:
        report(r)


if __name__ == "__main__":
    main()
