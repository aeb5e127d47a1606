"""A shared-disk path that can break (pseudo-failures #1/#2: a pulled SCSI/FC cable, a
powered-off FC hub, as one server sees it).

One server's view of a shared disk goes through ``tests/tools/faulty_file`` (FUSE), which
passes every read, write and fsync through to the disk image until ``fail()``, and fails them
with EIO from then on until ``heal()``. The other servers keep their healthy path.

    f = FaultyDisk(c, program, server=1, disk=0).start()   # before lifelined mounts the disk
    f.fail(); f.heal(); f.failing
    f.close()                                             # idempotent

How:
* The daemon runs in a private mount namespace of its own (``unshare --mount``): its FUSE
  mount is seen by nobody else and vanishes with it, even when the test run is killed
  (PR_SET_PDEATHSIG): no mount is ever left behind.
* A loop device is attached over the served file from inside that namespace and bind-mounted
  at ``disk.server_path`` in the server's mount namespace in place of the server's own plain
  loop device, which is detached. ``disk.server_devices[server]`` names the new device, so
  ``Cluster.is_mounted``, the OwnershipChecker, ``power_on`` and the cluster teardown (which
  detaches it) treat it as that server's device.
* The disk's path names the run: ``<rundir>/faulty/server1-disk0/lifeline-harness/<rid>/
  server1-disk0`` (mount point, then the file's path inside the FUSE mount). Once the mount is
  gone (the daemon died with a killed test run) the kernel shows a loop device's backing file
  relative to the FUSE root, ``/lifeline-harness/<rid>/server1-disk0``, which still names the
  run: ``cleanup_stale`` detaches such a leftover like any other loop device of a dead run.
* ``close()`` heals, then stops the daemon. Close it after the cluster's teardown when it can
  (the loop device is released while the daemon still serves it); closed earlier, the server
  that still uses the device sees I/O errors until the teardown, nothing worse.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Optional, Union

from ._util import HarnessError, run, wait_until
from .cluster import tool

PROGRAM = "faulty_file"


def find_program(build_dir: Optional[Union[str, Path]]) -> Optional[Path]:
    """The faulty_file helper of a build tree, or None."""
    if build_dir is None:
        return None
    p = Path(build_dir) / "tests" / "tools" / PROGRAM
    return p if os.access(p, os.X_OK) else None


def unavailable(build_dir: Optional[Union[str, Path]]) -> Optional[str]:
    """None when FaultyDisk works here, else the reason (for pytest.skip)."""
    if not os.path.exists("/dev/fuse"):
        return "no /dev/fuse (FUSE is not available in this kernel or container)"
    if find_program(build_dir) is None:
        return (f"{PROGRAM} is not built in {build_dir} (it needs libfuse3-dev and fuse3, "
                f"see installer/packages.txt)")
    return None


class FaultyDisk:
    def __init__(self, cluster, program: Union[str, Path], server, disk: int = 0):
        self.c = cluster
        self.program = Path(program)
        self.node = cluster.node(server)
        self.disk = cluster.disks[disk]
        tag = f"{self.node.name}-disk{disk}"
        self.mount = cluster.rundir / "faulty" / tag
        self.name = f"lifeline-harness/{cluster.rid}/{tag}"  # the disk inside the mount
        self.log = cluster.rundir / "faulty" / f"{tag}.log"
        self.proc: Optional[subprocess.Popen] = None
        self.device: Optional[str] = None

    # -- paths through the daemon's mount namespace ---------------------------------------
    def _in_daemon(self, path: Path) -> str:
        """`path` as the daemon's mount namespace has it (the FUSE mount is only there)."""
        return f"/proc/{self.proc.pid}/root{path}"

    @property
    def failing(self) -> bool:
        return Path(self._in_daemon(self.mount / "control")).read_text().strip() == "eio"

    def _control(self, word: str) -> None:
        fd = os.open(self._in_daemon(self.mount / "control"), os.O_WRONLY)
        try:
            os.write(fd, word.encode() + b"\n")
        finally:
            os.close(fd)

    def fail(self) -> None:
        """From now on every read, write and fsync through this path fails with EIO."""
        self._control("eio")

    def heal(self) -> None:
        self._control("ok")

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> "FaultyDisk":
        try:
            self._start()
        except BaseException:
            if self.device and self.disk.server_devices.get(self.node.name) != self.device:
                run([tool("losetup"), "-d", self.device], check=False)
            self.close()
            raise
        return self

    def _start(self) -> None:
        n, d = self.node, self.disk
        plain = d.server_devices[n.name]
        if self.c.is_mounted(n, d):
            raise HarnessError(f"{plain} is in use on {n.name}: start the FaultyDisk before "
                               f"anything mounts the disk there")
        self.mount.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            # -f: foreground (the pid is the daemon's); -s: one thread is plenty.
            self.proc = self.c._spawn([tool("unshare"), "--mount", "--propagation", "private",
                                       str(self.program), "--name", self.name,
                                       str(d.image), str(self.mount),
                                       "-f", "-s", "-o", f"fsname={PROGRAM}"],
                                      cgroup=None, stdout=log)
        control = Path(self._in_daemon(self.mount / "control"))

        def up():
            if self.proc.poll() is not None:
                raise HarnessError(f"{PROGRAM} exited with {self.proc.returncode}: "
                                   f"{self.log.read_text(errors='replace')[-1000:]}")
            return control.exists()
        wait_until(up, 10, message=f"{PROGRAM} did not mount {self.mount}")
        self.device = self._attach_loop()
        # The server's path now goes through the daemon; its plain device is let go.
        self.c.run(n, ["umount", str(d.server_path)])
        self.c.run(n, ["mount", "--bind", self.device, str(d.server_path)])
        d.server_devices[n.name] = self.device
        run([tool("losetup"), "-d", plain], check=False)

    def _attach_loop(self) -> str:
        # As Cluster._attach_loop: clear a read-only flag a former user left on the device.
        # losetup runs in the daemon's namespace, where the FUSE mount is.
        enter = [tool("nsenter"), "-t", str(self.proc.pid), "-m", "--"]
        for _ in range(5):
            dev = run([tool("losetup"), "--find"]).stdout.strip()
            run(["blockdev", "--setrw", dev])
            if run(enter + [tool("losetup"), dev, str(self.mount / self.name)],
                   check=False).returncode == 0:
                return dev
        raise HarnessError(f"cannot attach {self.mount / self.name} to a free loop device")

    def close(self) -> None:
        """Heal and stop the daemon (its mount namespace, and the FUSE mount, go with it)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.heal()
        except OSError:
            pass
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def __enter__(self) -> "FaultyDisk":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
