#!/usr/bin/env python3
"""Side-by-side failover benchmark (issue 11): Lifeline, keepalived 2.2 (VRRPv3) and Pacemaker
2.1 + Corosync 3 on the same namespace topology. Prints figures; asserts nothing about time.

  sudo /usr/bin/python3 tests/bench/sidebyside_bench.py [--build DIR] [--runs 20] [--quick]
       [--partitions 10] [--only lifeline,keepalived,pacemaker] [--json]

Every product runs on a fresh 2-server lifeline_harness cluster (one network + mount + UTS
namespace per server, public LAN and interconnect bridged in a switch namespace, a client).
The measure is the one of group_bench.py: a prober in the client namespace sends an ICMP echo to
the floating IP every 5 ms; the outage is the longest gap between replies around a power loss of
the owner (Cluster.power_off: links down first, then every process of the server SIGKILLed).
After each run the server is powered on, its product restarted, and the next run waits until
both servers are members again and the address has exactly one owner.

1. fip alone: Lifeline at interval 100 ms / timeout 1 s (pingnp, as group_bench.py; and with
   the disknp tie-breaker the architecture asks of two servers), at 100 ms / 300 ms without
   partition resolution (keepalived's terms: three intervals, nothing waited for) and at its
   defaults (1 s / 5 s);
   keepalived VRRPv3 advert 0.1 s and 1 s; Pacemaker + Corosync (knet) token 300 ms and 3 s
   (Corosync's default) with ocf:heartbeat:IPaddr2.
2. fip + disk (ext4 on the shared loop disk) + exec against Pacemaker IPaddr2 + Filesystem +
   ocf:pacemaker:Dummy, in that order in both.
3. Double owners: randomized partitions of the two servers (length 0.5-5 s, the ping target on
   either side or on both) at the fast settings; OwnershipChecker samples both servers every
   50 ms and counts the samples in which the address is configured on both. A round whose two
   owners are still there 30 s after the heal counts as unresolved and ends as an operator
   would end it: server2 is powered off and restarted.

Pacemaker runs two nodes on one machine because each node has its own network and mount
namespace with private tmpfs on /dev/shm (libqb IPC ring buffers), /run, /var/lib/pacemaker,
/var/lib/corosync, /etc/corosync and /var/log/pacemaker (hacluster:haclient where Pacemaker
writes); libqb's abstract Unix sockets are per network namespace. knet transport, two_node: 1,
stonith-enabled=false, PCMK_node_name per node, resource-stickiness 100 (no failback).
keepalived: both BACKUP with nopreempt (no failback either), priority 150/100, private /run.

The peers are installed from Debian when missing (apt-get, with a policy-rc.d that forbids
starting their services for the time of the install when the machine has none). --quick is
the suite's smoke run: one run of each fast setting, one partition per product."""

import argparse
import grp
import json
import os
import pwd
import random
import re
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scenario"))

from group_bench import Prober  # noqa: E402
from lifeline_harness import Cluster, wait_until  # noqa: E402
from lifeline_harness.lifeline import (Lifeline, cluster_xml, disk_xml, exec_xml,  # noqa: E402
                                       fip_xml, group_xml)
from lifeline_harness.ownership import OwnershipChecker  # noqa: E402

# Debian package -> a file it installs.
PEERS = {"keepalived": "/usr/sbin/keepalived", "corosync": "/usr/sbin/corosync",
         "pacemaker": "/usr/sbin/pacemakerd", "pacemaker-cli-utils": "/usr/sbin/cibadmin",
         "resource-agents": "/usr/lib/ocf/resource.d/heartbeat/IPaddr2",
         "kmod": "/usr/sbin/modprobe"}  # Filesystem refuses to run without modprobe
POLICY_RC = Path("/usr/sbin/policy-rc.d")


