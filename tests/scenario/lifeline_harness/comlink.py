"""A "COM cable" (null modem) between two servers of a harness cluster.

Two pseudo-terminals, one per server; a relay thread in the test process copies what one
server writes to its tty to the other's, byte for byte, as a crossed serial cable does. Each
server opens its end by a stable path (a symlink under the run directory to the pty's
/dev/pts/N); the servers share the host's /dev/pts, so the path works inside their mount
namespaces too.

    link = ComLink(c, 1, 2).plug()
    xml = cluster_xml(c, server_devices=link.devices_xml(400), heartbeats_xml=...)
    link.pull()                 # the other end is gone: each server's tty hangs up (EIO/EOF)
    link.pull(hangup=False)     # a silent line: the ttys stay, nothing crosses (a real
                                # serial port with CLOCAL when its cable is pulled)
    link.plug()                 # new ptys behind the same paths (after a pull with hang-up)
    link.close()                # or use it as a context manager

The relay reads with `select` and writes non-blocking; bytes the other end cannot take at once
are dropped (and counted), as a line without flow control loses them.
"""

from __future__ import annotations

import errno
import os
import select
import threading
import tty
from pathlib import Path


class _Pty:
    """One end: the master (the relay's side) and the slave the server opens. The relay keeps
    the slave open too, so the master never reads EIO while the server has its end closed."""

    def __init__(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # no echo, no line editing before the server sets the line up
        os.set_blocking(self.master, False)
        self.slave_path = os.ttyname(self.slave)

    def drain(self) -> int:
        dropped = 0
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return dropped
            if not data:
                return dropped
            dropped += len(data)

    def close(self):
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


class ComLink:
    def __init__(self, cluster, a, b, name: str = "com0"):
        self.c = cluster
        self.nodes = (cluster[a], cluster[b])
        self.name = name
        self.dir = Path(cluster.rundir) / "com"
        self.dir.mkdir(parents=True, exist_ok=True)
        self._paths = {n.name: self.dir / f"{name}-{n.name}" for n in self.nodes}
        self._ptys: dict[str, _Pty] = {}
        self._thread: threading.Thread | None = None
        self._wake_r, self._wake_w = os.pipe()
        self._stop = threading.Event()
        self.forwarded = 0  # bytes carried from one end to the other
        self.dropped = 0    # bytes the receiving end could not take (or left behind by a pull)

    # -- configuration -----------------------------------------------------------------
    def path(self, node) -> str:
        """The tty path of `node`'s end (its com device info)."""
        return str(self._paths[self.c[node].name])

    def devices_xml(self, device_id: int):
        """For cluster_xml(server_devices=...): the com device on the two servers of the link."""
        def xml(node):
            if node.name not in self._paths:
                return ""
            return (f'<device id="{device_id}"><type>com</type>'
                    f'<info>{self._paths[node.name]}</info></device>')
        return xml

    # -- the cable ---------------------------------------------------------------------
    @property
    def plugged(self) -> bool:
        return self._thread is not None

    def plug(self) -> "ComLink":
        """Connects the two ends (making new ptys if the last pull hung them up)."""
        if self.plugged:
            return self
        if not self._ptys:
            for n in self.nodes:
                p = _Pty()
                self._ptys[n.name] = p
                tmp = self._paths[n.name].with_suffix(".new")
                if tmp.is_symlink():
                    tmp.unlink()
                tmp.symlink_to(p.slave_path)
                tmp.replace(self._paths[n.name])  # atomic: a server never sees no file
        else:
            for p in self._ptys.values():  # what queued while the line was silent is gone
                self.dropped += p.drain()
        self._stop.clear()
        self._thread = threading.Thread(target=self._relay, name=f"comlink-{self.name}", daemon=True)
        self._thread.start()
        return self

    def pull(self, hangup: bool = True) -> None:
        """Stops the relay. `hangup`: the ptys go too, so each server's tty hangs up and its
        path disappears until plug(); otherwise the line just falls silent."""
        if self._thread is not None:
            self._stop.set()
            os.write(self._wake_w, b"x")
            self._thread.join(timeout=5)
            self._thread = None
            while select.select([self._wake_r], [], [], 0)[0]:
                os.read(self._wake_r, 64)
        if hangup:
            for name, p in self._ptys.items():
                try:
                    self._paths[name].unlink()
                except FileNotFoundError:
                    pass
                p.close()
            self._ptys.clear()

    def close(self) -> None:
        self.pull(hangup=True)
        for fd in (self._wake_r, self._wake_w):
            try:
                os.close(fd)
            except OSError:
                pass
        self._wake_r = self._wake_w = -1

    def __enter__(self) -> "ComLink":
        return self.plug()

    def __exit__(self, *exc) -> None:
        self.close()

    # -- relay thread ------------------------------------------------------------------
    def _relay(self) -> None:
        a, b = (self._ptys[n.name] for n in self.nodes)
        other = {a.master: b.master, b.master: a.master}
        while not self._stop.is_set():
            readable, _, _ = select.select([a.master, b.master, self._wake_r], [], [])
            for fd in readable:
                if fd == self._wake_r:
                    continue
                try:
                    data = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                except OSError as exc:
                    if exc.errno == errno.EIO:  # cannot happen while we hold the slave; be safe
                        self._stop.wait(0.05)
                        continue
                    raise
                self._write(other[fd], data)

    def _write(self, fd: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                n = os.write(fd, view)
            except (BlockingIOError, OSError):
                break
            view = view[n:]
            self.forwarded += n
        self.dropped += len(view)
