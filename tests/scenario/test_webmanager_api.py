"""The WebManager REST API (/api/v1) on a 2-server cluster: lifeline-webmgr runs in server1's
namespace with a self-signed certificate, and every request comes from the client namespace
over HTTPS (certificate not verified, as a browser after accepting it).

Covered: every GET endpoint and its shape, a group move through the API that arrives (polled
through the API), group stop/start, resource stop/start, cluster suspend/resume, a monitor
suspended and resumed, auth failures (none, wrong password, expired
or forged session), the failed-login limit and its alert, CSRF refusal, the reference user
refused an operation, bad JSON, a wrong method, a huge body, an unknown object."""

import base64
import json

import pytest

from lifeline_harness import wait_until
from lifeline_harness.lifeline import Lifeline, cluster_xml, fip_xml, group_xml, monitor_xml

OPERATOR = ("operator", "op-Secret-1")
REFERENCE = ("reference", "ref-Secret-2")
FIP = "198.18.0.150"

# Runs a batch of requests from the client namespace; one JSON answer per request.
CLIENT = r"""
import http.client, json, ssl, sys
host, port, batch = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
out = []
for r in batch:
    c = http.client.HTTPSConnection(host, port, context=ssl._create_unverified_context(), timeout=30)
    body = r.get("body")
    if r.get("repeat"):
        body = "x" * r["repeat"]
    try:
        c.request(r["method"], r["path"], body=body.encode() if body is not None else None,
                  headers=r.get("headers", {}))
        resp = c.getresponse()
        data = resp.read().decode()
        out.append({"status": resp.status, "headers": {k.lower(): v for k, v in resp.getheaders()},
                    "body": json.loads(data) if data else None})
    except Exception as e:
        out.append({"status": 0, "error": repr(e)})
    c.close()
print(json.dumps(out))
"""


class Api:
    def __init__(self, c, host, port=29003):
        self.c, self.host, self.port = c, host, port

    def batch(self, requests):
        r = self.c.run_netns(self.c.client_ns, ["/usr/bin/python3", "-c", CLIENT, self.host,
                                                str(self.port), json.dumps(requests)], timeout=120)
        return json.loads(r.stdout)

    def call(self, method, path, body=None, headers=None, auth=None, **kw):
        headers = dict(headers or {})
        if auth:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        return self.batch([{"method": method, "path": path, "body": body, "headers": headers, **kw}])[0]

    def login(self, user, password):
        r = self.call("POST", "/api/v1/login", json.dumps({"user": user, "password": password}))
        assert r["status"] == 200, r
        cookie = r["headers"]["set-cookie"].split(";")[0]
        return {"Cookie": cookie, "X-CSRF-Token": r["body"]["csrfToken"]}, r


def ok(r):
    assert r["status"] == 200, r
    assert r["body"]["result"] == {"code": 0, "message": r["body"]["result"]["message"]}
    return r["body"]


def refused(r, status, fragment):
    assert r["status"] == status, r
    assert r["body"]["result"]["code"] == status, r
    assert fragment in r["body"]["result"]["message"], r
    return r


@pytest.fixture
def web(cluster_factory, lifeline_program, lifeline_build_dir):
    for p in ("lifelined", "lifeline-webmgr"):
        lifeline_program(p)
    c = cluster_factory(2)
    mons = monitor_xml("genw", "genw1", interval_s=0.2, timeout_s=1,
                       params="<path>genw.sh</path><sync>1</sync>")
    xml = cluster_xml(c, groups_xml=group_xml("failover1", ["fip@fip1"]),
                      resources_xml='<types name="fip"/>' + fip_xml("fip1", FIP), monitors_xml=mons)
    l = Lifeline(c, lifeline_build_dir).deploy(xml, {"monitor.s/genw1/genw.sh": "#!/bin/sh\nexit 0\n"})
    l.set_webmgr_password(*OPERATOR)
    l.set_webmgr_password(*REFERENCE)
    l.start_all()
    l.wait_all_online()
    l.wait_group(1, "failover1", "Online", "server1")
    l.start_webmgr(1)
    return c, l, Api(c, c[1].ip("public"))


