#!/usr/bin/env python3
"""The demo cluster of the README's first command: two Lifeline servers on this machine, each
in its own network and mount namespace (the scenario harness's topology: public LAN
198.18.0.0/24, interconnect 198.19.0.0/24, a client and a ping target), running lifelined with
installer/examples/demo/clp.conf.

  demo.py run BUILD_DIR STATE_FILE   build it, write STATE_FILE when every server is Online, and
                                     keep it until SIGTERM (then tear everything down)

installer/demo.sh starts this in the background and reads STATE_FILE."""

import json
import signal
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
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
        l = Lifeline(c, build_dir).deploy((demo / "clp.conf").read_text(), scripts)
        l.start_all()
        l.wait_all_online(timeout=60)
        Path(state_file).write_text(json.dumps({
            "run": c.rid,
            "servers": {n.name: {"root": str(n.root), "netns": n.netns,
                                 "public": n.public_ip, "interconnect": n.interconnect_ip}
                        for n in c.nodes},
            "client_netns": c.client_ns,
        }, indent=2))
        stop.wait()
    Path(state_file).unlink(missing_ok=True)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "run":
        sys.exit(__doc__)
    main(sys.argv[2], sys.argv[3])
