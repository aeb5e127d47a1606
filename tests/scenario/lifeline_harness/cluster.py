"""The multi-server test topology: ``Cluster``.

Everything runs on one machine. Choices made, and why:

* **Servers** - each server ``serverN`` is a named network namespace ``<rid>-sN`` plus a
  long-lived *holder* process started as
  ``ip netns exec <rid>-sN unshare --mount --uts --propagation private sleep infinity``.
  ``ip netns exec`` remounts ``/sys`` for the namespace (so ``/sys/class/net`` shows the
  server's own interfaces), ``unshare`` then gives the server a private mount namespace (a
  mount done on one server is seen neither by the others nor by the host) and its own UTS
  namespace (its hostname is its server name). Every command "on the server" runs as
  ``nsenter -t <holder pid> -m -n -u -- ...``. ``nsenter`` execs directly (no fork), so the pid
  the harness holds is the pid of the real program.
* **Switch** - the public LAN bridge ``<rid>pub`` and the interconnect bridge ``<rid>ic`` live
  in a dedicated namespace ``<rid>-sw``, never in the host namespace. Each server has a veth
  pair per LAN, created directly inside the two namespaces (``ip link add ... netns``), so no
  name ever exists in the host namespace: ``pub0`` / ``ic0`` on the server,
  ``<rid>p<N>`` / ``<rid>i<N>`` on the switch. A client namespace ``<rid>-cl`` and a ping
  target namespace ``<rid>-pt`` hang off the public bridge (``eth0`` inside, ``<rid>cl`` /
  ``<rid>pt`` on the switch). IPv6 is disabled in every namespace (no stray RS/DAD/MLD), the
  bridges have IGMP snooping off (multicast floods like on a dumb switch) and STP off.
* **Addresses** - only 198.18.0.0/15 (RFC 2544 benchmarking range): public LAN 198.18.0.0/24
  (servers .11, .12, ..., client .200, ping target .254, .100-.199 left for floating IPs),
  interconnect 198.19.0.0/24 (servers .11, .12, ...). No namespace has a default route.
* **Fault injection without nftables/ebtables** (this kernel has neither tc flower/gact nor
  bridge VLAN filtering, and ``bridge link set state`` is overridden by the bridge when STP is
  off), so only *bridge membership, port isolation and link admin state* are used:

  - ``cut_link``: the switch end of the server's veth goes admin-down; the server sees
    NO-CARRIER, exactly like a pulled cable.
  - ``freeze``: the server's processes are frozen with the cgroup v2 freezer and its switch
    ports are detached from their bridge (``nomaster``): the server keeps carrier (a paused VM
    does not see its cable go), nothing crosses.
  - ``partition``: each set of servers gets its own bridge per LAN; servers are moved onto it.
    Shared devices (client, ping target) are either on one set's bridge or, by default
    (``'all'``), stay on the core bridge, which every set bridge reaches through an uplink veth
    whose core end is an *isolated* bridge port: isolated ports talk to non-isolated ports
    (client, ping target) but never to each other, so sets cannot reach each other through the
    core while all of them reach the ping target. This is plain kernel bridging, works on any
    kernel >= 5.2 and cannot leak.
  - ``power_off``: ``sandbox_power.sh`` (the same script lifelined gets via
    ``--power sandbox:CMD``): switch ports and server interfaces admin-down, every process of
    the server SIGKILLed through its cgroup (``cgroup.kill``) and a sweep of its network
    namespace. The holder dies too, so the server's mount namespace (and its mounts) vanish, as
    on a real power loss. ``power_on`` creates a fresh holder, resets the interfaces to their
    base address and brings the links back; the test restarts the processes.

* **Processes** - each server has a cgroup (cgroup v2; on a hybrid v1/v2 host the v2 tree at
  ``/sys/fs/cgroup/unified`` is used) holding its holder and every process started with
  ``start_process``; it is what ``freeze`` freezes and ``power_off`` kills. Commands run with
  ``run``/``ping`` are *not* in it, so a frozen server can still be inspected.
* **Cleanup** - see ``registry``: owner record before anything is created, teardown on fixture
  finalisation, atexit and SIGTERM/SIGINT, children killed by PR_SET_PDEATHSIG if the harness is
  SIGKILLed, and ``cleanup_stale()`` for anything a killed run left behind.
"""

from __future__ import annotations

import ctypes
import ipaddress
import os
import shlex
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Union

from . import cgroups, registry
from ._util import HarnessError, Unsupported, parse_mountinfo, run, wait_until

LANS = ("public", "interconnect")
ALLOWED_NET = ipaddress.ip_network("198.18.0.0/15")
PUBLIC_NET = ipaddress.ip_network("198.18.0.0/24")
INTERCONNECT_NET = ipaddress.ip_network("198.19.0.0/24")
CLIENT_IP = "198.18.0.200"
PING_TARGET_IP = "198.18.0.254"
FIP_FIRST = 100          # 198.18.0.100 ... 198.18.0.199 are free for floating IPs
FIP_COUNT = 100
SERVER_HOST_BASE = 11    # server N has host part 10 + N
MAX_SERVERS = 32
NODE_IFACE = {"public": "pub0", "interconnect": "ic0"}
SHARED_IFACE = "eth0"
_LAN_LETTER = {"public": "p", "interconnect": "i"}

SANDBOX_POWER = Path(__file__).resolve().parent / "sandbox_power.sh"

REQUIRED_TOOLS = ("ip", "bridge", "nsenter", "unshare", "losetup", "mkfs.ext4", "ping", "mount",
                  "umount", "sleep")

