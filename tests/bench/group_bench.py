#!/usr/bin/env python3
"""Failover-group benchmarks (issue 4). Prints figures; asserts nothing about time.

  sudo /usr/bin/python3 tests/bench/group_bench.py [--build DIR] [--runs N] [--quick]

Group failover1 = fip + disk (ext4 on the shared loop disk) + exec (a no-op start.sh) on two
servers. A prober in the client namespace sends an ICMP echo to the fip every 5 ms and records
the replies (CLOCK_MONOTONIC, the same clock in every namespace).

1. Planned switchover (`clpgrp -m`, alternating): how long the command takes, and the longest
   gap between replies the client sees.
2. Failover after power-off of the owner, at interval 100 ms / timeout 1 s and at the defaults
   (1 s / 5 s): from the power-off to the first reply from the new owner, split into
   detection (power-off -> "server is down" on the survivor), resolution (-> partition
   verdict plus the wait for the loser's NP action, alert 307) and takeover (-> the fip
   answers: placement, fip + disk + exec activation, gratuitous ARP).

--quick is the smoke run of the test suite (2 runs, fast settings only). Use a build without
sanitizers (installer/setup.sh builds one in build/) for real figures."""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scenario"))

from lifeline_harness import Cluster, wait_until  # noqa: E402
from lifeline_harness.lifeline import (Lifeline, cluster_xml, disk_xml, exec_xml,  # noqa: E402
                                       fip_xml, group_xml)

# Runs in the client namespace: echo every 5 ms, one line "<monotonic s>" per reply.
PROBER = r"""
import os, socket, struct, sys, time, select
dst = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
seq = 0
next_send = time.monotonic()
while True:
    now = time.monotonic()
    if now >= next_send:
        seq = (seq + 1) & 0xffff
        next_send = now + 0.005
        try:
            s.sendto(struct.pack("!BBHHH", 8, 0, 0, 0, seq) + b"lifeline", (dst, 0))
        except OSError:
            pass  # no neighbour while the address moves: keep probing
    r, _, _ = select.select([s], [], [], max(0.0, next_send - time.monotonic()))
    if r:
        try:
            data = s.recv(2048)
        except OSError:
            continue  # an ICMP error (host unreachable) queued on the socket
        if data and data[0] == 0:
            sys.stdout.write(f"{time.monotonic():.6f}\n")
            sys.stdout.flush()
"""


class Prober:
    def __init__(self, c, fip):
        self.proc = subprocess.Popen(["ip", "netns", "exec", c.client_ns, "/usr/bin/python3", "-c",
                                      PROBER, fip], stdout=subprocess.PIPE)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.replies = []
        self.partial = b""

    def read(self):
        """Every reply so far (whole lines only: a read may end inside one)."""
        while True:
            try:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
            except BlockingIOError:
                chunk = b""
            if not chunk:
                return self.replies
            lines = (self.partial + chunk).split(b"\n")
            self.partial = lines.pop()
            self.replies.extend(float(x) for x in lines if x)

    def first_after(self, t):
        return next((r for r in self.read() if r > t), None)

    def back_after_outage(self, t, gap=0.05):
        """The first reply after the first silence longer than `gap` that ends after t (the
        replies still on their way while a server powers off do not count)."""
        rs = self.read()
        later = [r for r in rs if r > t]
        before = [r for r in rs if r <= t][-1:]
        seq = before + later
        return next((b for a, b in zip(seq, seq[1:]) if b - a > gap), None)

    def longest_gap(self, start, end):
        rs = [r for r in self.read() if start <= r <= end]
        return max((b - a for a, b in zip(rs, rs[1:])), default=None)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def alert_time(line):
    stamp = line.split()[0]
    return time.mktime(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) + int(stamp[20:23]) / 1000


def setup(c, build, interval_ms, timeout_ms):
    fip = c.fip(1)
    mp = str(c.state_dir / "mnt" / "failover1")
    Path(mp).mkdir(parents=True, exist_ok=True)
    c.make_ext4()
    xml = cluster_xml(c, interval_ms=interval_ms, timeout_ms=timeout_ms, syncwait_s=30,
                      groups_xml=group_xml("failover1", ["fip@fip1", "disk@disk1", "exec@exec1"]),
                      resources_xml=fip_xml("fip1", fip) +
                      disk_xml("disk1", str(c.disks[0].server_path), mp) + exec_xml("exec1"))
    scripts = {"failover1/exec1/start.sh": "#!/bin/sh\nexit 0\n",
               "failover1/exec1/stop.sh": "#!/bin/sh\nexit 0\n"}
    l = Lifeline(c, build).deploy(xml, scripts)
    l.start_all()
    l.wait_all_online(timeout=60)
    l.wait_group(1, "failover1", "Online", timeout=60)
    return l, fip


