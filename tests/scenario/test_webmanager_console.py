"""The WebManager's live updates, /metrics and console files on a 2-server cluster (the same
cluster as test_webmanager_api.py: lifeline-webmgr on server1, requests from the client
namespace over HTTPS).

Covered: / and its assets served without a login; /metrics (Basic) shows both servers up,
their heartbeat paths and the group's owner, and the new owner after a move; an SSE client
gets the current view at once, the move within 1 s of the move's answer, and the alerts it
raised; streams need authentication; a log archive of server2 collected, downloaded and
released, and refused to the reference user."""

import json

from lifeline_harness import wait_until
from test_webmanager_api import OPERATOR, REFERENCE, web  # noqa: F401 (the fixture)

# Plain GETs from the client namespace: status, headers and the body as text.
FETCH = r"""
import base64, http.client, json, ssl, sys
host, port, user, password, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
headers = {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()} if user else {}
out = []
for path in paths:
    c = http.client.HTTPSConnection(host, port, context=ssl._create_unverified_context(), timeout=30)
    c.request("GET", path, headers=headers)
    r = c.getresponse()
    out.append({"status": r.status, "headers": {k.lower(): v for k, v in r.getheaders()}, "body": r.read().decode()})
    c.close()
print(json.dumps(out))
"""

# An SSE client that moves the group while it listens: reads the first `status` event,
# asks for the move on a second connection (the answer comes when the group arrived), and
# reads on until a `status` event shows the group Online on the target and an `alerts`
# event came (or 10 s). Times are this process's monotonic clock.
SSE_MOVE = r"""
import base64, http.client, json, ssl, sys, threading, time
host, port, user, password, group, target = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
auth = {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}
ctx = ssl._create_unverified_context()
c = http.client.HTTPSConnection(host, port, context=ctx, timeout=10)
c.request("GET", "/api/v1/events", headers=auth)
r = c.getresponse()
out = {"status": r.status, "type": r.getheader("Content-Type"), "events": [], "moveAnswered": None}
def events():
    name, data = None, []
    while True:
        line = r.readline()
        if not line:
            return
        line = line.decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data.append(line[6:])
        elif line == "" and name:
            yield name, json.loads("\n".join(data))
            name, data = None, []
def move():
    m = http.client.HTTPSConnection(host, port, context=ctx, timeout=60)
    m.request("POST", f"/api/v1/groups/{group}/move", body=json.dumps({"target": target}),
              headers={**auth, "Content-Type": "application/json"})
    a = m.getresponse()
    a.read()
    out["moveStatus"] = a.status
    out["moveAnswered"] = time.monotonic()
start = time.monotonic()
arrived = alerts = False
for name, data in events():
    now = time.monotonic()
    g = {x["name"]: x for x in data.get("groups", [])}.get(group)
    out["events"].append({"t": now, "event": name,
                          "group": [g["status"], g["current"]] if g else None,
                          "alerts": [[a["id"], a["module"]] for a in data.get("alerts", [])]})
    if len(out["events"]) == 1:
        threading.Thread(target=move, daemon=True).start()
    arrived = arrived or (name == "status" and g and g["status"] == "Online" and g["current"] == target)
    alerts = alerts or name == "alerts"
    if (arrived and alerts and out["moveAnswered"]) or now - start > 10:
        break
print(json.dumps(out))
"""


def client(c, script, *args):
    r = c.run_netns(c.client_ns, ["/usr/bin/python3", "-c", script, *map(str, args)], timeout=60)
    return json.loads(r.stdout)


def metrics(c, host, auth=REFERENCE):
    r = client(c, FETCH, host, 29003, *(auth or ("", "")), json.dumps(["/metrics"]))[0]
    return r, set(r["body"].splitlines())