_TOOL_PATH = os.environ.get("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin"
_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def tool(name: str) -> str:
    path = shutil.which(name, path=_TOOL_PATH)
    if path is None:
        raise Unsupported(f"required command not found: {name}")
    return path


def check_environment() -> Optional[str]:
    """Return None when scenario clusters can run here, else the reason they cannot."""
    if os.geteuid() != 0:
        return "scenario clusters need root (network/mount namespaces, loop devices); run with sudo"
    missing = [t for t in REQUIRED_TOOLS if shutil.which(t, path=_TOOL_PATH) is None]
    if missing:
        return "missing commands: " + ", ".join(missing)
    cp = run([tool("ip"), "netns", "list"], check=False)
    if cp.returncode != 0:
        return f"'ip netns' is unavailable: {cp.stderr.strip()}"
    cp = run([tool("unshare"), "--net", "--mount", "--uts", "--propagation", "private", "true"],
             check=False)
    if cp.returncode != 0:
        return f"cannot create network/mount namespaces: {cp.stderr.strip()}"
    if not os.path.exists("/dev/loop-control") and not os.path.exists("/dev/loop0"):
        return "no loop device support (/dev/loop-control missing)"
    return None


def _make_preexec(cgroup: Optional[Path], pdeathsig: bool):
    procs = str(cgroup / "cgroup.procs") if cgroup is not None else None
    parent = os.getpid()

    def preexec():  # runs in the child between fork and exec
        if pdeathsig:
            _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != parent:
                os._exit(1)
        if procs is not None:
            with open(procs, "w") as f:
                f.write("0")
    return preexec


class Node:
    """One server of the topology."""

    def __init__(self, cluster: "Cluster", index: int):
        self.cluster = cluster
        self.index = index
        self.name = f"server{index}"
        self.netns = f"{cluster.rid}-s{index}"
        self.root = cluster.rundir / self.name
        self.public_ip = str(PUBLIC_NET.network_address + SERVER_HOST_BASE - 1 + index)
        self.interconnect_ip = str(INTERCONNECT_NET.network_address + SERVER_HOST_BASE - 1 + index)
        self.iface = dict(NODE_IFACE)
        self.port = {lan: f"{cluster.rid}{_LAN_LETTER[lan]}{index}" for lan in LANS}
        self.cgroup: Optional[Path] = (cluster.cgroup / self.name) if cluster.cgroup else None
        self.holder: Optional[subprocess.Popen] = None
        self.cut: set = set()
        self.frozen = False

    # paths under --root
    @property
    def etc_dir(self) -> Path:
        return self.root / "etc" / "lifeline"

    @property
    def lib_dir(self) -> Path:
        return self.root / "var" / "lib" / "lifeline"

    @property
    def log_dir(self) -> Path:
        return self.root / "var" / "log" / "lifeline"

    @property
    def run_dir(self) -> Path:
        return self.root / "run" / "lifeline"

    @property
    def console_log(self) -> Path:
        """stdout/stderr of every process started on this server with start_process."""
        return self.root / "console.log"

    @property
    def holder_pid(self) -> Optional[int]:
        return self.holder.pid if self.holder is not None and self.holder.poll() is None else None

    def ip(self, lan: str) -> str:
        return self.public_ip if lan == "public" else self.interconnect_ip

    @property
    def powered_off(self) -> bool:
        return self.cluster.is_powered_off(self)

    def __repr__(self) -> str:
        return f"<Node {self.name} ns={self.netns} pub={self.public_ip} ic={self.interconnect_ip}>"


class NodeProcess:
    """A process started inside a server by Cluster.start_process."""

    def __init__(self, node: Node, argv: Sequence[str], popen: subprocess.Popen, log: Path):
        self.node = node
        self.argv = list(argv)
        self.popen = popen
        self.pid = popen.pid
        self.log = log
        self.started = time.monotonic()

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    @property
    def returncode(self) -> Optional[int]:
        return self.popen.poll()

    def wait(self, timeout: float) -> int:
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{self!r} still running after {timeout}s") from None

    def state(self) -> Optional[str]:
        """Kernel state letter from /proc/PID/stat (R, S, T, ...), None once it has exited."""
        if self.popen.poll() is not None:
            return None
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return None

    def __repr__(self) -> str:
        return f"<NodeProcess {self.node.name} pid={self.pid} {shlex.join(self.argv)[:60]}>"


class Disk:
    """A shared disk: sparse file attached to a (global) loop device.

    Each server also sees it through a loop device of its own on the same file, bind-mounted
    at ``server_path`` in its mount namespace: one path in clp.conf, and per-server block
    device state (read-only flag, buffer cache) as with a real shared disk seen by two hosts.
    """

    def __init__(self, image: Path, device: str, server_path: Path):
        self.image = image
        self.device = device
        st = os.stat(device)
        self.major = os.major(st.st_rdev)
        self.minor = os.minor(st.st_rdev)
        self.server_path = server_path
        self.server_devices: Dict[str, str] = {}  # server name -> its own loop device

    def numbers(self) -> set:
        """"major:minor" of the global device and of every server's device."""
        out = {f"{self.major}:{self.minor}"}
        for dev in self.server_devices.values():
            st = os.stat(dev)
            out.add(f"{os.major(st.st_rdev)}:{os.minor(st.st_rdev)}")
        return out

    def __repr__(self) -> str:
        return f"<Disk {self.device} {self.image}>"


NodeRef = Union[Node, int, str]


class Cluster:
    """A whole test cluster of ``n_servers`` servers on this machine (see module docstring)."""

    def __init__(self, n_servers: int, *, shared_disks: int = 1, disk_size_mib: int = 64,
                 ipv6: bool = False):
        if not 1 <= n_servers <= MAX_SERVERS:
            raise ValueError(f"n_servers must be 1..{MAX_SERVERS}, got {n_servers}")
        self.n_servers = n_servers
        self.n_disks = shared_disks
        self.disk_size_mib = disk_size_mib
        self.ipv6 = ipv6
        self.rid: str = ""
        self.rundir: Path = Path()
        self.cgroup: Optional[Path] = None
        self.cgroup_reason = ""
        self.nodes: List[Node] = []
        self.disks: List[Disk] = []
        self.processes: List[NodeProcess] = []
        self.anchor: Optional[subprocess.Popen] = None
        self._started = False
        self._torn_down = False
        self._partition: Optional[dict] = None
        self._extra_bridges: set = set()
        self._pt_down = False
        # Namespaces added to the topology later by an extension (router.py): named
        # "<rid>-<suffix>" and listed here at creation, so that run_netns accepts them and the
        # teardown kills what runs in them and deletes them with the cluster's own.
        self.extra_namespaces: List[str] = []

    # ------------------------------------------------------------------ names
    @property
    def switch_ns(self) -> str:
        return f"{self.rid}-sw"

    @property
    def client_ns(self) -> str:
        return f"{self.rid}-cl"

    @property
    def pingtarget_ns(self) -> str:
        return f"{self.rid}-pt"

    @property
    def bridges(self) -> Dict[str, str]:
        return {"public": f"{self.rid}pub", "interconnect": f"{self.rid}ic"}

    @property
    def client_port(self) -> str:
        return f"{self.rid}cl"

    @property
    def pingtarget_port(self) -> str:
        return f"{self.rid}pt"

    @property
    def namespaces(self) -> List[str]:
        return ([self.switch_ns, self.client_ns, self.pingtarget_ns] + [n.netns for n in self.nodes]
                + self.extra_namespaces)

    @property
    def state_dir(self) -> Path:
        return self.rundir / "sandbox"

    @property
    def shared_disk(self) -> str:
        """Device path of the first shared disk (e.g. /dev/loop3)."""
        return self.disks[0].device

    @staticmethod
    def fip(k: int) -> str:
        """k-th address (0..99) of the floating-IP pool 198.18.0.100-199."""
        if not 0 <= k < FIP_COUNT:
            raise ValueError("fip index out of range")
        return str(PUBLIC_NET.network_address + FIP_FIRST + k)

    def node(self, ref: NodeRef) -> Node:
        if isinstance(ref, Node):
            return ref
        if isinstance(ref, int):
            if 1 <= ref <= len(self.nodes):
                return self.nodes[ref - 1]
            raise KeyError(f"no server {ref} (1..{len(self.nodes)})")
        for n in self.nodes:
            if ref in (n.name, n.netns, str(n.index)):
                return n
        raise KeyError(f"no server {ref!r}")

    def __getitem__(self, ref: NodeRef) -> Node:
        return self.node(ref)

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.teardown()

    def start(self) -> "Cluster":
        if self._started:
            return self
        reason = check_environment()
        if reason:
            raise Unsupported(reason)
        self.rid = registry.new_run_id()
        self.rundir = registry.work_base() / self.rid
        base, self.cgroup_reason = cgroups.find_base()
        self.cgroup = base / self.rid if base is not None else None
        registry.register(self.rid, self.rundir, self.cgroup)
        self._started = True
        registry.track(self)
        try:
            self._build()
        except BaseException:
            self.teardown()
            raise
        return self

    def _ip_batch(self, lines: Iterable[str], netns: Optional[str] = None, *,
                  force: bool = False, cmd: str = "ip") -> None:
        text = "\n".join(lines) + "\n"
        if not text.strip():
            return
        argv = [tool(cmd)]
        if force:
            argv.append("-force")
        if netns:
            argv += ["-n", netns]
        argv += ["-batch", "-"]
        run(argv, input=text, check=not force)

    def _sysctl(self, netns: str, values: Dict[str, str]) -> None:
        script = "".join(f"echo {shlex.quote(v)} > /proc/sys/{k.replace('.', '/')}\n"
                         for k, v in values.items())
        run([tool("nsenter"), f"--net=/run/netns/{netns}", "/bin/sh", "-ec", script])

    def _build(self) -> None:
        self.rundir.mkdir(parents=True)
        self.state_dir.mkdir()
        self.nodes = [Node(self, i) for i in range(1, self.n_servers + 1)]
        for n in self.nodes:
            for d in (n.etc_dir, n.lib_dir, n.log_dir, n.run_dir):
                d.mkdir(parents=True)
            (self.state_dir / f"{n.name}.power").write_text("on\n")
        if self.cgroup is not None:
            cgroups.create(self.cgroup / "ctl")
            for n in self.nodes:
                cgroups.create(n.cgroup)

        # namespaces
        self._ip_batch(f"netns add {ns}" for ns in self.namespaces)
        base_sysctl = {}
        if not self.ipv6:
            base_sysctl = {"net.ipv6.conf.all.disable_ipv6": "1",
                           "net.ipv6.conf.default.disable_ipv6": "1"}
        for ns in self.namespaces:
            values = dict(base_sysctl)
            if ns != self.switch_ns:
                # unprivileged ICMP echo sockets (lifelined's ping NP uses ICMP sockets)
                values["net.ipv4.ping_group_range"] = "0 2147483647"
            if values:
                self._sysctl(ns, values)

        # veth pairs, created directly in their namespaces (nothing appears in the host ns)
        sw = self.switch_ns
        # The switch ends get explicit ifindexes (90, 91, 102...) so that no veth has the same
        # ifindex as its peer: the kernel treats a carrier change of such a veth as non-urgent
        # and reports it up to one second late (linkwatch batching), which would make the
        # bridge port and the operstate lag behind cut/restore.
        lines = []
        for n in self.nodes:
            for k, lan in enumerate(LANS):
                lines.append(f"link add name {n.port[lan]} index {100 + 2 * n.index + k} "
                             f"netns {sw} type veth peer name {n.iface[lan]} netns {n.netns}")
        for k, (port, ns) in enumerate(((self.client_port, self.client_ns),
                                        (self.pingtarget_port, self.pingtarget_ns))):
            lines.append(f"link add name {port} index {90 + k} netns {sw} type veth "
                         f"peer name {SHARED_IFACE} netns {ns}")
        self._ip_batch(lines)

        # the switch
        lines = ["link set dev lo up"]
        for lan, br in self.bridges.items():
            lines.append(f"link add name {br} type bridge stp_state 0 mcast_snooping 0")
            lines.append(f"link set dev {br} up")
        self._ip_batch(lines, sw)

        # servers, client, ping target
        for n in self.nodes:
            self._ip_batch(self._node_net_lines(n), n.netns)
        for ns, addr in ((self.client_ns, CLIENT_IP), (self.pingtarget_ns, PING_TARGET_IP)):
            self._ip_batch(["link set dev lo up",
                            f"addr add {addr}/{PUBLIC_NET.prefixlen} dev {SHARED_IFACE}",
                            f"link set dev {SHARED_IFACE} up"], ns)
        self._apply_switch()

        # anchor: a process in the host mount namespace and the switch net namespace; the
        # sandbox power script re-enters the host mount namespace through it.
        self.anchor = self._spawn([tool("nsenter"), f"--net=/run/netns/{sw}", tool("sleep"),
                                   "infinity"], cgroup=None)
        own_net = os.readlink("/proc/self/ns/net")
        wait_until(lambda: self._ns_of(self.anchor.pid, "net") not in (None, own_net), 10,
                   message="anchor process did not enter the switch namespace")

        for n in self.nodes:
            self._start_holder(n)
        for n in self.nodes:
            self._wait_holder(n)

        # shared disks
        for i in range(self.n_disks):
            image = self.rundir / f"disk{i}.img"
            with open(image, "wb") as f:
                f.truncate(self.disk_size_mib * 1024 * 1024)
            dev = self._attach_loop(image)
            server_path = self.rundir / "dev" / f"disk{i}"
            server_path.parent.mkdir(parents=True, exist_ok=True)
            server_path.touch()
            d = Disk(image, dev, server_path)
            self.disks.append(d)
            for n in self.nodes:
                d.server_devices[n.name] = self._attach_loop(image)
                self._bind_disk(n, d)

        for n in self.nodes:
            self._write_node_env(n)

    def _node_net_lines(self, n: Node) -> List[str]:
        return ["link set dev lo up",
                f"addr add {n.public_ip}/{PUBLIC_NET.prefixlen} dev {n.iface['public']}",
                f"addr add {n.interconnect_ip}/{INTERCONNECT_NET.prefixlen} "
                f"dev {n.iface['interconnect']}",
                f"link set dev {n.iface['public']} up",
                f"link set dev {n.iface['interconnect']} up"]

    def _write_node_env(self, n: Node) -> None:
        env = {
            "LL_NODE": n.name,
            "LL_NETNS": n.netns,
            "LL_SWITCH_NETNS": self.switch_ns,
            "LL_ANCHOR_PID": str(self.anchor.pid),
            "LL_CGROUP": str(n.cgroup) if n.cgroup else "",
            "LL_CTL_CGROUP": str(self.cgroup / "ctl") if self.cgroup else "",
            "LL_SWITCH_PORTS": " ".join(n.port[lan] for lan in LANS),
            "LL_NODE_IFACES": " ".join(n.iface[lan] for lan in LANS),
        }
        text = "".join(f"{k}={shlex.quote(v)}\n" for k, v in env.items())
        (self.state_dir / f"{n.name}.env").write_text(text)

    def _spawn(self, argv: Sequence[str], *, cgroup: Optional[Path], stdout=None, env=None,
               cwd=None) -> subprocess.Popen:
        pdeath = threading.current_thread() is threading.main_thread()
        return subprocess.Popen(list(argv), stdin=subprocess.DEVNULL,
                                stdout=stdout if stdout is not None else subprocess.DEVNULL,
                                stderr=subprocess.STDOUT if stdout is not None else subprocess.DEVNULL,
                                env=env, cwd=cwd, start_new_session=True,
                                preexec_fn=_make_preexec(cgroup, pdeath))

    @staticmethod
    def _ns_of(pid: int, kind: str) -> Optional[str]:
        try:
            return os.readlink(f"/proc/{pid}/ns/{kind}")
        except OSError:
            return None

    def _start_holder(self, n: Node) -> None:
        with open(self.rundir / "holders.log", "ab") as log:  # errors of ip/unshare, if any
            n.holder = self._spawn([tool("ip"), "netns", "exec", n.netns, tool("unshare"),
                                    "--mount", "--uts", "--propagation", "private",
                                    tool("sleep"), "infinity"], cgroup=n.cgroup, stdout=log)

    def _wait_holder(self, n: Node) -> None:
        own_mnt = os.readlink("/proc/self/ns/mnt")
        pid = n.holder.pid

        def ready():
            if n.holder.poll() is not None:
                log = (self.rundir / "holders.log").read_text(errors="replace")[-2000:]
                raise HarnessError(f"holder of {n.name} exited with {n.holder.returncode}: {log}")
            try:
                comm = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                return False
            mnt = self._ns_of(pid, "mnt")
            return comm == "sleep" and mnt is not None and mnt != own_mnt
        wait_until(ready, 10, message=f"holder of {n.name} did not start")
        run([tool("nsenter"), "-t", str(pid), "-u", "--", "/bin/sh", "-c",
             'printf %s "$1" > /proc/sys/kernel/hostname', "sh", n.name])

    def teardown(self) -> None:
        """Remove everything this cluster created. Idempotent; safe after a partial start."""
        if not self._started or self._torn_down:
            return
        self._torn_down = True
        registry._tearing_down += 1
        errors = []
        try:
            self._teardown(errors)
        finally:
            registry._tearing_down -= 1
            registry.untrack(self)
        if errors:
            print(f"lifeline_harness: teardown of {self.rid} left problems: {errors}")
        registry.redeliver_pending_signal()

    def _teardown(self, errors: list) -> None:
        # 1. processes: the whole cgroup tree (holders, started processes, frozen ones), then
        #    anything still inside our namespaces.
        if self.cgroup is not None and self.cgroup.exists():
            for n in self.nodes:
                if n.cgroup is not None and n.cgroup.exists():
                    try:
                        cgroups.set_frozen(n.cgroup, False)
                    except OSError:
                        pass
            if not cgroups.kill_all(self.cgroup, 5):
                errors.append("cgroup not empty after kill")
        existing = set(registry._netns_names())
        for ns in self.namespaces:
            if ns in existing:
                registry.kill_netns_processes(ns)
        for p in [self.anchor] + [n.holder for n in self.nodes] + [p.popen for p in self.processes]:
            if p is not None and p.poll() is None:
                try:
                    p.kill()
                    p.wait(timeout=5)
                except (OSError, subprocess.TimeoutExpired) as exc:
                    errors.append(f"pid {p.pid}: {exc}")
        # 2. loop devices (mounts inside the servers died with their mount namespaces)
        for d in self.disks:
            registry.detach_loop(d.device)
            for dev in d.server_devices.values():
                registry.detach_loop(dev)
        try:
            wait_until(lambda: not any(str(self.rundir) in back
                                       for _dev, back in registry._loop_devices()), 10,
                       message="loop devices still attached")
        except AssertionError as exc:
            errors.append(str(exc))
        # 3. namespaces (servers, client, ping target first; the switch last)
        names = [ns for ns in self.namespaces if ns in existing]
        names.sort(key=lambda ns: ns == self.switch_ns)
        if names:
            self._ip_batch((f"netns del {ns}" for ns in names), force=True)
        # 4. cgroups, run directory, owner record
        if self.cgroup is not None:
            if not cgroups.remove_tree(self.cgroup):
                errors.append(f"cgroup {self.cgroup} not removed")
            try:
                self.cgroup.parent.rmdir()  # the shared base, only if no other run uses it
            except OSError:
                pass
        if self.rundir and self.rundir.name == self.rid:
            shutil.rmtree(self.rundir, ignore_errors=True)
        registry.unregister(self.rid)

    # ------------------------------------------------------------------ running things
    def _require_on(self, n: Node) -> int:
        pid = n.holder_pid
        if pid is None or self.is_powered_off(n):
            raise HarnessError(f"{n.name} is powered off")
        return pid

    def _enter(self, n: Node, cwd: Optional[Path] = None) -> List[str]:
        pid = self._require_on(n)
        return [tool("nsenter"), "-t", str(pid), "-m", "-n", "-u", f"--wd={cwd or n.root}", "--"]

    def run(self, node: NodeRef, argv: Sequence[str], *, check: bool = True,
            timeout: float = 20.0, input: Optional[str] = None) -> subprocess.CompletedProcess:
        """Run a short command in the server's net+mount+uts namespaces (not in its cgroup)."""
        n = self.node(node)
        return run(self._enter(n) + list(argv), check=check, timeout=timeout, input=input)

    def run_netns(self, netns: str, argv: Sequence[str], *, check: bool = True,
                  timeout: float = 20.0) -> subprocess.CompletedProcess:
        """Run a command in one of this run's network namespaces only (client, ping target...)."""
        if netns not in self.namespaces:
            raise HarnessError(f"{netns} is not a namespace of this cluster")
        return run([tool("nsenter"), f"--net=/run/netns/{netns}", "--"] + list(argv),
                   check=check, timeout=timeout)

    def _ping_from(self, netns: str, addr: str, timeout: float) -> bool:
        ip = ipaddress.ip_address(addr)
        if ip not in ALLOWED_NET and not ip.is_loopback:
            raise ValueError(f"{addr} is outside 198.18.0.0/15; the harness never sends there")
        cp = self.run_netns(netns, [tool("ping"), "-n", "-q", "-c", "1", "-W", str(timeout), addr],
                            check=False, timeout=timeout + 5)
        return cp.returncode == 0

    def ping(self, node: NodeRef, addr: str, timeout: float = 0.2) -> bool:
        """One ICMP echo from inside a server (works while it is frozen, fails when off)."""
        return self._ping_from(self.node(node).netns, addr, timeout)

    def wait_ping(self, node: Optional[NodeRef], addr: str, timeout: float = 5.0) -> None:
        """Poll until ``addr`` answers from the server (None: from the client) or fail.

        Use it after a restore/heal/thaw/power-on: a neighbour entry that failed while the path
        was down is only retried about once a second by the kernel.
        """
        src = "client" if node is None else self.node(node).name
        wait_until(lambda: self.client_ping(addr) if node is None else self.ping(node, addr),
                   timeout, message=f"{addr} does not answer from {src}")

    def client_ping(self, addr: str, timeout: float = 0.2) -> bool:
        """One ICMP echo from the client namespace (public LAN only)."""
        return self._ping_from(self.client_ns, addr, timeout)

    def start_process(self, node: NodeRef, argv: Sequence[str], env: Optional[dict] = None, *,
                      log: Optional[Path] = None, cwd: Optional[Path] = None) -> NodeProcess:
        """Start a long-running process inside the server (net+mount+uts namespaces, cgroup).

        stdout and stderr are appended to ``node.console_log`` (or ``log``), after a header
        line. ``env`` is added to the harness's environment, plus LIFELINE_ROOT and
        LIFELINE_NODE. The process is a child of the harness; if the harness is SIGKILLed the
        process receives SIGKILL too (when started from the main thread).
        """
        n = self.node(node)
        prefix = self._enter(n, cwd)
        if n.frozen or self.is_frozen(n):
            # the child would freeze before exec and Popen would wait for it forever
            raise HarnessError(f"{n.name} is frozen; thaw it before starting processes")
        full_env = dict(os.environ)
        full_env.update(LIFELINE_ROOT=str(n.root), LIFELINE_NODE=n.name)
        if env:
            full_env.update(env)
        log = Path(log) if log else n.console_log
        with open(log, "ab") as lf:
            lf.write(f"=== {time.strftime('%H:%M:%S')} start {shlex.join(argv)}\n".encode())
            lf.flush()
            popen = self._spawn(prefix + list(argv), cgroup=n.cgroup, stdout=lf, env=full_env)
        proc = NodeProcess(n, argv, popen, log)
        self.processes.append(proc)
        return proc

    def daemon_argv(self, node: NodeRef, lifelined: Union[str, Path], *extra: str) -> List[str]:
        """argv for lifelined on this server: --root, --node and --power sandbox:CMD."""
        n = self.node(node)
        return [str(lifelined), "--root", str(n.root), "--node", n.name,
                "--power", "sandbox:" + self.power_command(n), *extra]

    def node_processes(self, node: Optional[NodeRef] = None, alive_only: bool = True) -> List[NodeProcess]:
        n = self.node(node) if node is not None else None
        return [p for p in self.processes if (n is None or p.node is n) and
                (not alive_only or p.alive)]

    def stop_process(self, proc: NodeProcess, timeout: float = 5.0,
                     sig: int = signal.SIGTERM) -> int:
        """Send ``sig`` (SIGTERM), wait up to ``timeout`` s, then SIGKILL. Returns exit status."""
        if proc.alive:
            try:
                os.kill(proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                return proc.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
            return self.kill(proc)
        return proc.returncode

    def kill(self, proc: NodeProcess, sig: int = signal.SIGKILL, timeout: float = 5.0) -> Optional[int]:
        """Send a signal; for SIGKILL also wait (bounded) for the exit and return the status."""
        if proc.alive:
            try:
                os.kill(proc.pid, sig)
            except ProcessLookupError:
                pass
        if sig == signal.SIGKILL:
            return proc.wait(timeout)
        return None

    def sigstop(self, proc: NodeProcess, timeout: float = 5.0) -> None:
        """SIGSTOP the process and wait until the kernel reports it stopped (state T)."""
        os.kill(proc.pid, signal.SIGSTOP)
        wait_until(lambda: proc.state() in ("T", "t", None), timeout,
                   message=f"{proc!r} did not stop")

    def sigcont(self, proc: NodeProcess, timeout: float = 5.0) -> None:
        os.kill(proc.pid, signal.SIGCONT)
        wait_until(lambda: proc.state() not in ("T", "t"), timeout,
                   message=f"{proc!r} did not continue")

    # ------------------------------------------------------------------ the switch
    def _desired_master(self, lan: str, owner) -> Optional[str]:
        """Bridge a port should be enslaved to, or None (detached)."""
        core = self.bridges[lan]
        part = self._partition
        if isinstance(owner, Node):
            if owner.frozen:
                return None
            if part and lan in part["lans"]:
                return self._set_bridge(lan, part["group_of"][owner.name])
            return core
        where = part[owner] if part and lan in part["lans"] else "all"
        if where == "all":
            return core
        if where is None:
            return None
        return self._set_bridge(lan, where)

    def _set_bridge(self, lan: str, k: int) -> str:
        return f"{self.rid}{_LAN_LETTER[lan]}s{k}"

    def _uplinks(self, lan: str, k: int):
        letter = _LAN_LETTER[lan]
        return f"{self.rid}{letter}u{k}", f"{self.rid}{letter}c{k}"

    def _apply_switch(self) -> None:
        """Make the switch match the model: partition bridges, port masters, admin states."""
        sw = self.switch_ns
        part = self._partition
        wanted = set()
        if part:
            for lan in part["lans"]:
                for k in range(len(part["groups"])):
                    wanted.add((lan, k))
        create, bridge_cmds = [], []
        for lan, k in sorted(wanted - self._extra_bridges):
            sb = self._set_bridge(lan, k)
            up_set, up_core = self._uplinks(lan, k)
            create += [f"link add name {sb} type bridge stp_state 0 mcast_snooping 0",
                       f"link set dev {sb} up",
                       f"link add name {up_set} type veth peer name {up_core}",
                       f"link set dev {up_set} master {sb} up",
                       f"link set dev {up_core} master {self.bridges[lan]} up"]
            bridge_cmds.append(f"link set dev {up_core} isolated on")
        self._ip_batch(create, sw)
        self._ip_batch(bridge_cmds, sw, cmd="bridge")
        self._extra_bridges |= wanted

        masters, admin = [], []
        forwarding = []  # ports that must end up forwarding
        for n in self.nodes:
            off = self.is_powered_off(n)
            for lan in LANS:
                m = self._desired_master(lan, n)
                down = off or lan in n.cut
                masters.append(f"link set dev {n.port[lan]} " + (f"master {m}" if m else "nomaster"))
                admin.append(f"link set dev {n.port[lan]} " + ("down" if down else "up"))
                if m and not down:
                    forwarding.append(n.port[lan])
        for owner, port, down in (("client", self.client_port, False),
                                  ("ping_target", self.pingtarget_port, self._pt_down)):
            m = self._desired_master("public", owner)
            masters.append(f"link set dev {port} " + (f"master {m}" if m else "nomaster"))
            admin.append(f"link set dev {port} " + ("down" if down else "up"))
            if m and not down:
                forwarding.append(port)
        # Forget learned MAC addresses, as switches do on a topology change: a port moved
        # to another bridge would otherwise stay unreachable through stale entries until the
        # host behind it happens to transmit.
        flush = [f"link set dev {br} type bridge fdb_flush"
                 for br in list(self.bridges.values()) +
                 [self._set_bridge(lan, k) for lan, k in sorted(wanted)]]
        self._ip_batch(masters + admin + flush, sw)

        stale = self._extra_bridges - wanted
        if stale:
            lines = []
            for lan, k in sorted(stale):
                lines += [f"link del dev {self._uplinks(lan, k)[0]}",
                          f"link del dev {self._set_bridge(lan, k)}"]
            self._ip_batch(lines, sw)
            self._extra_bridges -= stale

        # Return only once the bridges forward on every port that should be live.
        pending: Dict[str, Optional[str]] = {}

        def settled() -> bool:
            states = self.switch_port_states()
            pending.clear()
            pending.update({p: states.get(p) for p in forwarding if states.get(p) != "forwarding"})
            return not pending
        try:
            wait_until(settled, 5, message="switch ports not forwarding")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; ports and their states: {pending}") from None

    def switch_port_states(self) -> Dict[str, str]:
        """{switch port: bridge STP state ('forwarding', 'disabled', ...)} of enslaved ports."""
        out = run([tool("bridge"), "-n", self.switch_ns, "-o", "link", "show"]).stdout
        states = {}
        for line in out.splitlines():
            parts = line.split()
            if len(parts) > 2 and " state " in line:
                name = parts[1].rstrip(":").split("@")[0]
                states[name] = line.split(" state ", 1)[1].split()[0]
        return states

    def cut_link(self, node: NodeRef, lan: str) -> None:
        """Pull the server's cable on ``lan`` ('public' or 'interconnect'): NO-CARRIER for it."""
        if lan not in LANS:
            raise ValueError(f"lan must be one of {LANS}")
        self.node(node).cut.add(lan)
        self._apply_switch()

    def restore_link(self, node: NodeRef, lan: str) -> None:
        if lan not in LANS:
            raise ValueError(f"lan must be one of {LANS}")
        self.node(node).cut.discard(lan)
        self._apply_switch()

    def cut_all_links(self, node: NodeRef) -> None:
        self.node(node).cut.update(LANS)
        self._apply_switch()

    def restore_all_links(self, node: NodeRef) -> None:
        self.node(node).cut.clear()
        self._apply_switch()

    def partition(self, sets: Sequence[Iterable[NodeRef]], *, lans: Sequence[str] = LANS,
                  client: Union[str, int, None] = "all",
                  ping_target: Union[str, int, None] = "all") -> None:
        """Split the servers into ``sets`` on the given LANs.

        Servers of one set keep talking to each other; no frame crosses between sets.
        Servers named in no set form one more set together. ``client`` / ``ping_target``:
        ``'all'`` (reachable from every set; default), the index of the set whose side they
        are on, or None (reachable from none). The client and the ping target only exist on
        the public LAN. Replaces any previous partition; ``heal()`` undoes it.
        """
        for lan in lans:
            if lan not in LANS:
                raise ValueError(f"lan must be one of {LANS}")
        groups: List[List[str]] = []
        seen = set()
        for s in sets:
            g = []
            for ref in s:
                n = self.node(ref)
                if n.name in seen:
                    raise ValueError(f"{n.name} appears in two sets")
                seen.add(n.name)
                g.append(n.name)
            if g:
                groups.append(g)
        rest = [n.name for n in self.nodes if n.name not in seen]
        if rest:
            groups.append(rest)
        for label, v in (("client", client), ("ping_target", ping_target)):
            if not (v == "all" or v is None or (isinstance(v, int) and 0 <= v < len(groups))):
                raise ValueError(f"{label} must be 'all', None or a set index < {len(groups)}")
        self._partition = {"groups": groups, "lans": tuple(lans), "client": client,
                           "ping_target": ping_target,
                           "group_of": {name: k for k, g in enumerate(groups) for name in g}}
        self._apply_switch()

    def heal(self) -> None:
        """Undo partition(): every server back on the one bridge per LAN."""
        self._partition = None
        self._apply_switch()

    def ping_target_down(self) -> None:
        """Unplug the ping target (198.18.0.254) from the public LAN."""
        self._pt_down = True
        self._apply_switch()

    def ping_target_up(self) -> None:
        self._pt_down = False
        self._apply_switch()

    def link_state(self, node: NodeRef, lan: str) -> dict:
        """{'admin_up': bool, 'carrier': bool, 'switch_port_up': bool, 'switch_master': str|None}."""
        n = self.node(node)
        flags = self._link_flags(n.netns, n.iface[lan])
        sw = self._link_show(self.switch_ns, n.port[lan])
        master = None
        if " master " in sw:
            master = sw.split(" master ", 1)[1].split()[0]
        return {"admin_up": "UP" in flags, "carrier": "LOWER_UP" in flags,
                "switch_port_up": "UP" in self._flags_of(sw), "switch_master": master}

    def _link_show(self, netns: str, dev: str) -> str:
        return run([tool("ip"), "-n", netns, "-o", "link", "show", "dev", dev]).stdout

    @staticmethod
    def _flags_of(line: str) -> set:
        if "<" not in line:
            return set()
        return set(line.split("<", 1)[1].split(">", 1)[0].split(","))

    def _link_flags(self, netns: str, dev: str) -> set:
        return self._flags_of(self._link_show(netns, dev))

    # ------------------------------------------------------------------ power, freeze
    def power_command(self, node: NodeRef) -> str:
        """Shell command that powers this server off (for ``--power sandbox:CMD``).

        The caller may append the action word (shutdown, reboot, panic, ...); it is logged.
        """
        n = self.node(node)
        return " ".join(shlex.quote(x) for x in
                        (str(SANDBOX_POWER), "--state", str(self.state_dir), "--node", n.name))

    def is_powered_off(self, node: NodeRef) -> bool:
        n = self.node(node)
        try:
            return (self.state_dir / f"{n.name}.power").read_text().strip() == "off"
        except OSError:
            return False

    def power_events(self) -> List[dict]:
        """Entries of the sandbox power log: [{'time', 'node', 'action', 'by'}]."""
        out = []
        try:
            text = (self.state_dir / "power.log").read_text()
        except OSError:
            return out
        for line in text.splitlines():
            parts = line.split()
            if len(parts) >= 4:
                out.append({"time": float(parts[0]), "node": parts[1], "action": parts[2],
                            "by": parts[3].partition("=")[2]})
        return out

    def power_off(self, node: NodeRef, action: str = "off") -> None:
        """Dead server: links down, every process SIGKILLed, its mount namespace gone."""
        n = self.node(node)
        run(shlex.split(self.power_command(n)) + [action, "--by", "harness"], timeout=30)
        self._after_power_off(n)

    def _after_power_off(self, n: Node) -> None:
        n.frozen = False
        for p in self.node_processes(n, alive_only=False):
            try:
                p.popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                raise HarnessError(f"{p!r} survived the power-off") from None
        if n.holder is not None:
            try:
                n.holder.wait(timeout=5)
            except subprocess.TimeoutExpired:
                raise HarnessError(f"holder of {n.name} survived the power-off") from None
        n.holder = None
        self._apply_switch()

    def power_on(self, node: NodeRef) -> None:
        """Boot the server again: fresh mount namespace, base addresses, links up (unless cut).

        Processes are not restarted: the test starts them again.
        """
        n = self.node(node)
        if not self.is_powered_off(n):
            if n.holder_pid is not None:
                return
        if n.holder is not None:  # powered off from inside (by lifelined); reap what is left
            self._after_power_off(n)
        if n.cgroup is not None:
            if not cgroups.kill_all(n.cgroup, 5):
                raise HarnessError(f"{n.name}: processes left in its cgroup")
            cgroups.set_frozen(n.cgroup, False)
        lines = [f"addr flush dev {n.iface[lan]}" for lan in LANS] + self._node_net_lines(n)
        self._ip_batch(lines, n.netns)
        self._start_holder(n)
        self._wait_holder(n)
        (self.state_dir / f"{n.name}.power").write_text("on\n")
        for d in self.disks:
            self._bind_disk(n, d)
        self._apply_switch()

    def freezer_available(self) -> Optional[str]:
        """None when freeze() works here, else the reason."""
        if self.cgroup is None:
            return f"no usable cgroup2 freezer: {self.cgroup_reason}"
        return None

    def freeze(self, node: NodeRef, timeout: float = 5.0) -> None:
        """Pause the server like a VM: its links go silent (carrier kept), its processes freeze."""
        reason = self.freezer_available()
        if reason:
            raise Unsupported(reason)
        n = self.node(node)
        self._require_on(n)
        n.frozen = True
        self._apply_switch()
        cgroups.set_frozen(n.cgroup, True)
        wait_until(lambda: cgroups.frozen(n.cgroup), timeout,
                   message=f"{n.name} did not freeze")

    def thaw(self, node: NodeRef, timeout: float = 5.0) -> None:
        reason = self.freezer_available()
        if reason:
            raise Unsupported(reason)
        n = self.node(node)
        cgroups.set_frozen(n.cgroup, False)
        wait_until(lambda: not cgroups.frozen(n.cgroup), timeout,
                   message=f"{n.name} did not thaw")
        n.frozen = False
        self._apply_switch()

    def is_frozen(self, node: NodeRef) -> bool:
        n = self.node(node)
        return n.cgroup is not None and cgroups.frozen(n.cgroup)

    # ------------------------------------------------------------------ shared disks, mounts
    @staticmethod
    def _attach_loop(image: Path) -> str:
        # A loop device keeps the read-only flag (BLKROSET) a former user left on it, and
        # attaching a file to it then makes it read-only: clear the flag first.
        for _ in range(5):
            dev = run([tool("losetup"), "--find"]).stdout.strip()
            run(["blockdev", "--setrw", dev])
            if run([tool("losetup"), dev, str(image)], check=False).returncode == 0:
                return dev
        raise HarnessError(f"cannot attach {image} to a free loop device")

    def _bind_disk(self, n: Node, d: Disk) -> None:
        """The server's own device for `d` at d.server_path, in its mount namespace."""
        self.run(n, ["mount", "--bind", d.server_devices[n.name], str(d.server_path)])

    def _disk(self, disk: Union[int, Disk, None]) -> Disk:
        if isinstance(disk, Disk):
            return disk
        return self.disks[disk or 0]

    def make_ext4(self, disk: Union[int, Disk, None] = None, label: Optional[str] = None) -> str:
        """Make a partition-free ext4 filesystem on a shared disk; returns the device."""
        d = self._disk(disk)
        argv = [tool("mkfs.ext4"), "-q", "-F"]
        if label:
            argv += ["-L", label]
        run(argv + [d.device], timeout=60)
        return d.device

    def mount(self, node: NodeRef, mountpoint: Optional[Union[str, Path]] = None,
              disk: Union[int, Disk, None] = None, fstype: str = "ext4",
              options: Optional[str] = None) -> Path:
        """Mount a shared disk inside the server's mount namespace (default <root>/mnt/diskN)."""
        n = self.node(node)
        d = self._disk(disk)
        mp = Path(mountpoint) if mountpoint else n.root / "mnt" / f"disk{self.disks.index(d)}"
        mp.mkdir(parents=True, exist_ok=True)
        argv = ["mount", "-t", fstype]
        if options:
            argv += ["-o", options]
        self.run(n, argv + [str(d.server_path), str(mp)])
        return mp

    def umount(self, node: NodeRef, mountpoint: Union[str, Path]) -> None:
        self.run(self.node(node), ["umount", str(mountpoint)])

    def mounts(self, node: Optional[NodeRef]) -> List[dict]:
        """Parsed /proc/PID/mountinfo of the server's holder (node None: the harness itself).

        An empty list for a powered-off server (its mount namespace no longer exists).
        """
        if node is None:
            pid: Optional[int] = os.getpid()
        else:
            n = self.node(node)
            pid = None if self.is_powered_off(n) else n.holder_pid
        if pid is None:
            return []
        return parse_mountinfo(Path(f"/proc/{pid}/mountinfo").read_text())

    def is_mounted(self, node: Optional[NodeRef], disk: Union[int, Disk, None] = None) -> bool:
        """Is the shared disk mounted in the server's mount namespace (None: the harness's)?"""
        d = self._disk(disk)
        numbers = d.numbers()
        return any(m["dev"] in numbers for m in self.mounts(node))

    # ------------------------------------------------------------------ diagnostics
    def collect_logs(self, dest: Union[str, Path]) -> Path:
        """Copy every server's console.log and var/log tree plus the power log to ``dest``."""
        dest = Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        for n in self.nodes:
            nd = dest / n.name
            nd.mkdir(exist_ok=True)
            if n.console_log.exists():
                shutil.copy2(n.console_log, nd / "console.log")
            if (n.root / "var" / "log").exists():
                shutil.copytree(n.root / "var" / "log", nd / "var-log", dirs_exist_ok=True)
        pl = self.state_dir / "power.log"
        if pl.exists():
            shutil.copy2(pl, dest / "power.log")
        return dest

    def describe(self) -> str:
        lines = [f"cluster {self.rid}: {len(self.nodes)} servers, run dir {self.rundir}",
                 f"  switch {self.switch_ns} bridges {self.bridges}",
                 f"  client {self.client_ns} {CLIENT_IP}, ping target {self.pingtarget_ns} "
                 f"{PING_TARGET_IP}",
                 f"  disks {[d.device for d in self.disks]}, cgroup {self.cgroup}"]
        for n in self.nodes:
            lines.append(f"  {n.name}: ns {n.netns} pub {n.public_ip} ic {n.interconnect_ip} "
                         f"root {n.root} holder {n.holder_pid}"
                         f"{' OFF' if self.is_powered_off(n) else ''}"
                         f"{' FROZEN' if n.frozen else ''}{' cut=' + ','.join(sorted(n.cut)) if n.cut else ''}")
        return "\n".join(lines)

