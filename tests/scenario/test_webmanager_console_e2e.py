"""The WebManager console end to end: Debian's headless Chromium, driven by playwright-core
(tests/e2e/webmanager_console.mjs), in the client namespace of the 2-server cluster of
test_webmanager_api. The operator logs in, sees two servers Online and genw1's state on each
server in the details, moves failover1 and watches it arrive, reads the move in the alert log;
the reference user cannot operate. Screenshots of every step are saved under
<build>/tests/screenshots/webmanager/ for review."""

import os
import shutil
from pathlib import Path

import pytest

from test_webmanager_api import OPERATOR, REFERENCE, web  # noqa: F401 (the fixture)

E2E = Path(__file__).resolve().parents[1] / "e2e"


def test_console_in_chromium(web, lifeline_build_dir):  # noqa: F811 (the fixture)
    for need, hint in ((E2E / "node_modules" / "playwright-core", "installer/setup.sh --deps-only"),
                       (Path("/usr/bin/chromium"), "installer/setup.sh --deps-only (package chromium)")):
        if not need.exists():
            pytest.fail(f"{need} is missing: run {hint}")
    c, l, api = web
    shots = Path(lifeline_build_dir) / "tests" / "screenshots" / "webmanager"
    shutil.rmtree(shots, ignore_errors=True)
    url = f"https://{c[1].ip('public')}:29003/"
    r = c.run_netns(c.client_ns, [shutil.which("node") or "/usr/bin/node", str(E2E / "webmanager_console.mjs"),
                                  url, OPERATOR[1], REFERENCE[1], str(shots)], check=False, timeout=180)
    assert r.returncode == 0, f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}"
    assert r.stdout.strip().endswith("ok"), r.stdout
    assert len(list(shots.glob("*.png"))) == 6, sorted(os.listdir(shots))
    l.wait_group(2, "failover1", "Online", "server2")  # the move the browser made is real
