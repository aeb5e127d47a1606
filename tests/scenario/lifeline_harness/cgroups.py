"""cgroup v2 support: one cgroup per node, used to freeze, thaw and kill all of its processes.

Where the cgroup2 hierarchy lives differs between machines: on a pure-v2 host it is mounted at
``/sys/fs/cgroup``; on a "hybrid" host (v1 controllers plus a v2 tree) it is usually at
``/sys/fs/cgroup/unified``. Only the v2 core features are needed (``cgroup.procs``,
``cgroup.freeze``, ``cgroup.events`` and, when present, ``cgroup.kill``); no controller is
enabled, so nothing is limited or accounted differently for the processes moved there.

The harness creates ``<cgroup2 mount><own cgroup>/lifeline-harness/<run id>/<node>`` plus a
``ctl`` leaf used by the sandbox power script to step out of the node it kills.
"""

from __future__ import annotations

import errno
import os
import signal
import time
from pathlib import Path
from typing import Optional, Tuple

BASE_NAME = "lifeline-harness"


def _cgroup2_mounts() -> list:
    mounts = []
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                left, _, right = line.partition(" - ")
                fstype = right.split()[0] if right else ""
                if fstype == "cgroup2":
                    mounts.append(left.split()[4])
    except OSError:
        pass
    # Prefer the canonical location when it is v2 itself.
    mounts.sort(key=lambda m: (m != "/sys/fs/cgroup", m))
    return mounts


def _own_v2_path() -> str:
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                if line.startswith("0::"):
                    return line[3:].strip() or "/"
    except OSError:
        pass
    return "/"


def find_base(create: bool = True) -> Tuple[Optional[Path], str]:
    """Return (base directory for harness cgroups, reason). base is None when unusable.

    With create=False nothing is created: the base is returned only if it exists.
    """
    mounts = _cgroup2_mounts()
    if not mounts:
        return None, "no cgroup2 hierarchy is mounted (checked /proc/self/mountinfo)"
    reasons = []
    for mnt in mounts:
        own = _own_v2_path()
        parent = Path(mnt + (own if own != "/" else ""))
        if not parent.is_dir():
            parent = Path(mnt)
        base = parent / BASE_NAME
        if not create:
            if base.is_dir():
                return base, f"cgroup2 at {mnt}"
            reasons.append(f"{base}: does not exist")
            continue
        try:
            base.mkdir(exist_ok=True)
        except OSError as exc:
            reasons.append(f"{base}: cannot create ({exc.strerror})")
            continue
        if not (base / "cgroup.freeze").exists():
            reasons.append(f"{base}: no cgroup.freeze (kernel older than 5.2?)")
            continue
        if not os.access(base / "cgroup.procs", os.W_OK):
            reasons.append(f"{base}: cgroup.procs not writable")
            continue
        return base, f"cgroup2 at {mnt}"
    return None, "; ".join(reasons)


def create(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)


def procs(path: Path) -> list:
    try:
        return [int(x) for x in (path / "cgroup.procs").read_text().split()]
    except OSError:
        return []


def populated(path: Path) -> bool:
    try:
        for line in (path / "cgroup.events").read_text().splitlines():
            k, _, v = line.partition(" ")
            if k == "populated":
                return v.strip() == "1"
    except OSError:
        return False
    return False


def frozen(path: Path) -> bool:
    try:
        for line in (path / "cgroup.events").read_text().splitlines():
            k, _, v = line.partition(" ")
            if k == "frozen":
                return v.strip() == "1"
    except OSError:
        return False
    return False


def set_frozen(path: Path, value: bool) -> None:
    (path / "cgroup.freeze").write_text("1" if value else "0")


def kill_all(path: Path, timeout: float = 5.0) -> bool:
    """SIGKILL every process of the cgroup (and below); True when it became empty in time."""
    if not path.is_dir():
        return True
    kill_file = path / "cgroup.kill"
    deadline = time.monotonic() + timeout
    while True:
        if kill_file.exists():
            try:
                kill_file.write_text("1")
            except OSError:
                pass
        else:  # kernels before 5.14: kill what is listed, repeat until empty
            for sub in [path] + [p for p in path.rglob("*") if p.is_dir()]:
                for pid in procs(sub):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        if not populated(path):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)


def remove_tree(path: Path, timeout: float = 5.0) -> bool:
    """Kill the processes of a cgroup subtree, then rmdir it leaves first."""
    if not path.is_dir():
        return True
    try:
        set_frozen(path, False)
    except OSError:
        pass
    kill_all(path, timeout)
    dirs = sorted((p for p in path.rglob("*") if p.is_dir()), key=lambda p: len(p.parts),
                  reverse=True) + [path]
    ok = True
    deadline = time.monotonic() + timeout
    for d in dirs:
        while True:
            try:
                d.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError as exc:
                if exc.errno != errno.EBUSY or time.monotonic() >= deadline:
                    ok = False
                    break
                kill_all(d, 0.5)
                time.sleep(0.01)
    return ok
