#!/usr/bin/env python3
"""Heartbeat detection per path type (issue 6). Prints figures; asserts nothing about time.

  sudo /usr/bin/python3 tests/bench/heartbeat_paths_bench.py [--build DIR] [--runs N] [--quick]
       [--paths lanhb,lankhb,diskhb,comhb] [--interval-ms 100] [--timeout-ms 1000] [--json]

One 2-server cluster with one path of each type: lanhb1 (UDP, public LAN), lankhb1 (TCP
keepalive, interconnect), diskhb1 (the harness's second shared disk, a loop device per server)
and comhb1 (a pseudo-terminal "null modem" relayed by the harness, 115200 baud), at interval
100 ms / timeout 1 s. Each run powers server2 off (harness sandbox power: switch ports and
links down, every process SIGKILLed) and measures, on server1, the time from the power-off to
each path to server2 turning Offline; then powers server2 on, restarts it and waits until
every path is Normal again both ways. 20 runs (--quick: 2, the suite's smoke run).

Two observations per path and run, both against the power log's wall-clock time of the
power-off (written by sandbox_power.sh just before the links go down):

* detected: the heartbeat thread's own log line `heartbeat "X" to server "server2": offline`
  (lifelined is started with QT_MESSAGE_PATTERN carrying a millisecond wall-clock time). The
  alert log cannot serve: the path alert is not raised for the paths that time out together
  with the server, which on a power-off is all of them;
* status: the first poll of server1's status (control socket, every 10 ms) that shows the path
  Offline; what clpstat would show, so detected + up to the polling period.

Expected: timeout - (age of the last packet at the power-off, 0 .. interval) + the check period
(interval / 4); diskhb's reads (every interval / 4) shift it by up to one more read period.
Use a build without sanitizers (installer/setup.sh builds one in build/) for real figures."""

import argparse
import json
import os
import re
import select
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scenario"))

from lifeline_harness import Cluster, wait_until  # noqa: E402
from lifeline_harness.comlink import ComLink  # noqa: E402
from lifeline_harness.lifeline import Lifeline, cluster_xml  # noqa: E402

KHB_DEVICE = 1      # device 0 is the public LAN (lans=("public",)), 1 the interconnect
DISK_DEVICE = 300
COM_DEVICE = 400
TYPES = ("lanhb", "lankhb", "diskhb", "comhb")
NAME = {t: f"{t}1" for t in TYPES}
PEER = "server2"
POLL_S = 0.01
# A wall-clock time to the millisecond in front of every message of lifelined (local time,
# like the alert log; parsed with time.mktime).
MESSAGE_PATTERN = "%{time yyyy-MM-ddTHH:mm:ss.zzz} %{message}"
OFFLINE_RE = re.compile(r'^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}) heartbeat "([^"]+)" to server "'
                        + PEER + r'": offline$')


def heartbeats_xml(types):
    xml = ""
    if "lankhb" in types:
        xml += ('<types name="lankhb"/><lankhb name="lankhb1"><priority>1</priority>'
                f'<device>{KHB_DEVICE}</device></lankhb>')
    if "diskhb" in types:
        xml += ('<types name="diskhb"/><diskhb name="diskhb1"><priority>2</priority>'
                f'<device>{DISK_DEVICE}</device></diskhb>')
    if "comhb" in types:
        # 115200: a 113-byte frame takes 10 ms, well inside the interval (19200 would take 59).
        xml += ('<types name="comhb"/><comhb name="comhb1"><priority>3</priority>'
                f'<device>{COM_DEVICE}</device><parameters><speed>115200</speed></parameters></comhb>')
    return xml


def server_devices(c, link, types):
    def xml(n):
        out = ""
        if "lankhb" in types:
            out += f'<device id="{KHB_DEVICE}"><type>lan</type><info>{n.ip("interconnect")}/24</info></device>'
        if "diskhb" in types:
            out += (f'<device id="{DISK_DEVICE}"><type>disk</type>'
                    f'<info>{c.disks[1].server_path}</info></device>')
        if link is not None:
            out += link.devices_xml(COM_DEVICE)(n)
        return out
    return xml


def parse_time(stamp):
    return time.mktime(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) + int(stamp[20:23]) / 1000


