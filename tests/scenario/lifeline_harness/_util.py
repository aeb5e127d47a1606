"""Small helpers shared by the harness: command execution, polling, errors."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
import unittest
from typing import Any, Callable, Iterable, Optional, Sequence


class HarnessError(RuntimeError):
    """A harness operation failed (a command exited non-zero, a resource is missing...)."""


class Unsupported(unittest.SkipTest):
    """The machine cannot do what was asked (no cgroup2, not root, no ip netns...).

    It derives from ``unittest.SkipTest`` so that pytest reports a test that hits it as
    SKIPPED with the message as the reason, while non-pytest users get a normal exception.
    """


def run(argv: Sequence[str], *, check: bool = True, timeout: float = 20.0,
        input: Optional[str] = None, env: Optional[dict] = None) -> subprocess.CompletedProcess:
    """Run a command, capture its output as text, raise HarnessError on failure when check."""
    try:
        cp = subprocess.run(list(argv), input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, timeout=timeout, env=env,
                            stdin=None if input is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise HarnessError(f"command timed out after {timeout}s: {shlex.join(argv)}") from exc
    except FileNotFoundError as exc:
        raise HarnessError(f"command not found: {argv[0]}") from exc
    if check and cp.returncode != 0:
        raise HarnessError(f"command failed (exit {cp.returncode}): {shlex.join(argv)}\n"
                           f"stdout: {cp.stdout.strip()}\nstderr: {cp.stderr.strip()}")
    return cp


def wait_until(predicate: Callable[[], Any], timeout: float, interval: float = 0.02,
               message: str = "condition not met") -> Any:
    """Poll ``predicate`` until it returns a truthy value or ``timeout`` seconds pass.

    Returns the first truthy value. On timeout raises AssertionError carrying ``message``
    and the last value observed (or the last exception the predicate raised). The predicate
    is always evaluated at least once and once more right at the deadline.
    """
    deadline = time.monotonic() + timeout
    last: Any = None
    attempts = 0
    while True:
        attempts += 1
        try:
            last = predicate()
        except AssertionError:
            raise
        except Exception as exc:  # noqa: BLE001 - observed value for the report
            last = exc
        else:
            if last:
                return last
        now = time.monotonic()
        if now >= deadline:
            raise AssertionError(f"{message}: not reached within {timeout}s "
                                 f"({attempts} attempts); last observed value: {last!r}")
        time.sleep(min(interval, max(0.0, deadline - now)))


def holds_for(predicate: Callable[[], Any], duration: float, interval: float = 0.02,
              message: str = "condition did not hold") -> None:
    """Assert that ``predicate`` stays truthy for ``duration`` seconds (sampled each interval).

    This is an observation window ("nothing happens for 0.3 s"), not a synchronisation
    sleep: it fails as soon as one sample is falsy.
    """
    deadline = time.monotonic() + duration
    samples = 0
    while True:
        samples += 1
        value = predicate()
        if not value:
            raise AssertionError(f"{message}: became false after {samples} samples; "
                                 f"observed value: {value!r}")
        now = time.monotonic()
        if now >= deadline:
            return
        time.sleep(min(interval, deadline - now))


def which_all(names: Iterable[str]) -> list:
    """Return the names of the commands that are NOT on PATH (including sbin dirs)."""
    import shutil
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin"
    return [n for n in names if shutil.which(n, path=path) is None]


def parse_mountinfo(text: str) -> list:
    """Parse /proc/PID/mountinfo: [{'id', 'dev' (major:minor), 'root', 'mountpoint', 'fstype',
    'source'}]."""
    out = []
    for line in text.splitlines():
        left, _, right = line.partition(" - ")
        f = left.split()
        r = right.split()
        if len(f) >= 5 and len(r) >= 2:
            out.append({"id": f[0], "dev": f[2], "root": f[3], "mountpoint": f[4],
                        "fstype": r[0], "source": r[1]})
    return out
