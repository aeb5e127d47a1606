#!/usr/bin/env python3
"""The demo cluster of the README's first command: two Lifeline servers on this machine, each
in its own network and mount namespace (the scenario harness's topology: public LAN
198.18.0.0/24, interconnect 198.19.0.0/24, a client and a ping target), running lifelined with
installer/examples/demo/clp.conf: group failover1 = fip 198.18.0.100 + disk (ext4 on the
shared loop disk) + exec (an HTTP server on the fip serving the disk), under a 30-day trial
license registered with clplcnsc on each server.

  demo.py run BUILD_DIR STATE_FILE   build it, write STATE_FILE when every server is Online, and
                                     keep it until SIGTERM (then tear everything down)

installer/demo.sh starts this in the background and reads STATE_FILE."""

import json
import signal
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEMO_DIR = "/run/lifeline-demo"
sys.path.insert(0, str(HERE.parent / "tests" / "scenario"))

from lifeline_harness import Cluster  # noqa: E402
from lifeline_harness.lifeline import Lifeline  # noqa: E402


def main(build_dir, state_file):
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    demo = HERE / "examples" / "demo"
    scripts = {str(p.relative_to(demo / "scripts")): p.read_text()
               for p in (demo / "scripts").rglob("*.sh")}
    with Cluster(2) as c:
        # The configuration names the shared disk and mount point by fixed paths: give
        # each server its own view of the disk there (its mount namespace).
        Path(DEMO_DIR, "mnt").mkdir(parents=True, exist_ok=True)
        Path(DEMO_DIR, "disk0").touch()
        c.make_ext4()
        def bind_disk(n):
            c.run(n, ["mount", "--bind", str(c.disks[0].server_path), f"{DEMO_DIR}/disk0"])
        for n in c.nodes:
            bind_disk(n)
        # A 30-day trial license (made with the TEST key), registered on each server with
        # clplcnsc as an administrator does: without one the cluster service does not start.
        l = Lifeline(c, build_dir).deploy((demo / "clp.conf").read_text(), scripts, license="trial")
        l.start_all()
        l.wait_all_online(timeout=60)
        l.wait_group(1, "failover1", "Online", timeout=60)
        Path(state_file).write_text(json.dumps({
            "run": c.rid,
            "servers": {n.name: {"root": str(n.root), "netns": n.netns,
                                 "public": n.public_ip, "interconnect": n.interconnect_ip}
                        for n in c.nodes},
            "client_netns": c.client_ns,
        }, indent=2))
        # installer/demo.sh poweroff|poweron SERVER writes its request here.
        requests = Path(DEMO_DIR, "request")
        while not stop.wait(0.2):
            if not requests.exists():
                continue
            verb, _, name = requests.read_text().strip().partition(" ")
            requests.unlink()
            try:
                if verb == "poweroff":
                    c.power_off(name)
                elif verb == "poweron":
                    c.power_on(name)
                    bind_disk(c[name])
                    l.start(name)
                print(f"{verb} {name}: done", flush=True)
            except Exception as exc:  # noqa: BLE001 - reported, the demo keeps running
                print(f"{verb} {name}: {exc}", flush=True)
    Path(state_file).unlink(missing_ok=True)
    Path(DEMO_DIR, "disk0").unlink(missing_ok=True)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "run":
        sys.exit(__doc__)
    main(sys.argv[2], sys.argv[3])