def ensure_peers():
    missing = [pkg for pkg, path in PEERS.items() if not os.path.exists(path)]
    if not missing:
        return
    print(f"installing from Debian: {' '.join(missing)}", flush=True)
    made = not POLICY_RC.exists()
    if made:  # their postinst would start corosync/pacemaker/keepalived on the host otherwise
        POLICY_RC.write_text("#!/bin/sh\nexit 101\n")
        POLICY_RC.chmod(0o755)
    try:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],
                       check=True, env=env, timeout=1800)
    finally:
        if made:
            POLICY_RC.unlink()


def version(argv, pattern):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    m = re.search(pattern, r.stdout + r.stderr)
    return m.group(1) if m else "?"


def host_daemons():
    """Peer daemons running in the host's network namespace (a package's postinst may start
    them where nothing forbids it). They cannot reach ours: other namespaces, other /dev/shm."""
    own = os.readlink("/proc/self/ns/net")
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
            if comm in ("corosync", "pacemakerd", "keepalived") and \
                    os.readlink(f"/proc/{pid}/ns/net") == own:
                out.append(f"{comm}[{pid}]")
        except OSError:
            continue
    return out


def private_dirs(c, n, dirs):
    """Private tmpfs mounts in the server's mount namespace: [(path, owner, mode)]."""
    script = "".join(f"mkdir -p {p}\nmount -t tmpfs -o mode={mode} tmpfs {p}\nchown {owner} {p}\n"
                     for p, owner, mode in dirs)
    c.run(n, ["/bin/sh", "-ec", script])


def write_in(c, n, path, text):
    c.run(n, ["/bin/sh", "-ec", f"cat > {path}"], input=text)


class LifelineRig:
    """Lifeline through the harness: fip1 (or fip1 + disk1 + exec1) in group failover1."""

    def __init__(self, c, build, interval_ms, timeout_ms, lock, group, ping=True):
        self.c, self.interval_ms, self.timeout_ms = c, interval_ms, timeout_ms
        fip = c.fip(0)
        resources, refs = fip_xml("fip1", fip), ["fip@fip1"]
        scripts = {}
        if group:
            mp = c.state_dir / "mnt" / "failover1"
            mp.mkdir(parents=True, exist_ok=True)
            c.make_ext4()
            resources += disk_xml("disk1", str(c.disks[0].server_path), str(mp)) + exec_xml("exec1")
            refs += ["disk@disk1", "exec@exec1"]
            scripts = {"failover1/exec1/start.sh": "#!/bin/sh\nexit 0\n",
                       "failover1/exec1/stop.sh": "#!/bin/sh\nexit 0\n"}
        # lock: the two-server setup the architecture asks for, ping plus a tie-breaker only
        # one side can win (disknp, the disk lock on the second shared disk); else ping alone.
        np = ('<types name="disknp"/><disknp name="disknp1"><priority>1</priority><device>300'
              '</device><interval>0.2</interval><timeout>0.2</timeout></disknp>') if lock else ""
        xml = cluster_xml(c, interval_ms=interval_ms, timeout_ms=timeout_ms, syncwait_s=30, ping=ping,
                          groups_xml=group_xml("failover1", refs), resources_xml=resources,
                          np_xml=np, server_devices=(lambda n: (
                              f'<device id="300"><type>disk</type>'
                              f'<info>{c.disks[1].server_path}</info></device>')) if lock else None)
        self.l = Lifeline(c, build).deploy(xml, scripts)

    def start(self):
        self.l.start_all()
        self.l.wait_all_online(timeout=60)

    def start_node(self, n):
        self.l.start(n)

    def alive(self, n):
        p = self.l.procs.get(self.c[n].name)
        return p is not None and p.alive

    def ready(self):
        views = [self.l.status(n) for n in self.c.nodes]
        if not all(views):
            return False
        names = {n.name for n in self.c.nodes}
        return all({s["name"] for s in v["servers"] if s["state"] == "Online"} >= names for v in views) \
            and all(self.l.group(n, "failover1").get("state") == "Online" for n in self.c.nodes)

    def breakdown(self, lost):
        """How the survivor measured its last takeover of `lost`'s group: detection (last
        heartbeat heard -> declared down) and takeover (declared down -> Online here)."""
        survivor = next(n for n in self.c.nodes if n.name != self.c[lost].name)
        st = self.l.status(survivor) or {}
        recent = [r for r in st.get("failovers", {}).get("recent", [])
                  if r.get("cause") == "server" and r.get("source") == self.c[lost].name]
        if not recent or "detectionSeconds" not in recent[-1]:
            return ""
        r = recent[-1]
        return f"; detection {r['detectionSeconds'] * 1000:.0f} ms, takeover {r['takeoverSeconds'] * 1000:.0f} ms"