def test_reads_and_operations(web):
    c, l, api = web
    op = OPERATOR
    cluster = ok(api.call("GET", "/api/v1/cluster", auth=op))["cluster"]
    assert cluster["name"] == "cluster" and cluster["status"] == "Online" and cluster["local"] == "server1"

    servers = ok(api.call("GET", "/api/v1/servers", auth=op))["servers"]
    assert [(s["name"], s["status"]) for s in servers] == [("server1", "Online"), ("server2", "Online")]
    assert {h["name"] for h in servers[0]["heartbeats"]} == {"lanhb1", "lanhb2"}
    assert ok(api.call("GET", "/api/v1/servers?select=name", auth=op))["servers"] == \
        [{"name": "server1"}, {"name": "server2"}]
    assert ok(api.call("GET", "/api/v1/servers/server2", auth=op))["servers"][0]["status"] == "Online"

    groups = ok(api.call("GET", "/api/v1/groups", auth=op))["groups"]
    assert [(g["name"], g["status"], g["current"]) for g in groups] == [("failover1", "Online", "server1")]
    g = ok(api.call("GET", "/api/v1/groups/failover1?select=resources", auth=op))["groups"][0]
    assert g["resources"] == [{"name": "fip1", "type": "fip", "status": "Online"}]
    r = ok(api.call("GET", "/api/v1/resources/fip1", auth=op))["resources"][0]
    assert (r["group"], r["status"], r["current"]) == ("failover1", "Online", "server1")

    wait_until(lambda: ok(api.call("GET", "/api/v1/monitors", auth=op))["monitors"][0]["status"] == "Normal",
               10, interval=0.1, message="genw1 Normal through the API")
    m = ok(api.call("GET", "/api/v1/monitors/genw1", auth=op))["monitors"][0]
    assert m["servers"][0] == {"name": "server1", "status": "Normal"}
    assert [s["name"] for s in m["servers"]] == ["server1", "server2"]

    alerts = ok(api.call("GET", "/api/v1/alerts", auth=op))
    assert alerts["alerts"] and all({"time", "server", "module", "type", "id", "message"} <= set(a)
                                    for a in alerts["alerts"])
    assert len(ok(api.call("GET", "/api/v1/alerts?max=1", auth=op))["alerts"]) == 1

    # A browser session moves the group; it arrives on server2 (polled through the API).
    session, _ = api.login(*OPERATOR)
    assert ok(api.call("GET", "/api/v1/session", headers=session))["role"] == "operator"
    ok(api.call("POST", "/api/v1/groups/failover1/move", json.dumps({"target": "server2"}), headers=session))
    wait_until(lambda: ok(api.call("GET", "/api/v1/groups/failover1", headers=session))["groups"][0]
               ["current"] == "server2", 20, interval=0.1, message="failover1 on server2 through the API")
    l.wait_group(2, "failover1", "Online", "server2")
    c.wait_ping(None, FIP, timeout=5)

    # Stop and start the group, stop and start its fip, suspend and resume the cluster.
    def group():
        return ok(api.call("GET", "/api/v1/groups/failover1?select=resources", auth=op))["groups"][0]
    ok(api.call("POST", "/api/v1/groups/failover1/stop", auth=op))
    wait_until(lambda: group()["status"] == "Offline", 20, interval=0.1, message="failover1 Offline")
    ok(api.call("POST", "/api/v1/groups/failover1/start", json.dumps({"target": "server1"}), headers=session))
    wait_until(lambda: (group()["status"], group()["current"]) == ("Online", "server1"), 20, interval=0.1,
               message="failover1 Online on server1")
    ok(api.call("POST", "/api/v1/resources/fip1/stop", auth=op))
    wait_until(lambda: group()["resources"][0]["status"] == "Offline", 20, interval=0.1, message="fip1 Offline")
    assert not c.client_ping(FIP)
    ok(api.call("POST", "/api/v1/resources/fip1/start", auth=op))
    wait_until(lambda: group()["resources"][0]["status"] == "Online", 20, interval=0.1, message="fip1 Online")
    c.wait_ping(None, FIP, timeout=5)
    answer = ok(api.call("POST", "/api/v1/cluster/suspend", auth=op))
    assert set(answer["servers"]) == {"server1", "server2"}, answer
    wait_until(lambda: ok(api.call("GET", "/api/v1/cluster", auth=op))["cluster"]["status"] == "Suspended",
               10, interval=0.1, message="cluster Suspended")
    ok(api.call("POST", "/api/v1/cluster/resume", auth=op))
    wait_until(lambda: ok(api.call("GET", "/api/v1/cluster", auth=op))["cluster"]["status"] == "Online",
               10, interval=0.1, message="cluster Online again")

    # A monitor suspended and resumed (Basic auth: no CSRF token needed).
    ok(api.call("POST", "/api/v1/monitors/genw1/suspend", auth=op))
    assert ok(api.call("GET", "/api/v1/monitors/genw1", auth=op))["monitors"][0]["status"] == "Suspended"
    ok(api.call("POST", "/api/v1/monitors/genw1/resume", auth=op))
    wait_until(lambda: ok(api.call("GET", "/api/v1/monitors/genw1", auth=op))["monitors"][0]["status"] == "Normal",
               10, interval=0.1, message="genw1 Normal again")

    # Unknown objects, through the route and through lifelined.
    refused(api.call("GET", "/api/v1/groups/nope", auth=op), 404, 'no group named "nope"')
    refused(api.call("POST", "/api/v1/groups/nope/move", "{}", auth=op), 404, "nope")
    refused(api.call("GET", "/api/v1/bogus", auth=op), 404, "/api/v1/bogus")

    ok(api.call("POST", "/api/v1/logout", headers=session))
    refused(api.call("GET", "/api/v1/cluster", headers=session), 401, "log in again")


