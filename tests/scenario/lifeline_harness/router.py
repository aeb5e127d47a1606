"""A RIPv2 router on the public LAN and a remote client behind it, for vip scenarios.

    with Router(c) as r:                  # c: a started Cluster
        r.wait_route_via(vip, c[1].public_ip, timeout=10)
        r.wait_remote_ping(vip, timeout=10)

Topology added to the cluster's (all names start with the run id, so ``cleanup_stale`` finds
the leftovers of a killed run; the namespaces are also listed in ``c.extra_namespaces``, so the
cluster's teardown removes them even if ``__exit__`` never runs):

    switch <rid>-sw: bridge <rid>pub ── port <rid>rt
                                           │
    router <rid>-rt:  eth0 198.18.0.250/24 (public LAN; bird2, RIPv2 in and out)
                      eth1 198.18.5.1/24
                           │
    remote client <rid>-rc: eth0 198.18.5.2/24, route 198.18.0.0/15 via 198.18.5.1

bird2 runs in the router with its own config, control socket, pid file and log in
``<rundir>/router/``; its kernel protocol exports what RIP learns (a vip's /32) to the router's
main table. Short RIP timers: update ``update_s``, timeout and garbage ``timeout_s`` (a route
that is no longer advertised is gone after ``timeout_s``). Every running server gets a route
to the remote subnet via the router (``route_servers``; again after a ``power_on``) so that its
replies to the remote client go back the same way. Only 198.18.0.0/15 is used, and nothing is
attached to the host namespace.
"""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
import time
from pathlib import Path
from typing import Iterable, Optional

from . import registry
from ._util import Unsupported, run, wait_until
from .cluster import ALLOWED_NET, PUBLIC_NET, NODE_IFACE, tool

ROUTER_PUBLIC_IP = "198.18.0.250"
REMOTE_NET = ipaddress.ip_network("198.18.5.0/24")
ROUTER_REMOTE_IP = "198.18.5.1"
REMOTE_CLIENT_IP = "198.18.5.2"
ROUTER_IFACE = "eth0"          # public side, in the router namespace
ROUTER_REMOTE_IFACE = "eth1"   # remote side
_SWITCH_PORT_INDEX = 93        # the cluster uses 90, 91 and 100+ (see Cluster._build)

BIRD_CONF = """router id {router_id};
log "{log}" all;
protocol device {{ scan time 1; }}
protocol kernel {{
    ipv4 {{ import none; export all; }};
}}
protocol rip rip1 {{
    ipv4 {{ import all; export none; }};
    interface "{public_if}" {{
        version 2;
        update time {update};
        timeout time {timeout};
        garbage time {timeout};
    }};
}}
"""


