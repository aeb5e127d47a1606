"""Run registry, stale-leftover cleanup and the always-cleanup machinery.

Every Cluster gets a run id ``llh`` + 4 random [a-z0-9] characters. All the names it creates
start with it: network namespaces ``<rid>-sw|-cl|-pt|-s<N>`` (``-rt|-rc``: router.py), switch
ports and bridges ``<rid>p<N>``, ``<rid>i<N>``, ``<rid>pub``, ``<rid>ic``..., the run directory
``<tmp>/lifeline-harness/<rid>`` (root dirs, sparse disk images, logs) and the cgroup
``.../lifeline-harness/<rid>``. Before creating anything, the run writes an owner record
``/run/lifeline-harness/<rid>.owner`` with its pid and the pid's start time. A run id whose
owner is alive is never touched by ``cleanup_stale()``; everything else that carries the
``llh`` prefix is a leftover of a killed run and is removed.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import secrets
import shutil
import signal
import string
import tempfile
import threading
import weakref
from pathlib import Path
from typing import Optional

from . import cgroups
from ._util import parse_mountinfo, run

PREFIX = "llh"
RID_RE = re.compile(r"^(llh[a-z0-9]{4})(?=$|[-.a-z0-9])")
# sw/cl/pt/sN: the cluster's own; rt/rc: router.py's router and remote client.
NETNS_RE = re.compile(r"^(llh[a-z0-9]{4})-(sw|cl|pt|rt|rc|s\d+)$")


def registry_dir() -> Path:
    d = os.environ.get("LIFELINE_HARNESS_REGISTRY")
    if d:
        return Path(d)
    return Path("/run/lifeline-harness") if os.access("/run", os.W_OK) else \
        Path(tempfile.gettempdir()) / "lifeline-harness-registry"


def work_base() -> Path:
    return Path(os.environ.get("LIFELINE_HARNESS_TMP") or tempfile.gettempdir()) / "lifeline-harness"


def _proc_start_time(pid: int) -> Optional[str]:
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
        return data.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def new_run_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    existing = set(_netns_names())
    for _ in range(100):
        rid = PREFIX + "".join(secrets.choice(alphabet) for _ in range(4))
        if not (registry_dir() / f"{rid}.owner").exists() and \
                not any(n.startswith(rid + "-") for n in existing) and \
                not (work_base() / rid).exists():
            return rid
    raise RuntimeError("could not find a free run id")


def register(rid: str, rundir: Path, cgroup: Optional[Path]) -> Path:
    d = registry_dir()
    d.mkdir(parents=True, exist_ok=True)
    rec = {"rid": rid, "pid": os.getpid(), "start": _proc_start_time(os.getpid()),
           "rundir": str(rundir), "cgroup": str(cgroup) if cgroup else None}
    path = d / f"{rid}.owner"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w") as f:
        json.dump(rec, f)
    return path


def unregister(rid: str) -> None:
    try:
        (registry_dir() / f"{rid}.owner").unlink()
    except FileNotFoundError:
        pass


def _owner_alive(rec: dict) -> bool:
    pid = rec.get("pid")
    if not isinstance(pid, int):
        return False
    return _proc_start_time(pid) is not None and _proc_start_time(pid) == rec.get("start")


def live_run_ids() -> set:
    live = set()
    d = registry_dir()
    if d.is_dir():
        for p in d.glob(f"{PREFIX}*.owner"):
            try:
                rec = json.loads(p.read_text())
            except (OSError, ValueError):
                continue
            if _owner_alive(rec):
                live.add(rec["rid"])
    return live


def _netns_names() -> list:
    cp = run(["ip", "netns", "list"], check=False)
    return [line.split()[0] for line in cp.stdout.splitlines() if line.strip()]


def _loop_devices() -> list:
    """[(device, backing file)] for every attached loop device."""
    cp = run(["losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE"], check=False)
    out = []
    for line in cp.stdout.splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2:
            out.append((parts[0], parts[1].strip()))
    return out


def _rid_of_backing(back: str) -> Optional[str]:
    m = re.search(r"/lifeline-harness/(llh[a-z0-9]{4})/", back)
    return m.group(1) if m else None


def kill_netns_processes(ns: str) -> None:
    for _ in range(50):
        cp = run(["ip", "netns", "pids", ns], check=False)
        pids = [int(p) for p in cp.stdout.split() if p.isdigit() and int(p) != os.getpid()]
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _reap_children()


def _reap_children() -> None:
    try:
        while True:
            pid, _ = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
    except ChildProcessError:
        return


def detach_loop(dev: str) -> None:
    """Unmount the device wherever the harness's own mount namespace has it, then detach it
    (the kernel detaches lazily, on last close, if it is still busy)."""
    try:
        st = os.stat(dev)
        key = f"{os.major(st.st_rdev)}:{os.minor(st.st_rdev)}"
        with open("/proc/self/mountinfo") as f:
            mps = [m["mountpoint"] for m in parse_mountinfo(f.read()) if m["dev"] == key]
    except OSError:
        mps = []
    for mp in reversed(mps):
        run(["umount", "-l", mp], check=False)
    run(["losetup", "-d", dev], check=False)


def cleanup_stale(verbose: bool = False) -> dict:
    """Remove every harness leftover whose owning run is no longer alive.

    Returns {"netns": [...], "loop": [...], "cgroups": [...], "dirs": [...], "owners": [...]}
    listing what was removed.
    """
    removed = {"netns": [], "loop": [], "cgroups": [], "dirs": [], "owners": []}
    live = live_run_ids()
    d = registry_dir()
    dead_records = []
    if d.is_dir():
        for p in d.glob(f"{PREFIX}*.owner"):
            try:
                rec = json.loads(p.read_text())
            except (OSError, ValueError):
                rec = {"rid": p.name.split(".")[0]}
            if rec.get("rid") not in live:
                dead_records.append((p, rec))
    # 1. namespaces (and every process still inside them). Switch last: its deletion removes
    #    the bridges and the switch ends of all veths.
    names = [n for n in _netns_names() if NETNS_RE.match(n) and NETNS_RE.match(n).group(1) not in live]
    names.sort(key=lambda n: n.endswith("-sw"))
    for ns in names:
        kill_netns_processes(ns)
    # cgroups before deleting namespaces: kills the frozen/hidden processes too.
    bases = set()
    base, _ = cgroups.find_base(create=False)
    if base is not None:
        bases.add(base)
    for _p, rec in dead_records:
        if rec.get("cgroup"):
            bases.add(Path(rec["cgroup"]).parent)
    for b in bases:
        if not b.is_dir():
            continue
        for cg in b.iterdir():
            m = RID_RE.match(cg.name)
            if cg.is_dir() and m and m.group(1) not in live:
                cgroups.remove_tree(cg)
                removed["cgroups"].append(str(cg))
        try:
            b.rmdir()  # the shared base, when no other run is using it
        except OSError:
            pass
    for ns in names:
        run(["ip", "netns", "del", ns], check=False)
        removed["netns"].append(ns)
    # 2. loop devices whose backing file sits in a dead run's directory
    for dev, back in _loop_devices():
        rid = _rid_of_backing(back)
        if rid and rid not in live:
            detach_loop(dev)
            removed["loop"].append(dev)
    # 3. run directories
    dirs = set()
    wb = work_base()
    if wb.is_dir():
        for p in wb.iterdir():
            m = RID_RE.match(p.name)
            if m and m.group(1) not in live:
                dirs.add(p)
    for _p, rec in dead_records:
        if rec.get("rundir"):
            rd = Path(rec["rundir"])
            if rd.exists() and RID_RE.match(rd.name):
                dirs.add(rd)
    for p in sorted(dirs):
        shutil.rmtree(p, ignore_errors=True)
        removed["dirs"].append(str(p))
    for p, rec in dead_records:
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        removed["owners"].append(rec.get("rid"))
    if verbose:
        print(json.dumps(removed, indent=1))
    return removed


# --- always-cleanup: atexit + SIGTERM/SIGINT -------------------------------------------------

_live_clusters: "weakref.WeakSet" = weakref.WeakSet()
_installed = False
_previous = {}
_lock = threading.RLock()
_tearing_down = 0
_pending_signal: Optional[int] = None


def track(cluster) -> None:
    _install()
    _live_clusters.add(cluster)


def untrack(cluster) -> None:
    _live_clusters.discard(cluster)


def teardown_all() -> None:
    global _tearing_down
    with _lock:
        _tearing_down += 1
        try:
            for c in list(_live_clusters):
                try:
                    c.teardown()
                except Exception as exc:  # noqa: BLE001 - keep cleaning the others
                    print(f"lifeline_harness: teardown of {getattr(c, 'rid', '?')} failed: {exc}")
        finally:
            _tearing_down -= 1
    redeliver_pending_signal()


def in_teardown() -> bool:
    return _tearing_down > 0


def _handler(signum, frame):
    global _pending_signal
    if in_teardown():
        # Let the running teardown finish; re-deliver afterwards (see Cluster.teardown).
        _pending_signal = signum
        return
    teardown_all()
    prev = _previous.get(signum)
    if callable(prev):
        prev(signum, frame)
        return
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def redeliver_pending_signal() -> None:
    global _pending_signal
    sig, _pending_signal = _pending_signal, None
    if sig is not None and not in_teardown():
        _handler(sig, None)


def _install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    atexit.register(teardown_all)
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            prev = signal.getsignal(sig)
            _previous[sig] = prev if prev not in (signal.SIG_DFL, signal.SIG_IGN, None) else None
            if sig == signal.SIGINT and prev is signal.default_int_handler:
                _previous[sig] = None
            signal.signal(sig, _handler)
        except (ValueError, OSError):
            pass
