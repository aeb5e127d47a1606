"""Licenses on a 2-server cluster (issue 8, first part: no gating yet).

A license file made by the vendor tool with the TEST key is registered on server1 with
`clplcnsc -i FILE -p BASE10`, `clplcnsc -l` shows it, `clplcnsc --distribute` makes server2 list
it too (received over the RPC and checked there), and with server2 powered off registering
with `--distribute` prints the manual's partial success message; once server2 is back a second
`--distribute` reaches it."""

import json
import subprocess

import pytest

from lifeline_harness.lifeline import Lifeline, cluster_xml

PARTIAL = ("Command succeeded. But the license was not applied to all the servers in the cluster "
           "because there are one or more servers that are not started up.\n")


def run(l, node, program, *args, timeout=60):
    return subprocess.run([l.program(program), "--root", str(l.c[node].root), *args],
                          capture_output=True, text=True, timeout=timeout)


def serials(l, node, product="BASE10"):
    r = run(l, node, "clplcnsc", "-l", "-p", product, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    return {(x["serial"], x["status"], x["source"]) for x in json.loads(r.stdout)["licenses"]}


@pytest.fixture
def two(cluster_factory, lifeline_program, lifeline_build_dir):
    for p in ("lifelined", "clplcnsc", "clpstat", "lifeline-license-vendor"):
        lifeline_program(p)
    c = cluster_factory(2)
    l = Lifeline(c, lifeline_build_dir).deploy(cluster_xml(c, interval_ms=100, timeout_ms=500))
    l.start_all()
    l.wait_all_online()
    return c, l


def license_file(lifeline_program, path, serial, count):
    subprocess.run([str(lifeline_program("lifeline-license-vendor")), "--product", "BASE10",
                    "--serial", serial, "--count", str(count), "-o", str(path)],
                   check=True, capture_output=True, timeout=30)
    return str(path)


def test_register_list_distribute_and_partial_success(two, lifeline_program, tmp_path):
    c, l = two
    if not json.loads(run(l, 1, "clplcnsc", "-l", "--json").stdout)["publicKey"]["test"]:
        pytest.skip("this build checks licenses with a production key (LIFELINE_LICENSE_PUBLIC_KEY)")

    first = license_file(lifeline_program, tmp_path / "base10.json", "AAA0000000", 2)
    r = run(l, 1, "clplcnsc", "-i", first, "-p", "BASE10")
    assert (r.returncode, r.stdout, r.stderr) == (0, "Command succeeded.\n", ""), r
    r = run(l, 1, "clplcnsc", "-l", "-p", "BASE10")
    assert r.returncode == 0, r.stderr
    assert "< BASE10 : Lifeline 1.0 for Linux <PRODUCT> >\n" in r.stdout, r.stdout
    assert "Serial Number ........... AAA0000000\n" in r.stdout, r.stdout
    assert "Number of Licenses ...... 2\n" in r.stdout and "Status .................. valid\n" in r.stdout
    assert run(l, 2, "clplcnsc", "-l", "-p", "BASE10").stdout == "No license of BASE10 is registered.\n"

    r = run(l, 1, "clplcnsc", "--distribute", "-p", "BASE10")
    assert (r.returncode, r.stdout, r.stderr) == (0, "Command succeeded.\n", ""), r
    assert serials(l, 2) == {("AAA0000000", "valid", "server1")}
    # lifelined shows the same store (clpstat --lic, control command `licenses`).
    r = l.clpstat(2, "--lic")
    assert r.returncode == 0 and "Serial Number ........... AAA0000000" in r.stdout, r.stdout + r.stderr
    assert "(TEST key" in r.stdout, r.stdout
    answer = l.request(2, "licenses")
    assert answer["ok"] and answer["result"]["server"] == "server2", answer
    assert [x["serial"] for x in answer["result"]["licenses"]] == ["AAA0000000"], answer

    # server2 is off: registered here, not applied everywhere — the manual's message.
    c.power_off(2)
    second = license_file(lifeline_program, tmp_path / "base10-2.json", "AAA0000001", 4)
    r = run(l, 1, "clplcnsc", "-i", second, "-p", "BASE10", "--distribute")
    assert (r.returncode, r.stdout) == (1, PARTIAL), r
    assert r.stderr.startswith("server2: "), r.stderr
    assert serials(l, 1) == {("AAA0000000", "valid", "file"), ("AAA0000001", "valid", "file")}
    assert serials(l, 2) == {("AAA0000000", "valid", "server1")}  # its store, read while it is off

    # Back again: distributing once more reaches it (what is there already is no error).
    c.power_on(2)
    l.start(2)
    l.wait_all_online(timeout=30)
    r = run(l, 1, "clplcnsc", "--distribute")
    assert (r.returncode, r.stdout, r.stderr) == (0, "Command succeeded.\n", ""), r
    assert serials(l, 2) == {("AAA0000000", "valid", "server1"), ("AAA0000001", "valid", "server1")}


def test_nothing_to_distribute(two):
    c, l = two
    # No CPU license here; VM node and node licenses stay on the server they are registered on.
    r = run(l, 1, "clplcnsc", "--distribute")
    assert r.returncode == 1, r
    assert r.stderr == ("no valid CPU license is registered on server1 (VM node and node licenses are "
                        "registered on each server that uses them)\nCommand failed.\n"), r.stderr
    answer = l.request(1, "licenses.distribute", {"product": "DBAG10"})
    assert not answer["ok"] and answer["error"]["code"] == "not-found", answer
    assert answer["error"]["message"].startswith("no valid CPU license of DBAG10 is registered on server1"), answer