def test_refusals(web):
    c, l, api = web
    op = OPERATOR
    # No credentials, wrong password, forged session.
    r = refused(api.call("GET", "/api/v1/cluster"), 401, "authentication required")
    assert r["headers"]["www-authenticate"].startswith("Basic")
    refused(api.call("GET", "/api/v1/groups", auth=("operator", "wrong")), 401, "refused")
    refused(api.call("GET", "/api/v1/groups", headers={"Cookie": "lifeline_session=forged"}), 401, "expired")

    # CSRF: a session's change without its token, or with another one, does nothing.
    session, login = api.login(*OPERATOR)
    cookie = login["headers"]["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie
    refused(api.call("POST", "/api/v1/groups/failover1/move", "{}", headers={"Cookie": session["Cookie"]}),
            403, "X-CSRF-Token")
    refused(api.call("POST", "/api/v1/groups/failover1/move", "{}",
                     headers={**session, "X-CSRF-Token": "forged"}), 403, "does not match")

    # The reference user may look, not operate (session and Basic).
    ref, _ = api.login(*REFERENCE)
    ok(api.call("GET", "/api/v1/groups", headers=ref))
    refused(api.call("POST", "/api/v1/groups/failover1/move", "{}", headers=ref), 403, "reference user")
    refused(api.call("POST", "/api/v1/cluster/suspend", "{}", auth=REFERENCE), 403, "reference user")

    # Bad JSON, wrong method, huge bodies.
    refused(api.call("POST", "/api/v1/groups/failover1/move", '{"target": ', headers=session), 400, "not valid JSON")
    r = refused(api.call("DELETE", "/api/v1/groups/failover1", auth=op), 405, "DELETE")
    assert r["headers"]["allow"] == "GET"
    refused(api.call("GET", "/api/v1/cluster/stop", auth=op), 405, "use POST")
    refused(api.call("POST", "/api/v1/groups/failover1/move", auth=op, repeat=70000), 413, "65536")
    refused(api.call("POST", "/api/v1/groups/failover1/move", auth=op, repeat=4 << 20), 413, "65536")
    # None of it moved the group.
    assert l.group(1, "failover1")["current"] == "server1"

    # Five failed logins from the client (the wrong Basic password above was the first):
    # refused for a while (even with the right password), and raised as an alert.
    bad = json.dumps({"user": "operator", "password": "guess"})
    answers = api.batch([{"method": "POST", "path": "/api/v1/login", "body": bad}] * 4)
    assert [a["status"] for a in answers] == [401] * 4, answers
    refused(api.call("POST", "/api/v1/login", json.dumps({"user": OPERATOR[0], "password": OPERATOR[1]})),
            429, "too many failed logins")
    refused(api.call("GET", "/api/v1/cluster", auth=op), 429, "too many failed logins")
    l.wait_alert(1, "5 failed logins from 198.18.0.200")
    # The session made before still works.
    ok(api.call("GET", "/api/v1/cluster", headers=session))
