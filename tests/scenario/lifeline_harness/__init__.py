"""Lifeline multi-node scenario test harness.

A whole cluster of servers on one machine: network + mount (+ UTS) namespaces per server, a
public LAN and an interconnect bridged in a switch namespace, a client and a ping target, shared
loop-device disks, and fault injection (link cut, partition, power-off, freeze). See
``tests/scenario/README.md`` and the ``cluster`` module docstring.
"""

from ._util import HarnessError, Unsupported, holds_for, parse_mountinfo, wait_until
from .cluster import (ALLOWED_NET, CLIENT_IP, INTERCONNECT_NET, LANS, MAX_SERVERS, NODE_IFACE,
                      PING_TARGET_IP, PUBLIC_NET, SANDBOX_POWER, SHARED_IFACE, Cluster, Disk,
                      Node, NodeProcess, check_environment)
from .registry import cleanup_stale, live_run_ids

__all__ = [
    "ALLOWED_NET", "CLIENT_IP", "INTERCONNECT_NET", "LANS", "MAX_SERVERS", "NODE_IFACE",
    "PING_TARGET_IP", "PUBLIC_NET", "SANDBOX_POWER", "SHARED_IFACE", "Cluster", "Disk",
    "HarnessError", "Node", "NodeProcess", "Unsupported", "check_environment", "cleanup_stale",
    "holds_for", "live_run_ids", "parse_mountinfo", "wait_until",
]