def switchover(build, runs):
    command, gaps = [], []
    with Cluster(2) as c:
        l, fip = setup(c, build, 100, 1000)
        p = Prober(c, fip)
        try:
            now = time.monotonic()
            wait_until(lambda: p.first_after(now), 10, interval=0.005, message="the prober hears the fip")
            for i in range(runs):
                to = "server2" if i % 2 == 0 else "server1"
                t0 = time.monotonic()
                r = l.clpgrp(1, "-m", "failover1", "-h", to)
                t1 = time.monotonic()
                assert r.returncode == 0, r.stdout + r.stderr
                command.append((t1 - t0) * 1000)
                back = wait_until(lambda: p.first_after(t1), 10, interval=0.005,
                                  message="the fip answers after the move")
                gaps.append(p.longest_gap(t0 - 0.05, back) * 1000)
        finally:
            p.stop()
    return command, gaps


def failover(build, interval_ms, timeout_ms, runs):
    total, detection, resolution, takeover = [], [], [], []
    with Cluster(2) as c:
        l, fip = setup(c, build, interval_ms, timeout_ms)
        p = Prober(c, fip)
        try:
            for i in range(runs):
                def agreed_owner():  # both servers see the group online on the same one
                    views = [l.group(n, "failover1") for n in (1, 2)]
                    ok = all(v and v["state"] == "Online" for v in views)
                    return ok and views[0]["current"] == views[1]["current"] and views[0]["current"]
                owner = wait_until(agreed_owner, 30, interval=0.02, message="the group's owner")
                other = "server2" if owner == "server1" else "server1"
                now = time.monotonic()  # the prober hears the owner before the power-off
                wait_until(lambda: p.first_after(now), 10, interval=0.005, message="the prober hears the fip")

                def latest(fragment, skip):
                    return ([a for a in l.alerts(other) if fragment in a][skip:] or [None])[0]
                seen_down = len([a for a in l.alerts(other) if f"Server {owner} is down" in a])
                seen_free = len([a for a in l.alerts(other) if "its groups may be taken over" in a])
                t_wall, t_mono = time.time(), time.monotonic()
                c.power_off(owner)
                try:
                    back = wait_until(lambda: p.back_after_outage(t_mono), timeout_ms / 1000 * 3 + 20,
                                      interval=0.005, message="the fip answers from the other server")
                except AssertionError:
                    print(f"run {i}: {owner} powered off; {other} says {l.group(other, 'failover1')}")
                    print("\n".join(l.alerts(other)[-15:]))
                    raise
                down = wait_until(lambda: latest(f"Server {owner} is down", seen_down), 10,
                                  interval=0.01, message="down alert")
                free = wait_until(lambda: latest("its groups may be taken over", seen_free), 10,
                                  interval=0.01, message="takeover alert")
                t_back = back - t_mono  # seconds after the power-off, as the alerts below
                total.append(t_back * 1000)
                detection.append((alert_time(down) - t_wall) * 1000)
                resolution.append((alert_time(free) - alert_time(down)) * 1000)
                takeover.append((t_back - (alert_time(free) - t_wall)) * 1000)
                c.power_on(owner)
                l.start(owner)
                l.wait_all_online(timeout=60)
        finally:
            p.stop()
    return total, detection, resolution, takeover


def fmt(values):
    return (f"median {statistics.median(values):7.1f} ms   max {max(values):7.1f} ms   "
            f"(n={len(values)})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("LIFELINE_BUILD_DIR", str(HERE.parents[1] / "build")))
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--quick", action="store_true", help="smoke run for the test suite")
    args = ap.parse_args()
    args.build = str(Path(args.build).resolve())
    runs = 2 if args.quick else args.runs
    print(f"build {args.build}; group failover1 = fip + disk(ext4) + exec(no-op); {runs} runs each")
    command, gaps = switchover(args.build, runs)
    print(f"switchover clpgrp -m, command:        {fmt(command)}")
    print(f"switchover clpgrp -m, client outage:  {fmt(gaps)}")
    settings = [(100, 1000)] if args.quick else [(100, 1000), (1000, 5000)]
    for interval, timeout in settings:
        total, detection, resolution, takeover = failover(args.build, interval, timeout, runs)
        label = f"failover {interval} ms / {timeout} ms,"
        print(f"{label} power-off -> fip answers: {fmt(total)}")
        print(f"{label}   detection:              {fmt(detection)}")
        print(f"{label}   resolution and wait:    {fmt(resolution)}")
        print(f"{label}   takeover:               {fmt(takeover)}")


if __name__ == "__main__":
    main()
