"""The Builder's side of the WebManager (issue 10, part 3) on a 2-server cluster, requests from
the client namespace over HTTPS as in test_webmanager_api.py: GET /api/v1/configuration gives
the running clp.conf and scripts/; a POSTed change that needs the cluster suspended is refused
with clpcfctrl's words and changes nothing, and is in use on both servers once the cluster is
suspended; a configuration with errors is a 400 naming the element; the reference user may get
but not apply; GET /api/v1/servers/{name}/devices lists each server's NICs and its loop device
(server2's answer comes over the RPC)."""

import base64
import json
from pathlib import Path

import pytest

from lifeline_harness import wait_until
from lifeline_harness.lifeline import Lifeline, cluster_xml, fip_xml, group_xml
from test_webmanager_api import OPERATOR, REFERENCE, Api, ok, refused

GENW = "#!/bin/sh\nexit 0\n"


@pytest.fixture
def web(cluster_factory, lifeline_program, lifeline_build_dir):
    for p in ("lifelined", "lifeline-webmgr", "clpstat"):
        lifeline_program(p)
    c = cluster_factory(2)
    xml = cluster_xml(c, groups_xml=group_xml("failover1", ["fip@fip1"]),
                      resources_xml='<types name="fip"/>' + fip_xml("fip1", c.fip(1)))
    l = Lifeline(c, lifeline_build_dir).deploy(xml, {"extra/note.sh": GENW})
    l.set_webmgr_password(*OPERATOR)
    l.set_webmgr_password(*REFERENCE)
    l.start_all()
    l.wait_all_online()
    l.wait_group(1, "failover1", "Online", "server1")
    l.start_webmgr(1)
    return c, l, Api(c, c[1].ip("public"))


def conf(c, n) -> bytes:
    return (Path(c[n].etc_dir) / "clp.conf").read_bytes()


def with_conf(package: dict, xml: bytes) -> str:
    return json.dumps({"configuration": {**package, "conf": base64.b64encode(xml).decode()}})


def test_get_and_apply_configuration(web):
    c, l, api = web
    running = conf(c, 1)
    # Any logged-in user gets the running configuration and its scripts.
    got = ok(api.call("GET", "/api/v1/configuration", auth=REFERENCE))
    package = got["configuration"]
    assert base64.b64decode(package["conf"]) == running
    assert [(s["path"], s["mode"], base64.b64decode(s["data"]).decode()) for s in package["scripts"]] == \
        [("extra/note.sh", 0o755, GENW)]
    assert got["hash"] == l.status(1)["config"]["hash"]

    # A longer heartbeat timeout needs the cluster suspended: refused while it runs, nothing changes.
    changed = running.replace(b"<timeout>1000</timeout>", b"<timeout>2000</timeout>", 1)
    assert changed != running
    r = refused(api.call("POST", "/api/v1/configuration", with_conf(package, changed), auth=OPERATOR),
                409, "To apply the changes you made, suspend the cluster.")
    body = r["body"]
    assert (body["uploaded"], body["reason"], body["operation"]) == (False, "state", "suspend-cluster")
    assert body["result"]["message"].endswith("Command failed.")
    assert "server1: staged, cancelled" in body["progress"] and "server2: staged, cancelled" in body["progress"]
    assert conf(c, 1) == conf(c, 2) == running

    # The reference user may not apply; a session needs its CSRF token.
    refused(api.call("POST", "/api/v1/configuration", with_conf(package, changed), auth=REFERENCE),
            403, "reference user")
    session, _ = api.login(*OPERATOR)
    refused(api.call("POST", "/api/v1/configuration", with_conf(package, changed),
                     headers={"Cookie": session["Cookie"]}), 403, "X-CSRF-Token")

    # Errors: the message names the element, as clpcfchk does; nothing changes.
    broken = running.replace(b"<resource>", b"<group name=\"failover9\"><type>failover</type><resource name=\"fip@nosuchfip\"/>"
                                            b"</group><resource>", 1)
    r = refused(api.call("POST", "/api/v1/configuration", with_conf(package, broken), headers=session),
                400, "nosuchfip")
    assert r["body"]["reason"] == "invalid" and r["body"]["diagnostics"], r
    refused(api.call("POST", "/api/v1/configuration", with_conf(package, b"<root><cluster>"), auth=OPERATOR),
            400, "clp.conf")
    refused(api.call("POST", "/api/v1/configuration", json.dumps({"conf": "x"}), auth=OPERATOR),
            400, '"configuration"')
    assert conf(c, 1) == conf(c, 2) == running

    # Suspended (as the message asked), the same change is uploaded to both servers.
    ok(api.call("POST", "/api/v1/cluster/suspend", headers=session))
    wait_until(lambda: {l.status(n)["cluster"]["state"] for n in (1, 2)} == {"Suspended"}, 10,
               interval=0.1, message="cluster Suspended on both servers")
    answer = ok(api.call("POST", "/api/v1/configuration", with_conf(package, changed), headers=session))
    assert answer["uploaded"] and answer["operation"] == "suspend-cluster", answer
    assert answer["result"]["message"].splitlines() == ["The upload is completed successfully.(cfmgr:0)",
                                                        "Command succeeded.(code:0)"]
    for n in (1, 2):
        assert conf(c, n) == changed
        assert (Path(c[n].etc_dir) / "clp.conf.bak").read_bytes() == running
    assert l.status(1)["config"]["hash"] == l.status(2)["config"]["hash"] != got["hash"]
    ok(api.call("POST", "/api/v1/cluster/resume", headers=session))
    l.wait_all_online()
    for n in (1, 2):
        r = l.clpstat(n)
        assert r.returncode == 0 and "server1" in r.stdout and "server2" in r.stdout, r.stdout + r.stderr
    assert ok(api.call("GET", "/api/v1/configuration", auth=OPERATOR))["configuration"]["conf"] == \
        base64.b64encode(changed).decode()


def test_devices_of_both_servers(web):
    c, l, api = web
    for n in (1, 2):
        node = c[n]
        d = ok(api.call("GET", f"/api/v1/servers/{node.name}/devices", auth=REFERENCE))
        assert d["server"] == node.name
        nics = {nic["name"]: nic for nic in d["nics"]}
        public = nics[node.iface["public"]]
        assert f"{node.ip('public')}/24" in public["addresses"] and public["up"], public
        assert len(public["mac"]) == 17
        assert f"{node.ip('interconnect')}/24" in nics[node.iface["interconnect"]]["addresses"]
        disks = {disk["name"]: disk for disk in d["disks"]}
        loop = Path(c.disks[0].server_devices[node.name]).name
        assert loop in disks, sorted(disks)
        assert disks[loop]["node"] == f"/dev/{loop}" and disks[loop]["size"] == 64 << 20, disks[loop]
    refused(api.call("GET", "/api/v1/servers/server9/devices", auth=OPERATOR), 404, "server9")
