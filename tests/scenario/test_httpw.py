"""httpw on the failover1 cluster, whose exec resource's resident is an HTTP server on the fip:
the monitor is Normal while the page is served; a server that stops answering (SIGSTOP: the
kernel still accepts the connection) makes each check time out, the scheduler cancels it, and
the group fails over to where the page is served again. Runs under the ownership checker, with
the Internet Server Agent option license (ISAG10) that httpw needs."""

from lifeline_harness import wait_until
from lifeline_harness.lifeline import monitor_xml, monitors_of
from lifeline_harness.ownership import OwnershipChecker
from test_groups import PORT
from test_monitors import make, resident_pid


def test_http_server_that_stops_answering_fails_over(cluster_factory, lifeline_program,
                                                     lifeline_build_dir):
    def monitors(c):
        return monitor_xml("httpw", "httpw1", target="exec1", relation=("grp", "failover1"),
                           interval_s=0.2, timeout_s=0.5, restart=0, fo=1,
                           params=f"<ipaddress>{c.fip(1)}</ipaddress><port>{PORT}</port>"
                                  "<uri>/hello.txt</uri><requesttype>GET</requesttype>")
    c, l, g = make(cluster_factory, lifeline_program, lifeline_build_dir, monitors)
    l.register_license(product="ISAG10", serial="TST0000002")   # httpw's option license
    with OwnershipChecker(c, fips=[g.fip]):
        l.start_all()
        l.wait_all_online()
        g.on("server1")
        wait_until(lambda: monitors_of(l.status(1)).get("httpw1") == "Normal", 10,
                   message="httpw1 Normal on the owner")
        assert monitors_of(l.status(2)).get("httpw1") == "Offline"   # its target is not active there
        pid = wait_until(lambda: resident_pid(c, 1), 5, message="the resident HTTP server")
        c.run(1, ["kill", "-STOP", str(pid)])
        l.wait_alert(1, "Monitor httpw1: the check timed out after 0.5 s")
        l.wait_alert(1, "Monitor httpw1 is in error")
        g.on("server2")
        wait_until(lambda: monitors_of(l.status(2)).get("httpw1") == "Normal", 10,
                   message="httpw1 Normal on the new owner")