def test_console_files_and_metrics(web):
    c, l, api = web
    host = c[1].ip("public")
    # The page and its assets: no login needed, nothing from elsewhere.
    page, js, css = client(c, FETCH, host, 29003, "", "", json.dumps(["/", "/app.js", "/app.css"]))
    assert page["status"] == 200 and page["headers"]["content-type"].startswith("text/html"), page
    assert 'src="/app.js"' in page["body"] and 'href="/app.css"' in page["body"]
    assert "default-src 'self'" in page["headers"]["content-security-policy"]
    assert "http://" not in page["body"] and "https://" not in page["body"]
    assert js["status"] == 200 and js["headers"]["content-type"].startswith("text/javascript")
    assert "EventSource" in js["body"]
    assert css["status"] == 200 and css["headers"]["content-type"].startswith("text/css")

    # /metrics needs a user (any: the reference password here).
    r, _ = metrics(c, host, auth=None)
    assert r["status"] == 401 and r["headers"]["www-authenticate"].startswith("Basic"), r
    r, lines = metrics(c, host)
    assert r["status"] == 200 and r["headers"]["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    for want in ('lifeline_server_up{server="server1"} 1', 'lifeline_server_up{server="server2"} 1',
                 'lifeline_heartbeat_path_up{server="server2",path="lanhb1"} 1',
                 'lifeline_group_owner{group="failover1",server="server1"} 1',
                 'lifeline_group_owner{group="failover1",server="server2"} 0',
                 'lifeline_group_state{group="failover1",state="Online"} 1',
                 "# TYPE lifeline_failovers_total counter"):
        assert want in lines, (want, r["body"])
    wait_until(lambda: 'lifeline_monitor_state{monitor="genw1",server="server1",state="Normal"} 1'
               in metrics(c, host)[1], 10, interval=0.1, message="genw1 Normal in /metrics")

    # A stream without credentials is refused like every other request.
    r = client(c, FETCH, host, 29003, "", "", json.dumps(["/api/v1/events"]))[0]
    assert r["status"] == 401, r


def test_live_update_within_a_second(web):
    c, l, api = web
    host = c[1].ip("public")
    out = client(c, SSE_MOVE, host, 29003, *OPERATOR, "failover1", "server2")
    assert out["status"] == 200 and out["type"].startswith("text/event-stream"), out
    assert out["moveStatus"] == 200, out
    events = out["events"]
    # The current view at once, then the move as it happens.
    assert events[0]["event"] == "status" and events[0]["group"] == ["Online", "server1"], events
    arrived = next((e for e in events if e["event"] == "status" and e["group"] == ["Online", "server2"]), None)
    assert arrived, events
    assert arrived["t"] - out["moveAnswered"] < 1.0, (arrived, out["moveAnswered"], events)
    assert any(e["event"] == "alerts" and e["alerts"] for e in events), events
    assert any(mod == "group" for e in events for _, mod in e["alerts"]), events
    l.wait_group(2, "failover1", "Online", "server2")
    # /metrics follows.
    wait_until(lambda: 'lifeline_group_owner{group="failover1",server="server2"} 1' in metrics(c, host)[1],
               5, interval=0.1, message="failover1 owned by server2 in /metrics")


# clplogcc through the API: collect, wait until ready, download, list the archive.
LOGS = r"""
import base64, http.client, io, json, ssl, sys, tarfile, time
host, port, user, password, server = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
auth = {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}
def req(method, path, body=None):
    c = http.client.HTTPSConnection(host, port, context=ssl._create_unverified_context(), timeout=30)
    c.request(method, path, body=body, headers=auth)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data
status, _, data = req("POST", "/api/v1/logs/collect", json.dumps({"server": server, "type": "type3"}))
if status != 200:
    print(json.dumps({"collect": status, "body": data.decode()})); sys.exit()
a = json.loads(data)
q = f"server={server}"
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    status, _, data = req("GET", f"/api/v1/logs/{a['id']}?{q}")
    state = json.loads(data)
    if status != 200 or state["ready"]:
        break
    time.sleep(0.1)
status, headers, data = req("GET", f"/api/v1/logs/{a['id']}/archive?{q}&name={a['name']}")
names = tarfile.open(fileobj=io.BytesIO(data), mode="r:gz").getnames() if status == 200 else []
again, _, gone = req("GET", f"/api/v1/logs/{a['id']}?{q}")
print(json.dumps({"collect": 200, "name": a["name"], "state": state, "status": status, "headers": headers,
                  "size": len(data), "names": names, "afterwards": [again, json.loads(gone)["result"]["message"]]}))
"""


def test_log_collection_download(web):
    c, l, api = web
    host = c[1].ip("public")
    out = client(c, LOGS, host, 29003, *OPERATOR, "server2")
    assert out["collect"] == 200 and out["state"]["ready"], out
    assert out["status"] == 200 and out["headers"]["content-type"] == "application/gzip", out
    assert out["headers"]["content-disposition"] == f'attachment; filename="{out["name"]}"'
    assert out["size"] == out["state"]["size"] == int(out["headers"]["content-length"]), out
    top = out["name"].removesuffix(".tar.gz")
    assert out["name"].startswith("server2-") and f"{top}/lifeline/status.json" in out["names"], out
    # Released after the download (server2's "not found" comes back through the RPC as failed).
    assert out["afterwards"][0] in (404, 409) and "has no log archive" in out["afterwards"][1], out
    # The reference user may not collect.
    r = client(c, LOGS, host, 29003, *REFERENCE, "server1")
    assert r["collect"] == 403, r