class KeepalivedRig:
    """keepalived -P (VRRP only) per server; its notify script records the VRRP state."""

    def __init__(self, c, advert_s):
        self.c, self.advert_s, self.procs = c, advert_s, {}

    def state_file(self, n):
        return self.c[n].root / "vrrp.state"

    def start(self):
        for n in self.c.nodes:
            self.start_node(n)

    def start_node(self, n):
        n = self.c[n]
        private_dirs(self.c, n, [("/run", "root:root", "755")])
        notify = n.root / "vrrp-notify.sh"
        notify.write_text(f'#!/bin/sh\necho "$3" > {self.state_file(n)}\n')
        notify.chmod(0o755)
        self.state_file(n).unlink(missing_ok=True)
        conf = n.root / "keepalived.conf"
        conf.write_text(f"""global_defs {{
  router_id {n.name}
  vrrp_version 3
  script_user root
}}
vrrp_instance bench {{
  state BACKUP
  nopreempt
  interface pub0
  virtual_router_id 51
  priority {150 if n.index == 1 else 100}
  advert_int {self.advert_s:g}
  virtual_ipaddress {{
    {self.c.fip(0)}/24 dev pub0
  }}
  notify {notify}
}}
""")
        self.procs[n.name] = self.c.start_process(
            n, ["/usr/sbin/keepalived", "-n", "-l", "-D", "-P", "-f", str(conf)])

    def alive(self, n):
        p = self.procs.get(self.c[n].name)
        return p is not None and p.alive

    def ready(self):
        states = []
        for n in self.c.nodes:
            try:
                states.append(self.state_file(n).read_text().strip())
            except OSError:
                return False
        return sorted(states) == ["BACKUP", "MASTER"] and all(self.alive(n) for n in self.c.nodes)


