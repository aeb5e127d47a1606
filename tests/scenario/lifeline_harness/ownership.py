"""The "never two owners" checker: samples every server every 50 ms while a scenario runs and
records each moment a floating IP is configured on, or a shared disk mounted by, two servers at
once. Reading /proc/<holder>/net/fib_trie and /proc/<holder>/mountinfo costs no process start,
so a sample of every server takes well under a millisecond.

    with OwnershipChecker(c, fips=[c.fip(1)]) as owners:
        ... scenario ...
    owners.assert_never_two()        # also called by __exit__ unless the block raised
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Dict, List, Sequence

from ._util import parse_mountinfo


def local_addresses(fib_trie: str) -> set:
    """Addresses configured in a network namespace: "/32 host LOCAL" leaves of its fib_trie."""
    out, last = set(), None
    for line in fib_trie.splitlines():
        s = line.strip()
        if s.startswith("|-- "):
            last = s[4:]
        elif s.startswith("/32 host LOCAL") and last:
            out.add(last)
    return out


class OwnershipChecker:
    def __init__(self, cluster, *, fips: Sequence[str] = (), disks: Sequence[int] = (0,),
                 period: float = 0.05):
        self.c = cluster
        self.fips = list(fips)
        self.disks = [cluster.disks[i] for i in disks] if cluster.disks else []
        self.period = period
        self.samples = 0
        self.violations: List[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="ownership-checker", daemon=True)

    def owners(self) -> Dict[str, List[str]]:
        """{resource: [servers holding it]} right now ("fip 198.18.0.100", "disk0")."""
        held: Dict[str, List[str]] = {f"fip {ip}": [] for ip in self.fips}
        held.update({f"disk{self.c.disks.index(d)}": [] for d in self.disks})
        for n in self.c.nodes:
            pid = n.holder_pid
            if pid is None:
                continue
            try:
                addrs = local_addresses(Path(f"/proc/{pid}/net/fib_trie").read_text())
                mounts = parse_mountinfo(Path(f"/proc/{pid}/mountinfo").read_text())
            except OSError:
                continue  # powered off between the look-up and the read
            for ip in self.fips:
                if ip in addrs:
                    held[f"fip {ip}"].append(n.name)
            devs = {m["dev"] for m in mounts}
            for d in self.disks:
                if devs & d.numbers():
                    held[f"disk{self.c.disks.index(d)}"].append(n.name)
        return held

    def _loop(self) -> None:
        while not self._stop.is_set():
            t = time.monotonic()
            for what, servers in self.owners().items():
                if len(servers) > 1:
                    self.violations.append(f"{time.strftime('%H:%M:%S')} {what} on {', '.join(servers)}")
            self.samples += 1
            self._stop.wait(max(0.0, self.period - (time.monotonic() - t)))

    def __enter__(self) -> "OwnershipChecker":
        self._thread.start()
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        if exc_type is None:
            self.assert_never_two()

    def assert_never_two(self) -> None:
        assert self.samples > 0, "the ownership checker took no sample"
        assert not self.violations, "two owners at once:\n" + "\n".join(self.violations[:20])
