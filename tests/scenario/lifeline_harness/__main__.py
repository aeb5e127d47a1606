"""Command line: ``python3 -m lifeline_harness cleanup`` removes leftovers of killed runs;
``python3 -m lifeline_harness up N`` starts an N-server topology and keeps it until Ctrl-C
(handy to poke at it by hand)."""

import argparse
import signal
import sys

from . import Cluster, check_environment, cleanup_stale


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m lifeline_harness")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("cleanup", help="remove namespaces, loop devices, cgroups and directories "
                                   "left by killed harness runs")
    up = sub.add_parser("up", help="start a topology and wait for Ctrl-C")
    up.add_argument("servers", type=int)
    args = ap.parse_args(argv)
    reason = check_environment()
    if reason:
        print(f"cannot run here: {reason}", file=sys.stderr)
        return 2
    if args.cmd == "cleanup":
        cleanup_stale(verbose=True)
        return 0
    with Cluster(args.servers) as c:
        print(c.describe(), flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