class PacemakerRig:
    """corosync -f and pacemakerd per server, configured with cibadmin/crm_attribute."""

    DIRS = [("/dev/shm", "root:root", "1777"), ("/run", "root:root", "755"),
            ("/var/lib/pacemaker", "hacluster:haclient", "755"),
            ("/var/lib/corosync", "root:root", "755"), ("/etc/corosync", "root:root", "755"),
            ("/var/log/pacemaker", "hacluster:haclient", "770")]

    def __init__(self, c, token_ms, group):
        self.c, self.token_ms, self.group, self.procs = c, token_ms, group, {}
        if group:
            self.mp = c.state_dir / "mnt" / "failover1"
            self.mp.mkdir(parents=True, exist_ok=True)
            c.make_ext4()

    def corosync_conf(self):
        nodes = "".join(f"  node {{\n    nodeid: {n.index}\n    name: {n.name}\n"
                        f"    ring0_addr: {n.interconnect_ip}\n    ring1_addr: {n.public_ip}\n  }}\n"
                        for n in self.c.nodes)
        return f"""totem {{
  version: 2
  cluster_name: bench
  transport: knet
  token: {self.token_ms}
  crypto_cipher: none
  crypto_hash: none
}}
nodelist {{
{nodes}}}
quorum {{
  provider: corosync_votequorum
  two_node: 1
}}
logging {{
  to_stderr: yes
  to_syslog: no
  to_logfile: no
  timestamp: on
}}
"""

    def start(self):
        for n in self.c.nodes:
            self.start_node(n)

    def cib_xml(self):
        """The whole configuration, written before pacemakerd starts (a CIB without a .sig is
        taken as it is); dc-deadtime 2 s instead of 20 s only shortens the first start."""
        props = "".join(f'<nvpair id="opt-{k}" name="{k}" value="{v}"/>' for k, v in
                        (("stonith-enabled", "false"), ("no-quorum-policy", "ignore"),
                         ("dc-deadtime", "2s")))
        return (f'<cib validate-with="pacemaker-3.0" epoch="1" num_updates="0" admin_epoch="0">'
                f'<configuration><crm_config><cluster_property_set id="cib-bootstrap-options">{props}'
                f'</cluster_property_set></crm_config><nodes/><resources>{self.resources_xml()}'
                f'</resources><constraints/><rsc_defaults><meta_attributes id="rsc-options">'
                f'<nvpair id="rsc-stickiness" name="resource-stickiness" value="100"/>'
                f'</meta_attributes></rsc_defaults></configuration><status/></cib>\n')

    def resources_xml(self):
        def primitive(rid, provider, type_, params):
            nv = "".join(f'<nvpair id="{rid}-{k}" name="{k}" value="{v}"/>' for k, v in params.items())
            return (f'<primitive id="{rid}" class="ocf" provider="{provider}" type="{type_}">'
                    f'<instance_attributes id="{rid}-ia">{nv}</instance_attributes></primitive>')
        parts = [primitive("fip1", "heartbeat", "IPaddr2",
                           {"ip": self.c.fip(0), "cidr_netmask": 24, "nic": "pub0"})]
        if self.group:
            parts += [primitive("disk1", "heartbeat", "Filesystem",
                                {"device": self.c.shared_disk, "directory": self.mp,
                                 "fstype": "ext4"}),
                      primitive("exec1", "pacemaker", "Dummy", {})]
        return f'<group id="failover1">{"".join(parts)}</group>'

    def start_node(self, n):
        n = self.c[n]
        c = self.c
        private_dirs(c, n, self.DIRS)
        c.run(n, ["/bin/sh", "-ec", "cd /var/lib/pacemaker && mkdir -p cib pengine blackbox cores && "
                  "chown hacluster:haclient cib pengine blackbox cores && chmod 750 cib pengine blackbox cores"
                  " && mkdir -p /run/resource-agents"])
        write_in(c, n, "/etc/corosync/corosync.conf", self.corosync_conf())
        write_in(c, n, "/var/lib/pacemaker/cib/cib.xml", self.cib_xml())
        c.run(n, ["/bin/sh", "-ec", "chown hacluster:haclient /var/lib/pacemaker/cib/cib.xml && "
                  "chmod 600 /var/lib/pacemaker/cib/cib.xml"])
        log = n.root / "pacemaker.log"
        log.touch()
        os.chown(log, *self.hacluster())
        self.procs[n.name] = [c.start_process(n, ["/usr/sbin/corosync", "-f"])]
        wait_until(lambda: c.run(n, ["corosync-cfgtool", "-s"], check=False).returncode == 0, 20,
                   interval=0.05, message=f"corosync answering on {n.name}")
        self.procs[n.name].append(c.start_process(
            n, ["/usr/sbin/pacemakerd"], env={"PCMK_node_name": n.name, "PCMK_logfile": str(log),
                                               "PCMK_debug": "no", "HA_LOGFACILITY": "none"}))

    @staticmethod
    def hacluster():
        return pwd.getpwnam("hacluster").pw_uid, grp.getgrnam("haclient").gr_gid

    def alive(self, n):
        procs = self.procs.get(self.c[n].name)
        return bool(procs) and all(p.alive for p in procs)

    def mon(self, n):
        r = self.c.run(n, ["crm_mon", "-1", "--output-as=xml"], check=False, timeout=20)
        return ET.fromstring(r.stdout) if r.returncode == 0 and r.stdout.strip() else None

    def members(self, n=None):
        m = self.mon(n or self.c.nodes[0])
        if m is None:
            return set()
        return {x.get("name") for x in m.iter("node")
                if x.get("online") == "true" and x.get("pending") == "false"}

    def dc_idle(self, n=None):
        n = n or self.c.nodes[0]
        r = self.c.run(n, ["crmadmin", "-D", "-q", "-t", "2000"], check=False, timeout=20)
        dc = (r.stdout + r.stderr).strip().split()[-1:] if r.returncode == 0 else []
        if not dc:
            return False
        s = self.c.run(n, ["crmadmin", "-S", dc[0], "-q", "-t", "2000"], check=False, timeout=20)
        return "S_IDLE" in s.stdout + s.stderr

    def ready(self):
        names = {n.name for n in self.c.nodes}
        if not all(self.alive(n) for n in self.c.nodes):
            return False
        if any(self.members(n) != names for n in self.c.nodes) or not self.dc_idle():
            return False
        m = self.mon(self.c.nodes[0])
        res = [r for r in m.iter("resource")] if m is not None else []
        return bool(res) and all(r.get("role") == "Started" and r.get("nodes_running_on") == "1"
                                 for r in res)


