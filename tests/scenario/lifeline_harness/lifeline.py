"""Lifeline on a harness topology: write clp.conf and the cluster key to every server, start
`lifelined` in each, and read what the servers say (control socket, clpstat, alert log).

The control socket is a file under the server's --root on the host file system, so the test
talks to it directly (Unix sockets are not network-namespaced)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from xml.sax.saxutils import escape

from ._util import wait_until


def cluster_xml(c, *, name="cluster", interval_ms=100, timeout_ms=1000, syncwait_s=5,
                npaction=4, ping=True, ping_timeout_s=0.3, lans=("interconnect", "public"), groups_xml="",
                resources_xml="", monitors_xml="", extra_cluster_xml="", server_devices=None,
                heartbeats_xml="", np_xml="") -> str:
    """A clp.conf for every server of `c`: one lanhb per LAN (interconnect first), pingnp on
    the ping target when `ping`. `server_devices(node)` may add `<device>` elements to each
    server, `heartbeats_xml` more heartbeat resources and `np_xml` more network partition
    resources (each with its `<types name=.../>`)."""
    servers = []
    for n in c.nodes:
        devices = "".join(
            f'<device id="{i}"><type>lan</type><info>{n.ip(lan)}/24</info></device>'
            for i, lan in enumerate(lans))
        if ping:
            devices += '<device id="10200"><type>ping</type><info>1</info></device>'
        if server_devices:
            devices += server_devices(n)
        servers.append(f'<server name="{n.name}"><priority>{n.index - 1}</priority>{devices}</server>')
    hbs = "".join(f'<lanhb name="lanhb{i + 1}"><priority>{i}</priority><device>{i}</device></lanhb>'
                  for i in range(len(lans)))
    np = np_xml
    if ping:
        np = ('<types name="pingnp"/><pingnp name="pingnp1"><priority>0</priority>'
              f'<device>10200</device><interval>0.2</interval><timeout>{ping_timeout_s:g}</timeout><retry>2</retry>'
              '<grp id="0"><list id="0"><ip>198.18.0.254</ip></list></grp></pingnp>') + np
    if np:
        np = f"<networkpartition>{np}</networkpartition>"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<root>
  <all><charset>UTF-8</charset><serveros>linux</serveros></all>
  <cluster><name>{escape(name)}</name><comment/>
    <heartbeat><interval>{interval_ms}</interval><timeout>{timeout_ms}</timeout></heartbeat>
    <syncwait>{syncwait_s}</syncwait>
    <networkpartition><npaction>{npaction}</npaction></networkpartition>{extra_cluster_xml}
  </cluster>
  {''.join(servers)}
  <heartbeat><types name="lanhb"/>{hbs}{heartbeats_xml}</heartbeat>
  {np}
  {groups_xml}
  <resource>{resources_xml}</resource>
  <monitor>{monitors_xml}</monitor>
</root>
"""