class StatusWatch:
    """Polls server1's status every 10 ms from a thread and keeps the wall-clock time at which
    each path to server2 was first seen Offline."""

    def __init__(self, l, paths):
        self.l, self.paths, self.seen = l, paths, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while not self._stop.is_set() and len(self.seen) < len(self.paths):
            states = self.l.heartbeat_states(1)
            now = time.time()
            for hb in self.paths:
                if hb not in self.seen and states.get((PEER, hb)) == "Offline":
                    self.seen[hb] = now
            self._stop.wait(POLL_S)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class ExitWatch:
    """The wall-clock time at which a process ends (its pidfd turns readable), from a thread."""

    def __init__(self, pid):
        self.fd = os.pidfd_open(pid)
        self.at = None
        self._thread = threading.Thread(target=self._wait, daemon=True)
        self._thread.start()

    def _wait(self):
        if select.select([self.fd], [], [], 30)[0]:
            self.at = time.time()

    def result(self):
        self._thread.join(timeout=35)
        os.close(self.fd)
        return self.at


class Bench:
    def __init__(self, c, l, link, paths, interval_ms, timeout_ms):
        self.c, self.l, self.link, self.paths = c, l, link, paths
        self.interval_ms, self.timeout_ms = interval_ms, timeout_ms

    def start(self, node):
        """lifelined as Lifeline.start does, with timestamps on its messages."""
        n = self.c[node]
        env = {"QT_MESSAGE_PATTERN": MESSAGE_PATTERN, "QT_FORCE_STDERR_LOGGING": "1"}
        self.l.procs[n.name] = self.c.start_process(
            n, self.c.daemon_argv(n, self.l.program("lifelined")), env=env)

    def wait_all_normal(self, timeout):
        def normal():
            a, b = self.l.heartbeat_states(1), self.l.heartbeat_states(2)
            return all(a.get((PEER, hb)) == "Normal" and b.get(("server1", hb)) == "Normal"
                       for hb in self.paths)
        try:
            wait_until(normal, timeout, interval=0.05, message="every path Normal both ways")
        except AssertionError as e:
            raise AssertionError(f"{e}; server1 {self.l.heartbeat_states(1)}, "
                                 f"server2 {self.l.heartbeat_states(2)}") from None

    def offline_lines(self, offset):
        """{path: wall-clock time} of server1's `offline` lines for server2 after `offset`."""
        found = {}
        with open(self.c[1].console_log, "rb") as f:
            f.seek(offset)
            for raw in f.read().decode(errors="replace").splitlines():
                m = OFFLINE_RE.match(raw.strip())
                if m and m.group(2) in self.paths and m.group(2) not in found:
                    found[m.group(2)] = parse_time(m.group(1))
        return found

    def run_once(self):
        offset = self.c[1].console_log.stat().st_size
        with StatusWatch(self.l, self.paths) as watch:
            exited = ExitWatch(self.l.procs[PEER].pid)
            self.c.power_off(2)
            off = next(e for e in reversed(self.c.power_events()) if e["node"] == PEER)["time"]
            try:
                wait_until(lambda: len(watch.seen) == len(self.paths), self.timeout_ms / 1000 * 3 + 5,
                           interval=0.02, message=f"every path to {PEER} Offline on server1")
            except AssertionError as e:
                raise AssertionError(f"{e}; Offline so far: {sorted(watch.seen)}, "
                                     f"states {self.l.heartbeat_states(1)}") from None
        def all_logged():
            found = self.offline_lines(offset)
            return found if len(found) == len(self.paths) else None
        logged = wait_until(all_logged, 5, interval=0.05, message="server1 logged every path Offline")
        detected = {hb: (logged[hb] - off) * 1000 for hb in self.paths}
        status = {hb: (watch.seen[hb] - off) * 1000 for hb in self.paths}
        killed = exited.result()
        kill_ms = (killed - off) * 1000 if killed is not None else float("nan")
        self.c.power_on(2)
        self.start(2)
        self.l.wait_all_online(timeout=60)
        self.wait_all_normal(30)
        return detected, status, kill_ms


def percentile(values, p):
    """Nearest-rank percentile (p90 of 20 runs is the 18th smallest)."""
    s = sorted(values)
    return s[max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))]


def summary(values, timeout_ms):
    med = statistics.median(values)
    return {"median": med, "p90": percentile(values, 90), "max": max(values), "min": min(values),
            "median_minus_timeout": med - timeout_ms, "max_minus_timeout": max(values) - timeout_ms}