def owners(c, fip):
    return OwnershipChecker(c, fips=[fip], disks=()).owners()[f"fip {fip}"]


def recover(c, rig):
    """Every server powered on and running its product (after a power-off or an NP action)."""
    for n in c.nodes:
        if c.is_powered_off(n):
            c.power_on(n)
            rig.start_node(n)
        elif not rig.alive(n):
            for p in c.node_processes(n):
                c.stop_process(p)
            rig.start_node(n)


def heal_once(c):
    """One heal; False when a server powered itself off while it was being made."""
    try:
        c.heal()
        return True
    except AssertionError:
        return False


def settle(c, rig, prober, timeout):
    """Both servers members, one owner of the address, and the client hears it. A server that
    an NP action stopped is powered on and restarted once the survivor owns the address (or
    after 15 s), so that each partition round measures the takeover itself, not the
    failover of a group whose owner came back within the survivor's wait."""
    fip = c.fip(0)
    t0 = time.monotonic()

    def settled():
        if any(c.is_powered_off(n) or not rig.alive(n) for n in c.nodes) and (
                len(owners(c, fip)) == 1 or time.monotonic() - t0 > 15):
            recover(c, rig)
        o = owners(c, fip) if rig.ready() else []
        if len(o) != 1:
            return None
        t = time.monotonic()
        while time.monotonic() - t < 1.0:  # a group may still be on its way (or back down)
            if prober.first_after(t):
                return o[0]
            time.sleep(0.01)
        return None
    return wait_until(settled, timeout, interval=0.1,
                      message=f"{type(rig).__name__} ready with one owner of {fip} that answers")


def failovers(c, rig, prober, runs, bound_s, then_recover):
    gaps = []
    for i in range(runs):
        t_settle = time.monotonic()
        owner = settle(c, rig, prober, 120)
        settled_s = time.monotonic() - t_settle
        t = time.monotonic()
        c.power_off(owner)  # returns once its links are down and its processes dead
        dead = time.monotonic()  # so any later reply comes from the other server
        back = wait_until(lambda: prober.first_after(dead), bound_s, interval=0.005,
                          message=f"run {i}: {c.fip(0)} answers again after {owner} lost power")
        gaps.append(prober.longest_gap(t - 0.1, back) * 1000)
        parts = getattr(rig, "breakdown", lambda _: "")(owner)
        print(f"  run {i + 1}: {owner} off, outage {gaps[-1]:.0f} ms{parts} (settled in {settled_s:.1f} s)",
              flush=True)
        if i < runs - 1 or then_recover:
            recover(c, rig)
    return gaps


