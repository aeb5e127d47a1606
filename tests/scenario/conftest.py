"""pytest glue for the Lifeline scenario tests (multi-server clusters on one machine).

Fixtures:
  cluster_factory      cluster_factory(n_servers, **kw) -> started lifeline_harness.Cluster,
                       torn down after the test whatever happens (also on Ctrl-C / SIGTERM).
  lifeline_build_dir   Path of the build tree (--lifeline-build-dir or $LIFELINE_BUILD_DIR), or
                       None.
  lifeline_program     lifeline_program("lifelined") -> Path of that executable in the build
                       tree; SKIPS the test when it has not been built.
  scenario_environment session-wide check (root, ip netns, namespaces, loop devices) that skips
                       with the reason, and removes leftovers of killed earlier runs once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from lifeline_harness import Cluster, check_environment, cleanup_stale  # noqa: E402
from lifeline_harness.build import BUILD_DIR_ENV, build_dir, find_program  # noqa: E402

REPO = HERE.parent.parent
ARTIFACTS_ENV = "LIFELINE_SCENARIO_ARTIFACTS"


def pytest_addoption(parser):
    group = parser.getgroup("lifeline scenario")
    group.addoption("--lifeline-build-dir", action="store", default=None, metavar="DIR",
                    help=f"build directory holding lifelined and the clp* commands "
                         f"(default: ${BUILD_DIR_ENV}, else <repo>/build if it exists)")


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


@pytest.fixture(scope="session")
def lifeline_build_dir(pytestconfig) -> Optional[Path]:
    return build_dir(pytestconfig.getoption("lifeline_build_dir", default=None), REPO)


@pytest.fixture(scope="session")
def lifeline_program(lifeline_build_dir):
    """Find an executable (lifelined, clpstat, ...) in the build tree, or skip the test."""
    def find(name: str) -> Path:
        if lifeline_build_dir is None:
            pytest.skip(f"no build directory: set ${BUILD_DIR_ENV} or --lifeline-build-dir")
        path = find_program(lifeline_build_dir, name)
        if path is None:
            pytest.skip(f"{name} is not built in {lifeline_build_dir}")
        return path
    return find


@pytest.fixture(scope="session")
def scenario_environment():
    reason = check_environment()
    if reason:
        pytest.skip(f"scenario cluster unavailable: {reason}")
    cleanup_stale()
    return True


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@pytest.fixture
def cluster_factory(request, scenario_environment):
    """cluster_factory(n_servers, shared_disks=1, disk_size_mib=64, ipv6=False) -> Cluster."""
    clusters = []

    def make(n_servers: int, **kw) -> Cluster:
        c = Cluster(n_servers, **kw)
        clusters.append(c)
        return c.start()

    yield make
    rep = getattr(request.node, "rep_call", None)
    failed = rep is not None and rep.failed
    for c in clusters:
        try:
            if failed and c.nodes:
                print(c.describe())
                for n in c.nodes:
                    print(f"--- {n.name} console.log (tail) ---\n{_tail(n.console_log)}")
                dest = os.environ.get(ARTIFACTS_ENV)
                if dest:
                    c.collect_logs(Path(dest) / request.node.name / c.rid)
        finally:
            c.teardown()
