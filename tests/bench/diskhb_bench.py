#!/usr/bin/env python3
"""Disk heartbeat cost (issue 6). Prints figures; asserts nothing about time.

  sudo /usr/bin/python3 tests/bench/diskhb_bench.py [--build DIR] [--quick] [--seconds N]

A 2-server cluster (lanhb on both LANs + diskhb on the harness's second shared disk) at
interval 100 ms / timeout 1 s, measured for 60 s (--quick: 5 s, the suite's smoke run):

* I/O per server, from its own loop device's /sys/block/<dev>/stat: reads and writes per second,
  bytes per second, flushes per second (O_SYNC writes are followed by a cache flush);
* CPU of the diskhb I/O thread (named after the path, "diskhb1") and of the whole lifelined,
  and, for comparison, of lifelined in the same cluster without diskhb.

Use a build without sanitizers for CPU figures (installer/setup.sh builds one in build/); the I/O
figures do not depend on the build."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scenario"))

from lifeline_harness import Cluster, wait_until  # noqa: E402
from lifeline_harness.lifeline import Lifeline, cluster_xml  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
INTERVAL_MS = 100
TIMEOUT_MS = 1000
DISK_DEVICE = 300
DISKHB = ('<types name="diskhb"/><diskhb name="diskhb1"><priority>2</priority>'
          f'<device>{DISK_DEVICE}</device></diskhb>')


def ticks(stat_path):
    fields = Path(stat_path).read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def thread_ticks(pid, name):
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if (task / "comm").read_text().strip() == name:
                total += ticks(task / "stat")
        except OSError:
            pass
    return total


def block_stat(device):
    # Documentation/block/stat.rst: reads, merged, sectors, ticks, writes, merged, sectors,
    # ticks, in flight, io ticks, queue ticks, discards x4, flushes, flush ticks.
    f = [int(x) for x in Path(f"/sys/block/{os.path.basename(device)}/stat").read_text().split()]
    return {"reads": f[0], "read_bytes": f[2] * 512, "writes": f[4], "write_bytes": f[6] * 512,
            "flushes": f[15] if len(f) > 15 else 0}


def measure(build, seconds, with_disk):
    with Cluster(2, shared_disks=2) as c:
        hb_disk = c.disks[1]
        devices = (lambda n: f'<device id="{DISK_DEVICE}"><type>disk</type>'
                             f'<info>{hb_disk.server_path}</info></device>') if with_disk else None
        l = Lifeline(c, build).deploy(cluster_xml(
            c, interval_ms=INTERVAL_MS, timeout_ms=TIMEOUT_MS, syncwait_s=30,
            server_devices=devices, heartbeats_xml=DISKHB if with_disk else ""))
        l.start_all()
        l.wait_all_online(timeout=60)
        if with_disk:
            for node, peer in ((1, "server2"), (2, "server1")):
                wait_until(lambda: l.heartbeat_states(node).get((peer, "diskhb1")) == "Normal", 10,
                           message=f"diskhb1 Normal on server{node}")
        pids = {name: p.pid for name, p in l.procs.items()}
        devs = hb_disk.server_devices if with_disk else {}
        before = {n: (ticks(f"/proc/{p}/stat"), thread_ticks(p, "diskhb1")) for n, p in pids.items()}
        io_before = {n: block_stat(d) for n, d in devs.items()}
        t0 = time.monotonic()
        time.sleep(seconds)  # the measurement window, not a synchronisation
        elapsed = time.monotonic() - t0
        rows = {}
        for n, p in pids.items():
            proc = (ticks(f"/proc/{p}/stat") - before[n][0]) / CLK_TCK / elapsed * 100
            thread = (thread_ticks(p, "diskhb1") - before[n][1]) / CLK_TCK / elapsed * 100
            row = {"cpu": proc, "thread_cpu": thread}
            if n in devs:
                after = block_stat(devs[n])
                for k, v in after.items():
                    row[k] = (v - io_before[n][k]) / elapsed
            rows[n] = row
        return rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("LIFELINE_BUILD_DIR", str(HERE.parents[1] / "build")))
    ap.add_argument("--quick", action="store_true", help="smoke run for the test suite (5 s)")
    ap.add_argument("--seconds", type=float, default=None)
    args = ap.parse_args()
    seconds = args.seconds or (5 if args.quick else 60)
    args.build = str(Path(args.build).resolve())  # the servers start programs from their own root

    print(f"# diskhb cost at interval {INTERVAL_MS} ms, {seconds:.0f} s per run, build {args.build}")
    with_disk = measure(args.build, seconds, True)
    without = measure(args.build, seconds, False)
    print("server   reads/s  writes/s  flushes/s  read KiB/s  written KiB/s  "
          "diskhb1 thread cpu%  lifelined cpu%  (without diskhb)")
    for n in sorted(with_disk):
        r = with_disk[n]
        print(f"{n:8s} {r['reads']:7.1f}  {r['writes']:8.1f}  {r['flushes']:9.1f}  "
              f"{r['read_bytes'] / 1024:10.1f}  {r['write_bytes'] / 1024:13.1f}  "
              f"{r['thread_cpu']:19.2f}  {r['cpu']:14.2f}  {without[n]['cpu']:16.2f}")
    cpu_delta = statistics.mean(with_disk[n]["cpu"] - without[n]["cpu"] for n in with_disk)
    print(f"mean extra lifelined cpu% with diskhb: {cpu_delta:.2f} "
          f"(expected I/O: {1000 / INTERVAL_MS:.0f} writes/s of 4 KiB, "
          f"{4000 / INTERVAL_MS:.0f} reads/s of 8 KiB)")