def partitions(c, rig, prober, rounds, rng):
    """Randomized partitions with OwnershipChecker sampling; returns (samples, samples with two
    owners, rounds with two owners, time with two owners in ms, rounds still with two owners
    30 s after the heal)."""
    fip = c.fip(0)
    samples = double = bad_rounds = unresolved = 0
    double_ms = 0.0
    first = rng.randrange(3)
    for i in range(rounds):
        settle(c, rig, prober, 120)
        length = rng.uniform(0.5, 5.0)
        pt = ("all", 0, 1)[(first + i) % 3]  # every placement of the ping target in turn
        with OwnershipChecker(c, fips=[fip], disks=()) as checker:
            c.partition([{1}, {2}], ping_target=pt)
            end = time.monotonic() + length
            while time.monotonic() < end:
                time.sleep(0.05)
            # the loser may power itself off while the switch is being rebuilt (Lifeline's
            # cut-off side acts before the heartbeat timeout): then the ports it had are
            # no longer expected to forward, and the heal is simply made again
            wait_until(lambda: heal_once(c), 20, interval=0.1, message="the heal")
            # after the heal, until the products have sorted themselves out (bounded)
            try:
                wait_until(lambda: len(owners(c, fip)) <= 1, 30, interval=0.05,
                           message="one owner after the heal")
                stuck = False
            except AssertionError:
                stuck = True
            checker._stop.set()
            checker._thread.join(timeout=5)
            checker.violations, found = [], list(checker.violations)
        samples += checker.samples
        double += len(found)
        bad_rounds += bool(found)
        double_ms += len(found) * checker.period * 1000
        print(f"  partition {i + 1}: {length:.1f} s, ping target {pt}: {len(found)} of "
              f"{checker.samples} samples with two owners"
              f"{'; still two owners 30 s after the heal' if stuck else ''}", flush=True)
        if stuck:  # what an operator would do: power one of them off
            unresolved += 1
            c.power_off(2)
            recover(c, rig)
        # (the next settle() restarts what an NP action stopped, once the survivor took over)
    return samples, double, bad_rounds, double_ms, unresolved


def console_tail(n, lines=25):
    """The end of a server's console log, or a sanitizer's report from its start."""
    if not n.console_log.exists():
        return ""
    text = n.console_log.read_text(errors="replace").splitlines()
    start = next((i for i, l in enumerate(text) if "ERROR: AddressSanitizer" in l or
                  "runtime error:" in l), max(0, len(text) - lines))
    return "\n".join(text[start:start + max(lines, 40)])