def bench(args):
    types = [t for t in TYPES if t in args.paths]
    paths = [NAME[t] for t in types]
    results = {"build": args.build, "interval_ms": args.interval_ms, "timeout_ms": args.timeout_ms,
               "runs": args.runs, "poll_ms": POLL_S * 1000, "kill_ms": [], "paths": {}}
    raw = {hb: {"detected": [], "status": []} for hb in paths}
    t0 = time.monotonic()
    with Cluster(2, shared_disks=2) as c:
        link = ComLink(c, 1, 2).plug() if "comhb" in types else None
        try:
            xml = cluster_xml(c, interval_ms=args.interval_ms, timeout_ms=args.timeout_ms, syncwait_s=30,
                              lans=("public",), server_devices=server_devices(c, link, types),
                              heartbeats_xml=heartbeats_xml(types))
            l = Lifeline(c, args.build).deploy(xml)
            b = Bench(c, l, link, paths, args.interval_ms, args.timeout_ms)
            for n in (1, 2):
                b.start(n)
            l.wait_all_online(timeout=60)
            b.wait_all_normal(30)
            for i in range(args.runs):
                detected, status, kill_ms = b.run_once()
                results["kill_ms"].append(kill_ms)
                for hb in paths:
                    raw[hb]["detected"].append(detected[hb])
                    raw[hb]["status"].append(status[hb])
                if not args.json:
                    print(f"run {i + 1:2d}/{args.runs}: " + "  ".join(
                        f"{hb} {detected[hb]:5.0f}" for hb in paths) + f"  (killed at {kill_ms:3.0f})",
                        flush=True)
        finally:
            if link is not None:
                link.close()
    results["elapsed_s"] = time.monotonic() - t0
    kills = results["kill_ms"]
    for t, hb in zip(types, paths):
        d = raw[hb]["detected"]
        results["paths"][t] = {"name": hb, "detected_ms": d, "status_ms": raw[hb]["status"],
                               "detected": summary(d, args.timeout_ms),
                               "status": summary(raw[hb]["status"], args.timeout_ms),
                               "from_kill": summary([x - k for x, k in zip(d, kills)], args.timeout_ms)}
    return results


def report(r):
    t = r["timeout_ms"]
    print(f"\n## Detection: power-off of server2 -> path Offline on server1 (ms), {r['runs']} runs, "
          f"interval {r['interval_ms']} ms, timeout {t} ms ({r['elapsed_s']:.0f} s)")
    k = r["kill_ms"]
    print(f"(the power-off takes the links down first; lifelined of server2 is dead "
          f"{statistics.median(k):.0f} ms later, median, {min(k):.0f}-{max(k):.0f}: the disk and "
          f"COM paths hear it until then)")
    for key, title in (("detected", "detected (heartbeat thread's log line), from the power-off"),
                       ("status", f"seen in the status (polled every {r['poll_ms']:.0f} ms), from the power-off"),
                       ("from_kill", "detected, from the death of server2's lifelined")):
        print(f"\n{title}")
        print("path type  path      median     p90     max     min   median-timeout  max-timeout")
        for ptype, p in r["paths"].items():
            s = p[key]
            print(f"{ptype:9s}  {p['name']:8s} {s['median']:7.0f} {s['p90']:7.0f} {s['max']:7.0f} {s['min']:7.0f}"
                  f"   {s['median_minus_timeout']:+14.0f}  {s['max_minus_timeout']:+11.0f}")


def _terminate(signum, frame):
    raise SystemExit(128 + signum)  # so that every finally (com link, cluster) runs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.environ.get("LIFELINE_BUILD_DIR", str(HERE.parents[1] / "build")))
    ap.add_argument("--runs", type=int, default=20, help="power-offs (default 20)")
    ap.add_argument("--quick", action="store_true", help="smoke run for the test suite (2 runs)")
    ap.add_argument("--paths", default=",".join(TYPES), help="path types to configure (default all four)")
    ap.add_argument("--interval-ms", type=int, default=100)
    ap.add_argument("--timeout-ms", type=int, default=1000)
    ap.add_argument("--json", action="store_true", help="print the figures (and every run) as JSON")
    args = ap.parse_args()
    args.build = str(Path(args.build).resolve())  # the servers start programs from their own root
    args.paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    unknown = set(args.paths) - set(TYPES)
    if unknown or not args.paths:
        ap.error(f"--paths: choose among {', '.join(TYPES)}")
    if args.quick:
        args.runs = 2
    if os.geteuid() != 0:
        raise SystemExit("heartbeat_paths_bench needs root (network namespaces, loop devices)")
    signal.signal(signal.SIGTERM, _terminate)
    if not args.json:
        print(f"# Heartbeat detection per path type ({'quick' if args.quick else 'full'}), "
              f"build {args.build}", flush=True)
    r = bench(args)
    if args.json:
        print(json.dumps(r, indent=1))
    else:
        report(r)


if __name__ == "__main__":
    main()
