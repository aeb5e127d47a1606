"""Licenses on a 2-server cluster (issue 8).

Without a license lifelined holds the cluster service back and says why (alert 901, `clpcl -s`
refused); a license registered on server1 with `clplcnsc -i FILE -p BASE10` starts server1's
cluster service, `clplcnsc --distribute` hands it to server2 (received over the RPC and checked
there), which starts too; with server2 powered off, registering with `--distribute` prints the
manual's partial success message, and a second `--distribute` reaches it once it is back. Too few
CPU licenses only warn (902); a trial stops the cluster at its end (903) and a start after it is
refused with the same words. Licenses are made by the vendor tool with the TEST key."""

import json
import os
import subprocess

import pytest

from lifeline_harness import wait_until
from lifeline_harness.lifeline import Lifeline, cluster_xml, monitor_xml, monitors_of

PARTIAL = ("Command succeeded. But the license was not applied to all the servers in the cluster "
           "because there are one or more servers that are not started up.\n")
NOT_REGISTERED = "The license is not registered. (BASE10)"


def serials(l, node, product="BASE10"):
    r = l.clplcnsc(node, "-l", "-p", product, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    return {(x["serial"], x["status"], x["source"]) for x in json.loads(r.stdout)["licenses"]}


def cluster_state(l, node):
    st = l.status(node)
    return st["cluster"]["state"] if st else None


def gate(l, node):
    answer = l.request(node, "licenses")
    assert answer["ok"], answer
    return answer["result"]["cluster"]


@pytest.fixture
def unlicensed(cluster_factory, lifeline_program, lifeline_build_dir):
    """Two servers whose lifelined runs without any license: the cluster service held back."""
    for p in ("lifelined", "clplcnsc", "clpstat", "clpcl", "lifeline-license-vendor"):
        lifeline_program(p)
    c = cluster_factory(2)
    l = Lifeline(c, lifeline_build_dir).deploy(cluster_xml(c, interval_ms=100, timeout_ms=500),
                                               license=None)
    if not json.loads(l.clplcnsc(1, "-l", "--json").stdout)["publicKey"]["test"]:
        pytest.skip("this build checks licenses with a production key (LIFELINE_LICENSE_PUBLIC_KEY)")
    l.start_all()
    for n in (1, 2):
        l.wait_alert(n, NOT_REGISTERED)
        wait_until(lambda: cluster_state(l, n) == "Stopped", 10, message=f"server{n} answers, Stopped")
    return c, l


def test_without_license_held_back_then_register_and_distribute_start_it(unlicensed, tmp_path):
    c, l = unlicensed
    # Held back, not gone: lifelined answers, says why, and refuses a start by hand.
    assert gate(l, 1)["verdict"] == "not-registered" and gate(l, 1)["heldBack"], gate(l, 1)
    assert gate(l, 1)["message"] == NOT_REGISTERED
    r = l.clpstat(1, "--lic")
    assert r.returncode == 0, r
    assert ("Cluster License ......... The license is not registered. (BASE10) (the cluster service "
            "waits for a license)\n") in r.stdout, r.stdout
    r = l.clpcl(1, "-s")
    assert r.returncode != 0 and NOT_REGISTERED in r.stdout + r.stderr, r
    assert cluster_state(l, 1) == "Stopped"

    first = l.license_file(tmp_path / "base10.json", serial="AAA0000000", count=99)
    r = l.clplcnsc(1, "-i", first, "-p", "BASE10")
    assert (r.returncode, r.stdout, r.stderr) == (0, "Command succeeded.\n", ""), r
    r = l.clplcnsc(1, "-l", "-p", "BASE10")
    assert r.returncode == 0, r.stderr
    assert "< BASE10 : Lifeline 1.0 for Linux <PRODUCT> >\n" in r.stdout, r.stdout
    assert "Serial Number ........... AAA0000000\n" in r.stdout, r.stdout
    assert "Number of Licenses ...... 99\n" in r.stdout and "Status .................. valid\n" in r.stdout
    assert l.clplcnsc(2, "-l", "-p", "BASE10").stdout == "No license of BASE10 is registered.\n"
    # clplcnsc told server1's lifelined: its cluster service starts (server2's stays back).
    wait_until(lambda: cluster_state(l, 1) in ("Starting", "Online"), 10, message="server1 starts")
    assert cluster_state(l, 2) == "Stopped"

    r = l.clplcnsc(1, "--distribute", "-p", "BASE10")
    assert (r.returncode, r.stdout, r.stderr) == (0, "Command succeeded.\n", ""), r
    assert serials(l, 2) == {("AAA0000000", "valid", "server1")}
    l.wait_all_online(timeout=20)  # server2 started on receiving it
    assert not gate(l, 2)["heldBack"] and gate(l, 2)["verdict"] == "licensed", gate(l, 2)
    # Both servers know each other's CPUs; 99 cover them: no insufficient alert.
    cpus = os.cpu_count()
    wait_until(lambda: gate(l, 1)["neededCpus"] == 2 * cpus, 10, message=f"server1 counts {2 * cpus} CPUs")
    assert gate(l, 1)["shortfall"] == 0
    assert not [a for a in l.alerts(1) if "insufficient" in a]
    # lifelined shows the same store (clpstat --lic, control command `licenses`).
    r = l.clpstat(2, "--lic")
    assert r.returncode == 0 and "Serial Number ........... AAA0000000" in r.stdout, r.stdout + r.stderr
    assert "(TEST key" in r.stdout, r.stdout
    assert f"Cluster License ......... licensed (BASE10, {2 * cpus} CPUs in the cluster, 99 licensed)\n" in r.stdout, r.stdout
    answer = l.request(2, "licenses")
    assert answer["ok"] and answer["result"]["server"] == "server2", answer
    assert [x["serial"] for x in answer["result"]["licenses"]] == ["AAA0000000"], answer

    # server2 is off: registered here, not applied everywhere — the manual's message.
    c.power_off(2)
    second = l.license_file(tmp_path / "base10-2.json", serial="AAA0000001", count=4)
    r = l.clplcnsc(1, "-i", second, "-p", "BASE10", "--distribute")
    assert (r.returncode, r.stdout) == (1, PARTIAL), r
    assert r.stderr.startswith("server2: "), r.stderr
    assert serials(l, 1) == {("AAA0000000", "valid", "file"), ("AAA0000001", "valid", "file")}
    assert serials(l, 2) == {("AAA0000000", "valid", "server1")}  # its store, read while it is off

    # Back again (licensed now, it starts at boot): distributing once more reaches it.
    c.power_on(2)
    l.start(2)
    l.wait_all_online(timeout=30)
    r = l.clplcnsc(1, "--distribute")
    assert (r.returncode, r.stdout, r.stderr) == (0, "Command succeeded.\n", ""), r
    assert serials(l, 2) == {("AAA0000000", "valid", "server1"), ("AAA0000001", "valid", "server1")}


def test_nothing_to_distribute(unlicensed):
    c, l = unlicensed
    # No CPU license here; VM node and node licenses stay on the server they are registered on.
    r = l.clplcnsc(1, "--distribute")
    assert r.returncode == 1, r
    assert r.stderr == ("no valid CPU license is registered on server1 (VM node and node licenses are "
                        "registered on each server that uses them)\nCommand failed.\n"), r.stderr
    answer = l.request(1, "licenses.distribute", {"product": "DBAG10"})
    assert not answer["ok"] and answer["error"]["code"] == "not-found", answer
    assert answer["error"]["message"].startswith("no valid CPU license of DBAG10 is registered on server1"), answer


def test_too_few_cpu_licenses_warn_and_the_cluster_runs(cluster_factory, lifeline_program,
                                                       lifeline_build_dir):
    for p in ("lifelined", "clplcnsc", "clpstat", "lifeline-license-vendor"):
        lifeline_program(p)
    c = cluster_factory(2)
    l = Lifeline(c, lifeline_build_dir).deploy(cluster_xml(c, interval_ms=100, timeout_ms=500),
                                               license=None)
    l.register_license(serial="AAB0000000", count=1)
    l.start_all()
    l.wait_all_online(timeout=20)
    missing = 2 * os.cpu_count() - 1
    for n in (1, 2):
        l.wait_alert(n, f"The license is insufficient. The number of insufficient is {missing}. (BASE10)")
        # Said once the other server's CPUs are known, not first with this server's alone.
        assert len([a for a in l.alerts(n) if "insufficient" in a]) == 1, l.alerts(n)
    assert gate(l, 1)["shortfall"] == missing, gate(l, 1)
    r = l.clpstat(1, "--lic")
    assert (f"Cluster License ......... licensed (BASE10, {2 * os.cpu_count()} CPUs in the cluster, "
            f"1 licensed: insufficient by {missing})\n") in r.stdout, r.stdout
    assert cluster_state(l, 1) == "Online" and cluster_state(l, 2) == "Online"


def test_trial_end_stops_the_cluster(unlicensed, tmp_path):
    c, l = unlicensed
    # Long enough to start (the servers meet within the first second), short enough to wait for.
    trial = l.license_file(tmp_path / "trial.json", serial="AAC0000000", count=99, trial="10s")
    for n in (1, 2):
        assert l.clplcnsc(n, "-i", trial, "-p", "BASE10").returncode == 0
    l.wait_all_online(timeout=8)
    for n in (1, 2):
        line = l.wait_alert(n, "The license of trial expired by ", timeout=20)
        assert line.endswith(". (BASE10)"), line
        wait_until(lambda: cluster_state(l, n) == "Stopped", 10, message=f"server{n} stopped at the trial's end")
    r = l.clpcl(1, "-s")
    assert r.returncode != 0 and "The license of trial expired by " in r.stdout + r.stderr, r
    assert gate(l, 2)["verdict"] == "trial-expired", gate(l, 2)


def test_option_monitor_needs_its_option_license(cluster_factory, lifeline_program, lifeline_build_dir,
                                                 tmp_path):
    """httpw is an Internet Server Agent (ISAG10) monitor: without that option's node license on
    the server it stays in Error and sends no request; registered there, it runs at the next
    start of the cluster service (a server without the license still refuses it)."""
    for p in ("lifelined", "clplcnsc", "clpcl", "lifeline-license-vendor"):
        lifeline_program(p)
    c = cluster_factory(2)
    port = 18080
    served = tmp_path / "served"
    served.mkdir()
    (served / "ok.txt").write_text("ok\n")
    httpw = monitor_xml("httpw", "httpw1", interval_s=0.2, timeout_s=1,
                        params=f"<ipaddress>127.0.0.1</ipaddress><port>{port}</port><uri>/ok.txt</uri>")
    l = Lifeline(c, lifeline_build_dir).deploy(
        cluster_xml(c, interval_ms=100, timeout_ms=500, monitors_xml=httpw))
    # An HTTP server on each server's loopback (its own network namespace) that logs each request.
    logs = {}
    for n in (1, 2):
        logs[n] = tmp_path / f"http{n}.log"
        c.start_process(n, ["/bin/sh", "-c", f"cd {served} && exec /usr/bin/python3 -m http.server "
                                             f"--bind 127.0.0.1 {port} 2>{logs[n]}"])
    l.start_all()
    l.wait_all_online()
    refused = "Monitor httpw1 is in error: The license is not registered. (ISAG10)"
    for n in (1, 2):
        l.wait_alert(n, refused)
        assert monitors_of(l.status(n)).get("httpw1") == "Error"
    assert "/ok.txt HTTP" not in logs[1].read_text()  # not checked without the license

    option = l.license_file(tmp_path / "isag10.json", product="ISAG10", serial="ISA0000001")
    r = l.clplcnsc(1, "-i", option, "-p", "ISAG10")
    assert r.returncode == 0, r
    for args in (("-t", "-a"), ("-s", "-a")):
        r = l.clpcl(1, *args)
        assert r.returncode == 0, r
    l.wait_all_online()
    wait_until(lambda: monitors_of(l.status(1)).get("httpw1") == "Normal", 10,
               message="httpw1 Normal on server1 with ISAG10")
    assert "/ok.txt HTTP" in logs[1].read_text()
    assert monitors_of(l.status(2)).get("httpw1") == "Error"  # no ISAG10 on server2