def run_product(build, product, setting, group, runs, rounds, rng):
    """One cluster: `runs` failovers, then `rounds` partitions. Returns (gaps, partition figures)."""
    with Cluster(2, shared_disks=2) as c:
        if product == "lifeline":
            rig = LifelineRig(c, build, *setting[:3], group, *setting[3:])
        elif product == "keepalived":
            rig = KeepalivedRig(c, setting)
        else:
            rig = PacemakerRig(c, setting, group)
        rig.start()
        prober = Prober(c, c.fip(0))
        try:
            gaps = failovers(c, rig, prober, runs, 90, then_recover=bool(rounds))
            part = partitions(c, rig, prober, rounds, rng) if rounds else None
        except BaseException:
            for n in c.nodes:
                print(f"--- {n.name} console.log\n{console_tail(n)}")
            raise
        finally:
            prober.stop()
    return gaps, part


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("LIFELINE_BUILD_DIR", str(HERE.parents[1] / "build")))
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--partitions", type=int, default=10, help="randomized partitions per product")
    ap.add_argument("--only", default="lifeline,keepalived,pacemaker")
    ap.add_argument("--kinds", default="fip,group", help="fip (with the partitions), group")
    ap.add_argument("--match", default="", help="only the settings whose label contains this")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    ap.add_argument("--quick", action="store_true", help="smoke run for the test suite")
    ap.add_argument("--tables", nargs="+", metavar="OUTPUT",
                    help="print the tables of earlier runs' --json outputs (merged) and exit")
    args = ap.parse_args()
    if args.tables:
        merged = {"fip": {}, "group": {}, "partitions": {}}
        for path in args.tables:
            for kind, rows in parse_output(Path(path).read_text()).items():
                merged[kind].update(rows)
        print_tables(merged, max((len(r["gaps_ms"]) for k in ("fip", "group")
                                  for r in merged[k].values()), default=0))
        return
    args.build = str(Path(args.build).resolve())
    only = set(args.only.split(","))
    runs, rounds = (1, 1) if args.quick else (args.runs, args.partitions)
    rng = random.Random(args.seed)
    if os.geteuid() != 0:
        sys.exit("sidebyside_bench.py: run as root (namespaces, apt-get)")
    if only - {"lifeline"}:
        ensure_peers()
    stray = host_daemons()
    if stray:
        print(f"note: peer daemons run in the host namespace ({', '.join(stray)}); they cannot "
              "reach the benchmark's namespaces, /dev/shm or /run", flush=True)
    ka = version(["/usr/sbin/keepalived", "--version"], r"Keepalived v(\S+)") if "keepalived" in only else "?"
    pm = version(["/usr/sbin/pacemakerd", "--version"], r"Pacemaker (\S+)") if "pacemaker" in only else "?"
    cs = version(["/usr/sbin/corosync", "-v"], r"version '([^']+)'") if "pacemaker" in only else "?"

    # (product, label, setting, fast?)
    fip_rows = [("lifeline", "Lifeline, interval 100 ms / timeout 1 s", (100, 1000, False), True),
                ("lifeline", "Lifeline, 100 ms / 1 s, pingnp + disknp", (100, 1000, True), True),
                # keepalived's terms: detection after 3 intervals, no partition resolution
                ("lifeline", "Lifeline, 100 ms / 300 ms, no NP resolution", (100, 300, False, False), True),
                ("lifeline", "Lifeline, defaults 1 s / 5 s", (1000, 5000, False), False),
                ("keepalived", f"keepalived {ka}, VRRPv3 advert 0.1 s", 0.1, True),
                ("keepalived", f"keepalived {ka}, VRRPv3 advert 1 s", 1.0, False),
                ("pacemaker", f"Pacemaker {pm} + Corosync {cs}, token 300 ms", 300, True),
                ("pacemaker", f"Pacemaker {pm} + Corosync {cs}, token 3 s (default)", 3000, False)]
    group_rows = [r for r in fip_rows if r[0] != "keepalived" and "disknp" not in r[1]
                  and "no NP" not in r[1]]
    if args.quick:  # one setting per product: the fast ones, but Pacemaker at its default
        # token, which a loaded CI machine does not split by itself (300 ms does, now and then)
        def pick(r):
            return (r[0] == "pacemaker") != r[3] and "disknp" not in r[1] and "no NP" not in r[1]
        fip_rows = [r for r in fip_rows if pick(r)]
        group_rows = [r for r in group_rows if pick(r)]
    fip_rows = [r for r in fip_rows if r[0] in only and args.match in r[1]]
    group_rows = [r for r in group_rows if r[0] in only and args.match in r[1]]
    print(f"build {args.build}; {runs} runs per setting, {rounds} partitions per product; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs", flush=True)

    results = {"fip": {}, "group": {}, "partitions": {}, "runs": runs}
    for kind, rows, group in (("fip", fip_rows, False), ("group", group_rows, True)):
        if kind not in args.kinds.split(","):
            continue
        for product, label, setting, fast in rows:
            print(f"{kind}: {label} ...", flush=True)
            t0 = time.monotonic()
            gaps, part = run_product(args.build, product, setting, group, runs,
                                     rounds if (fast or args.quick) and kind == "fip" else 0, rng)
            results[kind][label] = {"product": product, "fast": fast, "gaps_ms": gaps}
            if part:
                results["partitions"][label] = dict(zip(("samples", "double", "rounds_with_double",
                                                         "double_ms", "unresolved"), part),
                                                    rounds=rounds)
            print(f"  median {statistics.median(gaps):.0f} ms ({time.monotonic() - t0:.0f} s)", flush=True)
    print_tables(results, runs)
    if args.json:
        print(json.dumps(results))