class Router:
    def __init__(self, cluster, *, update_s: int = 1, timeout_s: int = 3,
                 route_servers: bool = True):
        if not cluster.rid:
            raise ValueError("start the cluster before adding a router")
        self.c = cluster
        self.update_s = update_s
        self.timeout_s = timeout_s
        self._route_servers = route_servers
        self.netns = f"{cluster.rid}-rt"
        self.remote_ns = f"{cluster.rid}-rc"
        self.port = f"{cluster.rid}rt"          # switch end, on the public bridge (<= 15 chars)
        self.dir = Path(cluster.rundir) / "router"
        self.conf = self.dir / "bird.conf"
        self.socket = self.dir / "bird.ctl"
        self.pidfile = self.dir / "bird.pid"
        self.log = self.dir / "bird.log"
        self.bird: Optional[subprocess.Popen] = None
        self._started = False

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> "Router":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> "Router":
        for t in ("bird", "birdc"):
            if shutil.which(t, path="/usr/sbin:/usr/bin:/sbin:/bin") is None:
                raise Unsupported(f"the router needs bird2 ({t} not found)")
        self._started = True
        try:
            self._build()
        except BaseException:
            self.stop()
            raise
        return self

    def _build(self) -> None:
        c = self.c
        # Listed before they exist: a failure half way still leaves them to the teardown.
        for ns in (self.netns, self.remote_ns):
            if ns not in c.extra_namespaces:
                c.extra_namespaces.append(ns)
        c._ip_batch(f"netns add {ns}" for ns in (self.netns, self.remote_ns))
        base = {"net.ipv6.conf.all.disable_ipv6": "1", "net.ipv6.conf.default.disable_ipv6": "1",
                "net.ipv4.ping_group_range": "0 2147483647"}
        c._sysctl(self.netns, dict(base, **{"net.ipv4.ip_forward": "1"}))
        c._sysctl(self.remote_ns, base)
        # veths created directly in their namespaces; no end shares its peer's ifindex
        c._ip_batch([f"link add name {self.port} index {_SWITCH_PORT_INDEX} netns {c.switch_ns} "
                     f"type veth peer name {ROUTER_IFACE} netns {self.netns}",
                     f"link add name {ROUTER_REMOTE_IFACE} index 10 netns {self.netns} "
                     f"type veth peer name eth0 netns {self.remote_ns}"])
        c._ip_batch([f"link set dev {self.port} master {c.bridges['public']} up"], c.switch_ns)
        c._ip_batch(["link set dev lo up",
                     f"addr add {ROUTER_PUBLIC_IP}/{PUBLIC_NET.prefixlen} dev {ROUTER_IFACE}",
                     f"addr add {ROUTER_REMOTE_IP}/{REMOTE_NET.prefixlen} dev {ROUTER_REMOTE_IFACE}",
                     f"link set dev {ROUTER_IFACE} up",
                     f"link set dev {ROUTER_REMOTE_IFACE} up"], self.netns)
        c._ip_batch(["link set dev lo up",
                     f"addr add {REMOTE_CLIENT_IP}/{REMOTE_NET.prefixlen} dev eth0",
                     "link set dev eth0 up",
                     f"route add {ALLOWED_NET} via {ROUTER_REMOTE_IP}"], self.remote_ns)
        wait_until(lambda: self.c.switch_port_states().get(self.port) == "forwarding", 5,
                   message=f"router port {self.port} not forwarding")
        if self._route_servers:
            self.route_servers()

        self.dir.mkdir(parents=True, exist_ok=True)
        self.conf.write_text(BIRD_CONF.format(router_id=ROUTER_PUBLIC_IP, log=self.log,
                                              public_if=ROUTER_IFACE,
                                              update=self.update_s, timeout=self.timeout_s))
        with open(self.dir / "bird.console", "ab") as out:
            # nsenter execs bird: the Popen pid is bird's own; -f keeps it in the foreground.
            self.bird = c._spawn([tool("nsenter"), f"--net=/run/netns/{self.netns}", "--",
                                  shutil.which("bird", path="/usr/sbin:/usr/bin"), "-f",
                                  "-c", str(self.conf), "-s", str(self.socket),
                                  "-P", str(self.pidfile)], cgroup=None, stdout=out)

        def rip_up():
            if self.bird.poll() is not None:
                raise RuntimeError(f"bird exited with {self.bird.returncode}: "
                                   + (self.dir / "bird.console").read_text(errors="replace")[-2000:])
            r = self.birdc("show", "rip", "interfaces", check=False)
            return r.returncode == 0 and any(
                line.split()[:2] == [ROUTER_IFACE, "Up"] for line in r.stdout.splitlines())
        wait_until(rip_up, 10, interval=0.05, message="bird: RIP not up on the router's eth0")

    def stop(self) -> None:
        """Kill bird, delete the two namespaces (the switch port goes with the router's) and the
        servers' routes through the router. Idempotent; safe after a partial start."""
        if not self._started:
            return
        self._started = False
        c = self.c
        if self.bird is not None and self.bird.poll() is None:
            self.bird.kill()
            try:
                self.bird.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        existing = set(registry._netns_names())
        for ns in (self.netns, self.remote_ns):
            if ns in existing:
                registry.kill_netns_processes(ns)
        names = [ns for ns in (self.netns, self.remote_ns) if ns in existing]
        if names:
            c._ip_batch((f"netns del {ns}" for ns in names), force=True)
        for ns in (self.netns, self.remote_ns):
            if ns in c.extra_namespaces:
                c.extra_namespaces.remove(ns)
        for n in c.nodes:
            if n.holder_pid is not None and not c.is_powered_off(n):
                c._ip_batch([f"route del {REMOTE_NET} via {ROUTER_PUBLIC_IP}"], n.netns, force=True)

    # ------------------------------------------------------------------ servers
    def route_servers(self, nodes: Optional[Iterable] = None) -> None:
        """Route the remote subnet via the router on these servers (default: every server that
        is on). Call it again after ``c.power_on(n)``: powering on resets the addresses."""
        for ref in (nodes if nodes is not None else self.c.nodes):
            n = self.c[ref]
            if self.c.is_powered_off(n):
                continue
            self.c._ip_batch([f"route replace {REMOTE_NET} via {ROUTER_PUBLIC_IP} "
                              f"dev {NODE_IFACE['public']}"], n.netns)

    # ------------------------------------------------------------------ what the router knows
    def birdc(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return run([shutil.which("birdc", path="/usr/sbin:/usr/bin"), "-s", str(self.socket), *args],
                   check=check, timeout=10)

    def route(self, addr: str) -> str:
        """The router's main-table route(s) for addr ("" if none)."""
        return self.c.run_netns(self.netns, [tool("ip"), "-4", "route", "show", "exact",
                                             f"{addr}/32"]).stdout.strip()

    def route_via(self, addr: str) -> Optional[str]:
        """Next hop of the router's host route for addr (a server's public address), or None."""
        return _via(self.route(addr))

    def wait_route_via(self, addr: str, gateway: str, timeout: float = 10.0) -> str:
        """Poll until the router routes addr via gateway; returns the route."""
        last = [""]

        def routed():
            last[0] = self.route(addr)
            return last[0] if _via(last[0]) == gateway else None
        try:
            return wait_until(routed, timeout, interval=0.05)
        except AssertionError:
            raise AssertionError(f"the router does not route {addr} via {gateway} within {timeout} s; "
                                 f"its route: {last[0]!r}") from None

    # ------------------------------------------------------------------ the remote client
    def remote_ping(self, addr: str, timeout: float = 0.2) -> bool:
        """One ICMP echo from the remote client (198.18.5.2), through the router."""
        ip = ipaddress.ip_address(addr)
        if ip not in ALLOWED_NET:
            raise ValueError(f"{addr} is outside 198.18.0.0/15; the harness never sends there")
        cp = self.c.run_netns(self.remote_ns, [tool("ping"), "-n", "-q", "-c", "1", "-W", str(timeout),
                                               addr], check=False, timeout=timeout + 5)
        return cp.returncode == 0

    def wait_remote_ping(self, addr: str, timeout: float = 10.0) -> float:
        """Poll until addr answers the remote client; returns the seconds it took."""
        t0 = time.monotonic()
        try:
            wait_until(lambda: self.remote_ping(addr), timeout, interval=0.05)
        except AssertionError:
            raise AssertionError(f"{addr} does not answer the remote client within {timeout} s; "
                                 f"router route: {self.route(addr)!r}") from None
        return time.monotonic() - t0


def _via(route: str) -> Optional[str]:
    words = route.split()
    return words[words.index("via") + 1] if "via" in words[:-1] else None