class Lifeline:
    """The Lifeline side of a scenario: `Lifeline(c, build_dir).deploy(xml).start_all()`."""

    def __init__(self, cluster, build_dir: Path):
        self.c = cluster
        self.build = Path(build_dir)
        self.procs = {}

    def program(self, name: str) -> str:
        for sub in ("server/daemon", "server/cli", "licensing"):
            p = self.build / sub / name
            if p.exists():
                return str(p)
        raise FileNotFoundError(f"{name} is not built in {self.build}")

    # -- configuration -------------------------------------------------------------------
    def deploy(self, xml: str, scripts: dict | None = None, *, license: str | None = "product") -> "Lifeline":
        """Writes clp.conf (and scripts) to every server and one cluster key to all of them, and
        registers a base license on every server (`license`: "product", "trial" for 30 days, or
        None for none), as an administrator does (register_license)."""
        first = self.c.nodes[0]
        for n in self.c.nodes:
            etc = Path(n.etc_dir)
            etc.mkdir(parents=True, exist_ok=True)
            (etc / "clp.conf").write_text(xml)
            for rel, text in (scripts or {}).items():
                path = etc / "scripts" / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
                path.chmod(0o755)
        key = Path(first.etc_dir) / "clp.key"
        if key.exists():
            key.unlink()
        subprocess.run([self.program("lifelined"), "--create-key", "--root", first.root],
                       check=True, capture_output=True, timeout=60)
        for n in self.c.nodes[1:]:
            dst = Path(n.etc_dir) / "clp.key"
            shutil.copyfile(key, dst)
            dst.chmod(0o600)
        if license:
            self.register_license(trial="30d" if license == "trial" else None)
        return self

    def license_file(self, path, *, product: str = "BASE10", serial: str = "TST0000001",
                     count: int | None = None, trial: str | None = None) -> str:
        """A license file made by the vendor tool with the TEST key (tests/keys): a CPU license
        of `count` CPUs (default: every CPU of every server, so that none is insufficient), or a
        trial ending in `trial` ("90s", "30d", "-1h")."""
        if count is None:
            count = min(99, (os.cpu_count() or 1) * len(self.c.nodes))
        argv = [self.program("lifeline-license-vendor"), "--product", product, "--serial", serial,
                "-o", str(path)]
        if product in ("BASE10", "XSSS10"):
            argv += ["--count", str(count)]
        if trial:
            argv += ["--trial", "--expires-in", trial]
        subprocess.run(argv, check=True, capture_output=True, timeout=60)
        return str(path)

    def clplcnsc(self, node, *args) -> subprocess.CompletedProcess:
        return subprocess.run([self.program("clplcnsc"), "--root", str(self.c[node].root), *args],
                              capture_output=True, text=True, timeout=60)

    def register_license(self, nodes=None, *, product: str = "BASE10", trial: str | None = None,
                         serial: str = "TST0000001", count: int | None = None) -> None:
        """Registers one license file (license_file) on `nodes` (default: every server) with
        `clplcnsc -i FILE -p PRODUCT`. lifelined holds the cluster service back without one."""
        path = self.license_file(Path(self.c.nodes[0].root) / f"license-{product}-{serial}.json",
                                 product=product, serial=serial, trial=trial, count=count)
        for n in (nodes or self.c.nodes):
            r = self.clplcnsc(n, "-i", path, "-p", product)
            if r.returncode != 0:
                raise RuntimeError(f"clplcnsc -i {path} -p {product} on {self.c[n].name} failed "
                                   f"(a build with a production LIFELINE_LICENSE_PUBLIC_KEY cannot "
                                   f"run the scenarios): {r.stdout}{r.stderr}")

    # -- daemons -------------------------------------------------------------------------
    def start(self, node, *extra) -> None:
        n = self.c[node]
        self.procs[n.name] = self.c.start_process(n, self.c.daemon_argv(n, self.program("lifelined"), *extra))

    def start_all(self, *extra) -> "Lifeline":
        for n in self.c.nodes:
            self.start(n, *extra)
        return self

    # -- what the servers say ------------------------------------------------------------
    def request(self, node, command: str, args: dict | None = None, timeout: float = 5.0) -> dict:
        n = self.c[node]
        path = os.path.join(n.run_dir, "control.sock")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(path)
            s.sendall(json.dumps({"version": 1, "id": 1, "command": command, "args": args or {}}).encode() + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        return json.loads(data)

    def status(self, node) -> dict | None:
        """The server's status, or None while its daemon does not answer."""
        try:
            r = self.request(node, "status", timeout=2.0)
        except (OSError, ValueError):
            return None
        return r.get("result") if r.get("ok") else None

    def server_states(self, node) -> dict:
        st = self.status(node)
        return {s["name"]: s["state"] for s in st["servers"]} if st else {}

    def heartbeat_states(self, node) -> dict:
        st = self.status(node)
        if not st:
            return {}
        return {(s["name"], h["name"]): h["state"] for s in st["servers"] for h in s["heartbeats"]}

    def alerts(self, node) -> list[str]:
        """Lines of the server's alert log (it survives the daemon)."""
        p = Path(self.c[node].log_dir) / "alert.log"
        return p.read_text().splitlines() if p.exists() else []

    def clpstat(self, node, *args) -> subprocess.CompletedProcess:
        n = self.c[node]
        return subprocess.run([self.program("clpstat"), "--root", n.root, *args],
                              capture_output=True, text=True, timeout=30)

    def clpcl(self, node, *args) -> subprocess.CompletedProcess:
        n = self.c[node]
        return subprocess.run([self.program("clpcl"), "--root", n.root, *args],
                              capture_output=True, text=True, timeout=60)

    def wait_all_online(self, timeout: float = 20.0, nodes=None) -> None:
        nodes = [self.c[n] for n in (nodes or self.c.nodes)]
        names = {n.name for n in nodes}

        def online():
            for n in nodes:
                states = self.server_states(n)
                if not states or any(states.get(m) != "Online" for m in names):
                    return False
            return True

        wait_until(online, timeout, interval=0.05,
                   message=f"every server Online as seen by {sorted(names)}: "
                           + str({n.name: self.server_states(n) for n in nodes}))

    def wait_alert(self, node, fragment: str, timeout: float = 10.0) -> str:
        return wait_until(lambda: next((l for l in self.alerts(node) if fragment in l), None),
                          timeout, interval=0.05,
                          message=f"alert containing {fragment!r} on {self.c[node].name}")

    # -- failover groups -------------------------------------------------------------------
    def group(self, node, name: str) -> dict:
        return groups_of(self.status(node)).get(name, {})

    def wait_group(self, node, name: str, state: str, current: str | None = None,
                   timeout: float = 20.0) -> dict:
        def ok():
            g = self.group(node, name)
            return g if g and g["state"] == state and (current is None or g["current"] == current) else None
        return wait_until(ok, timeout, interval=0.05,
                          message=f"group {name} {state}{' on ' + current if current else ''} as "
                                  f"{self.c[node].name} sees it: {self.group(node, name)}")

    def clpgrp(self, node, *args) -> subprocess.CompletedProcess:
        return subprocess.run([self.program("clpgrp"), "--root", str(self.c[node].root), *args],
                              capture_output=True, text=True, timeout=120)

    def clpmonctrl(self, node, *args) -> subprocess.CompletedProcess:
        return subprocess.run([self.program("clpmonctrl"), "--root", str(self.c[node].root), *args],
                              capture_output=True, text=True, timeout=60)

    def clprsc(self, node, *args) -> subprocess.CompletedProcess:
        return subprocess.run([self.program("clprsc"), "--root", str(self.c[node].root), *args],
                              capture_output=True, text=True, timeout=120)


    # -- WebManager ------------------------------------------------------------------------
    def set_webmgr_password(self, user: str, password: str) -> None:
        """Stores a WebManager password (operator/reference) with lifeline-webmgr
        --set-password on the first server, then copies that clp.conf to the others (the
        hash has a random salt, and every server must run the same configuration)."""
        prog = str(self.build / "webmanager" / "lifeline-webmgr")
        first = self.c.nodes[0]
        subprocess.run([prog, "--root", str(first.root), "--set-password", user],
                       input=password + "\n", text=True, check=True, capture_output=True, timeout=60)
        for n in self.c.nodes[1:]:
            shutil.copyfile(Path(first.etc_dir) / "clp.conf", Path(n.etc_dir) / "clp.conf")

    def start_webmgr(self, node, *extra):
        """Starts lifeline-webmgr inside the server (output in its console log) and waits
        until it accepts connections on its port (29003 unless `--port` is in `extra`)."""
        n = self.c[node]
        prog = self.build / "webmanager" / "lifeline-webmgr"
        if not prog.exists():
            raise FileNotFoundError(f"lifeline-webmgr is not built in {self.build}")
        proc = self.c.start_process(n, [str(prog), "--root", str(n.root), "--node", n.name, *extra])
        port = int(extra[list(extra).index("--port") + 1]) if "--port" in extra else 29003
        check = f"import socket; socket.create_connection(('{n.ip('public')}', {port}), 0.2).close()"
        wait_until(lambda: proc.alive and self.c.run(n, ["/usr/bin/python3", "-c", check],
                                                     check=False).returncode == 0,
                   10, interval=0.05, message=f"lifeline-webmgr listening on {n.name}:{port}")
        return proc


# -- failover groups ------------------------------------------------------------------------
def group_xml(name: str, resources: list, *, policy: list | None = None, auto_start: bool = True,
              auto_failback: bool = False) -> str:
    """<group> with resource references ("fip@fip1"), an optional server order, start and
    failback attributes."""
    refs = "".join(f'<resource name="{r}"/>' for r in resources)
    order = "".join(f'<policy name="{s}"><order>{i}</order></policy>' for i, s in enumerate(policy or []))
    return (f'<group name="{name}"><type>failover</type><comment/>{order}'
            f'<start>{int(auto_start)}</start><failback>{int(auto_failback)}</failback>{refs}</group>')


def recovery_xml(*, act_retry=None, act_fo=None, act_action=None, deact_retry=None,
                 deact_action=None) -> str:
    parts = []
    act = "".join(f"<{k}>{v}</{k}>" for k, v in (("retry", act_retry), ("fo", act_fo),
                                                 ("action", act_action)) if v is not None)
    deact = "".join(f"<{k}>{v}</{k}>" for k, v in (("retry", deact_retry), ("action", deact_action))
                    if v is not None)
    if act:
        parts.append(f"<act>{act}</act>")
    if deact:
        parts.append(f"<deact>{deact}</deact>")
    return "".join(parts)


def fip_xml(name: str, ip: str, recovery: str = "") -> str:
    return f'<fip name="{name}"><comment/>{recovery}<parameters><ip>{ip}</ip></parameters></fip>'


def vip_xml(name: str, ip: str, ifname: str, interval_s: float = 1, *, metric: int | None = None,
            recovery: str = "") -> str:
    """A vip resource: `ip`/32 on `ifname` (comma separated: RIPv2 on all), advertised every
    `interval_s` seconds (1 to 3600)."""
    extra = f"<metric>{metric}</metric>" if metric is not None else ""
    return (f'<vip name="{name}"><comment/>{recovery}<parameters><ip>{ip}</ip>'
            f'<ifname>{escape(ifname)}</ifname><interval>{interval_s:g}</interval>{extra}'
            f'</parameters></vip>')


def disk_xml(name: str, device: str, mount_point: str, *, fs: str = "ext4", recovery: str = "",
             extra: str = "") -> str:
    return (f'<disk name="{name}"><comment/>{recovery}<parameters><disktype>disk</disktype>'
            f'<device>{device}</device><mount><point>{mount_point}</point></mount><fs>{fs}</fs>'
            f'{extra}</parameters></disk>')


def exec_xml(name: str, *, sync: bool = True, start_timeout_s: float = 5, stop_timeout_s: float = 5,
             recovery: str = "") -> str:
    return (f'<exec name="{name}"><comment/>{recovery}<parameters><act><path>start.sh</path>'
            f'<sync>{int(sync)}</sync></act><deact><path>stop.sh</path></deact>'
            f'<timeout><start>{start_timeout_s}</start><stop>{stop_timeout_s}</stop></timeout>'
            f'</parameters></exec>')


def monitor_xml(type_: str, name: str, *, target: str = "", relation=("cls", "LocalServer"),
                interval_s: float = 0.2, timeout_s: float = 1, retry: int = 0, restart=None,
                fo=None, action=None, params: str = "", emergency_xml: str = "",
                servers=()) -> str:
    """A <TYPE name=NAME> monitor: polling, relation (recovery target), thresholds, action;
    `emergency_xml` goes inside <emergency> (preaction, timeout), `servers` limits where it runs."""
    threshold = "".join(f"<{k}>{v}</{k}>" for k, v in (("restart", restart), ("fo", fo)) if v is not None)
    emergency = (f"<threshold>{threshold}</threshold>" if threshold else "") + \
        (f"<action>{action}</action>" if action is not None else "") + emergency_xml
    servers_xml = "".join(f'<server name="{n}"/>' for n in servers)
    return (f'<types name="{type_}"/><{type_} name="{name}"><comment/>'
            f'{f"<target>{target}</target>" if target else ""}'
            f'<relation><type>{relation[0]}</type><name>{relation[1]}</name></relation>'
            f'<polling><interval>{interval_s}</interval><timeout>{timeout_s}</timeout>'
            f'<reconfirmation>{retry}</reconfirmation></polling>'
            f'{f"<emergency>{emergency}</emergency>" if emergency else ""}'
            f'{servers_xml}'
            f'<parameters>{params}</parameters></{type_}>')


def monitors_of(status: dict | None) -> dict:
    """{monitor: state} from a status answer."""
    return {m["name"]: m["state"] for m in (status or {}).get("monitors", [])}


def groups_of(status: dict | None) -> dict:
    """{group: {"state", "current", "resources": {name: state}}} from a status answer."""
    if not status:
        return {}
    return {g["name"]: {"state": g["state"], "current": g["current"],
                        "resources": {r["name"]: r["state"] for r in g["resources"]}}
            for g in status["groups"]}