def parse_output(text):
    """The figures of a run's output, from its progress lines (so that the rows a run finished
    count even when a later row failed)."""
    out = {"fip": {}, "group": {}, "partitions": {}}
    label = kind = None
    for line in text.splitlines():
        m = re.match(r"(fip|group): (.*) \.\.\.$", line)
        if m:
            kind, label = m.groups()
            out[kind][label] = {"product": label.split()[0].split(",")[0].lower(),
                                "fast": not re.search(r"defaults|advert 1 s|token 3 s", label),
                                "gaps_ms": []}
            continue
        m = re.match(r"  run \d+: .* outage (\d+) ms", line)
        if m and label:
            out[kind][label]["gaps_ms"].append(float(m.group(1)))
        m = re.match(r"  partition \d+: .*: (\d+) of (\d+) samples with two owners(.*)", line)
        if m and label:
            p = out["partitions"].setdefault(label, {"rounds": 0, "samples": 0, "double": 0,
                                                     "rounds_with_double": 0, "double_ms": 0.0,
                                                     "unresolved": 0})
            d = int(m.group(1))
            p["rounds"] += 1
            p["samples"] += int(m.group(2))
            p["double"] += d
            p["rounds_with_double"] += d > 0
            p["double_ms"] += d * 50
            p["unresolved"] += "still two owners" in m.group(3)
    for kind in ("fip", "group"):
        out[kind] = {k: v for k, v in out[kind].items() if v["gaps_ms"]}
    return out


def print_tables(results, runs):
    for kind, title in (("fip", "fip group"), ("group", "fip + disk + exec group")):
        rows = results[kind]
        if not rows:
            continue
        base = {r["fast"]: statistics.median(r["gaps_ms"]) for label, r in rows.items()
                if label.startswith(("Lifeline, interval", "Lifeline, defaults"))}
        print(f"\nFailover outage, {title}, power loss of the owner: longest gap between ICMP "
              f"replies at the client (5 ms probing), {runs} runs")
        print(f"| {'product, setting':<58} | median ms | min ms | max ms | ÷ Lifeline |")
        print(f"| {'-' * 58} | --------: | -----: | -----: | ---------: |")
        for label, r in rows.items():
            g = r["gaps_ms"]
            ref = base.get(r["fast"])
            ratio = f"{statistics.median(g) / ref:.2f}" if ref else "-"
            print(f"| {label:<58} | {statistics.median(g):9.0f} | {min(g):6.0f} | {max(g):6.0f} | "
                  f"{ratio:>10} |")
        med = {label: statistics.median(r["gaps_ms"]) for label, r in rows.items()}
        for a, b in (("Lifeline, interval 100 ms", "VRRPv3 advert 0.1 s"),
                     ("Lifeline, 100 ms / 300 ms, no NP", "VRRPv3 advert 0.1 s"),
                     ("Lifeline, defaults", "token 3 s (default)")):
            la = next((k for k in med if k.startswith(a)), None)
            lb = next((k for k in med if k.endswith(b)), None)
            if la and lb:
                verdict = "yes" if med[la] <= med[lb] else "no"
                print(f"{la} ({med[la]:.0f} ms) <= {lb} ({med[lb]:.0f} ms): {verdict}")
    if results["partitions"]:
        print("\nDouble owners during randomized partitions (fast settings; samples every 50 ms)")
        print(f"| {'product, setting':<58} | partitions | samples | two owners | rounds with two | time with two | unresolved |")
        print(f"| {'-' * 58} | ---------: | ------: | ---------: | --------------: | -------------: | ---------: |")
        for label, p in results["partitions"].items():
            print(f"| {label:<58} | {p['rounds']:10} | {p['samples']:7} | {p['double']:10} | "
                  f"{p['rounds_with_double']:15} | {p['double_ms']:11.0f} ms | {p.get('unresolved', 0):10} |")


if __name__ == "__main__":
    main()
