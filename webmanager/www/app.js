// Lifeline WebManager console: logs in, shows the cluster from the live-update stream
// (GET /api/v1/events), operates through /api/v1 and reads the alert log. Vanilla JS, no
// external resources. Every object in the tree carries data-object="kind:name" and
// data-state="<lifelined's state word>" so tests can find it.
"use strict";

const state = {
  role: "", csrf: "", view: null, selected: "", alerts: [], events: null, busy: false,
};
const MAX_ALERTS = 1000;
const $ = (id) => document.getElementById(id);

// --- helpers -----------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// The colour of a state word: green normal, yellow warning, red error, grey the rest.
function stateClass(s) {
  switch (s) {
    case "Online": case "Normal": return "st-ok";
    case "Warning": case "Caution": case "Suspended": case "Starting":
    case "Online Pending": case "Offline Pending": return "st-warn";
    case "Error": return "st-err";
    default: return "st-off"; // Offline, Stopped, Unknown, ""
  }
}

async function api(method, path, body) {
  const headers = { "X-Requested-With": "XMLHttpRequest" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    return { status: 0, body: { result: { code: 0, message: "the WebManager does not answer: " + e } } };
  }
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  if (response.status === 401 && path !== "/api/v1/login") showLogin("The session ended; log in again.");
  return { status: response.status, body: data || { result: { code: response.status, message: response.statusText } } };
}

const message = (r) => (r.body && r.body.result && r.body.result.message) || ("HTTP " + r.status);

// --- login -------------------------------------------------------------------------------

function showLogin(why) {
  stopEvents();
  state.role = ""; state.csrf = ""; state.view = null; state.selected = ""; state.alerts = [];
  // Nothing of the last user's view stays in the page.
  $("tree").replaceChildren();
  $("alert-rows").replaceChildren();
  renderDetails();
  setProgress("idle", "");
  $("console-view").hidden = true;
  $("logout").hidden = true;
  $("who").textContent = "";
  $("login-view").hidden = false;
  $("login-error").textContent = why || "";
  $("login-password").value = "";
  $("login-password").focus();
}

async function login(event) {
  event.preventDefault();
  $("login-submit").disabled = true;
  const r = await api("POST", "/api/v1/login", { user: $("login-user").value, password: $("login-password").value });
  $("login-submit").disabled = false;
  if (r.status !== 200) {
    $("login-error").textContent = message(r);
    return;
  }
  startConsole(r.body.role, r.body.csrfToken);
}

async function logout() {
  await api("POST", "/api/v1/logout");
  showLogin("");
}

function startConsole(role, csrf) {
  state.role = role; state.csrf = csrf || "";
  document.body.dataset.role = role;
  $("login-view").hidden = true;
  $("console-view").hidden = false;
  $("logout").hidden = false;
  $("who").textContent = role === "operator" ? "operator" : "reference (view only)";
  loadAlerts();
  startEvents();
}

// --- live updates ------------------------------------------------------------------------

function startEvents() {
  stopEvents();
  const es = new EventSource("/api/v1/events");
  state.events = es;
  es.addEventListener("open", () => { $("live").dataset.state = "connected"; $("live").textContent = "live"; });
  es.addEventListener("status", (e) => {
    const view = JSON.parse(e.data);
    if (!view.available) {
      $("live").dataset.state = "reconnecting";
      $("live").textContent = "lifelined does not answer: " + (view.message || "");
      return;
    }
    $("live").dataset.state = "connected"; $("live").textContent = "live";
    state.view = view;
    render();
  });
  es.addEventListener("alerts", (e) => addAlerts(JSON.parse(e.data).alerts, true));
  es.addEventListener("error", async () => {
    $("live").dataset.state = "reconnecting"; $("live").textContent = "reconnecting";
    if (es.readyState === EventSource.CLOSED) { // refused (session gone?): ask why
      const r = await api("GET", "/api/v1/session");
      if (r.status === 200 && state.events === es) setTimeout(startEvents, 2000);
    }
  });
}

function stopEvents() {
  if (state.events) state.events.close();
  state.events = null;
  $("live").dataset.state = "off"; $("live").textContent = "";
}

// --- tree --------------------------------------------------------------------------------

function node(key, label, kind, status, children, extra) {
  const li = el("li", {
    role: "treeitem", tabindex: "0", "data-object": key, "data-state": status,
    "aria-selected": String(state.selected === key), class: stateClass(status),
    "aria-label": `${kind} ${label}: ${status || "unknown"}${extra ? ", " + extra : ""}`,
  }, el("div", { class: "node" },
    el("span", { class: "dot", "aria-hidden": "true" }),
    el("span", { class: "kind", text: kind }), el("span", { class: "name", text: label }),
    extra ? el("span", { class: "muted", text: extra }) : null,
    el("span", { class: "state", text: status || "Unknown" })));
  if (children && children.length) {
    li.setAttribute("aria-expanded", "true");
    li.append(el("ul", { role: "group" }, ...children));
  }
  return li;
}

function heading(key, label, children) {
  const li = el("li", { role: "treeitem", tabindex: "-1", "data-object": key, class: "heading", "aria-expanded": "true" },
    el("div", { class: "node" }, el("span", { text: label })));
  li.append(el("ul", { role: "group" }, ...children));
  return li;
}

function render() {
  const v = state.view;
  if (!v) return;
  $("cluster-name").textContent = v.cluster.name;
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.object : "";
  const servers = v.servers.map((s) => node("server:" + s.name, s.name, "server", s.status, [
    ...s.heartbeats.map((h) => node(`heartbeat:${s.name}/${h.name}`, h.name, h.type, h.status)),
    ...s.networkpartitions.map((n) => node(`np:${s.name}/${n.name}`, n.name, n.type, n.status)),
  ], s.local ? "(this WebManager)" : ""));
  const groups = v.groups.map((g) => node("group:" + g.name, g.name, "group", g.status,
    (g.resources || []).map((r) => node("resource:" + r.name, r.name, r.type, r.status)),
    g.current ? "on " + g.current : ""));
  const monitors = v.monitors.map((m) => node("monitor:" + m.name, m.name, m.type, m.status));
  const cluster = node("cluster:" + v.cluster.name, v.cluster.name, "cluster", v.cluster.status, [
    heading("servers", "Servers", servers), heading("groups", "Groups", groups),
    heading("monitors", "Monitors", monitors),
  ]);
  $("tree").replaceChildren(cluster);
  if (focused) {
    const again = $("tree").querySelector(`[data-object="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
  renderServerFilter();
  renderDetails();
}

function treeItems() {
  return [...$("tree").querySelectorAll('li[role=treeitem]:not(.heading)')];
}

function onTreeKey(e) {
  const li = e.target.closest("li[role=treeitem]");
  if (!li) return;
  const items = treeItems();
  const i = items.indexOf(li);
  if (e.key === "Enter" || e.key === " ") { select(li.dataset.object); e.preventDefault(); }
  else if (e.key === "ArrowDown" && i + 1 < items.length) { items[i + 1].focus(); e.preventDefault(); }
  else if (e.key === "ArrowUp" && i > 0) { items[i - 1].focus(); e.preventDefault(); }
  else if (e.key === "Home" && items.length) { items[0].focus(); e.preventDefault(); }
  else if (e.key === "End" && items.length) { items[items.length - 1].focus(); e.preventDefault(); }
}

function select(key) {
  if (!key || key === "servers" || key === "groups" || key === "monitors") return;
  state.selected = key;
  for (const li of treeItems()) li.setAttribute("aria-selected", String(li.dataset.object === key));
  renderDetails();
}

// --- details and operations ----------------------------------------------------------------

function find(key) {
  const v = state.view;
  if (!v || !key) return null;
  const [kind, name] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
  if (kind === "cluster") return { kind, name, obj: v.cluster };
  if (kind === "server") return { kind, name, obj: v.servers.find((s) => s.name === name) };
  if (kind === "group") return { kind, name, obj: v.groups.find((g) => g.name === name) };
  if (kind === "monitor") return { kind, name, obj: v.monitors.find((m) => m.name === name) };
  if (kind === "resource") {
    for (const g of v.groups) {
      const r = (g.resources || []).find((x) => x.name === name);
      if (r) return { kind, name, obj: { ...r, group: g.name, current: g.current } };
    }
  }
  if (kind === "heartbeat" || kind === "np") {
    const [server, path] = name.split("/");
    const s = v.servers.find((x) => x.name === server);
    const list = s ? (kind === "heartbeat" ? s.heartbeats : s.networkpartitions) : [];
    const row = list.find((x) => x.name === path);
    if (row) return { kind, name, obj: { ...row, server } };
  }
  return null;
}

const OPERATIONS = {
  cluster: [["start", "Start cluster"], ["stop", "Stop cluster"], ["suspend", "Suspend cluster"], ["resume", "Resume cluster"]],
  group: [["start", "Start group"], ["stop", "Stop group"], ["move", "Move group"]],
  resource: [["start", "Start resource"], ["stop", "Stop resource"]],
  monitor: [["suspend", "Suspend monitor"], ["resume", "Resume monitor"]],
};

function renderDetails() {
  const found = find(state.selected);
  const table = $("details-table");
  const ops = $("operations");
  $("details").dataset.object = found ? state.selected : "";
  if (!found || !found.obj) {
    table.replaceChildren(); ops.replaceChildren();
    $("details-title").textContent = "Details";
    $("details-hint").hidden = false;
    return;
  }
  $("details-hint").hidden = true;
  $("details-title").textContent = `${found.kind} ${found.name}`;
  const rows = [];
  for (const [k, val] of Object.entries(found.obj)) {
    if (k === "resources" || k === "heartbeats" || k === "networkpartitions" || k === "config") continue;
    if (k === "servers" && Array.isArray(val)) {
      // A monitor's state on every server: one row each (td[data-field="server:NAME"]).
      for (const s of val) {
        const cell = el("td", { "data-field": "server:" + s.name, "data-state": s.status, text: s.status });
        cell.prepend(el("span", { class: "dot " + stateClass(s.status), "aria-hidden": "true" }), " ");
        rows.push(el("tr", {}, el("th", { scope: "row", text: "on " + s.name }), cell));
      }
      continue;
    }
    let text = val;
    if (typeof val === "object" && val !== null) text = JSON.stringify(val);
    const cell = el("td", { "data-field": k, text: String(text) });
    if (k === "status") cell.prepend(el("span", { class: "dot " + stateClass(val), "aria-hidden": "true" }), " ");
    rows.push(el("tr", {}, el("th", { scope: "row", text: k }), cell));
  }
  table.replaceChildren(...rows);
  if (state.role !== "operator") {
    ops.replaceChildren(el("p", { class: "muted", text: "The reference user may only look." }));
    return;
  }
  const buttons = (OPERATIONS[found.kind] || []).map(([op, label]) =>
    el("button", { type: "button", "data-op": `${found.kind}.${op}`, disabled: state.busy,
                   onclick: () => operate(found, op, label) }, label));
  if (found.kind === "server") {
    buttons.push(el("button", { type: "button", "data-op": "server.logs", disabled: state.busy,
                                onclick: () => collectLogs(found.name) }, "Collect logs"));
  }
  ops.replaceChildren(...buttons);
}

// Asks for confirmation (with a target server for moves and starts); resolves to
// {target} or null.
function confirmOperation(text, targets) {
  return new Promise((resolve) => {
    const dialog = $("confirm-dialog");
    $("confirm-text").textContent = text;
    const extra = $("confirm-extra");
    extra.replaceChildren();
    if (targets) {
      const select = el("select", { id: "confirm-target" },
        ...targets.map((t) => el("option", { value: t.value, text: t.label })));
      extra.append(el("label", { for: "confirm-target", text: "Server " }), select);
    }
    dialog.returnValue = "";
    dialog.addEventListener("close", () => {
      const target = $("confirm-target") ? $("confirm-target").value : "";
      resolve(dialog.returnValue === "ok" ? { target } : null);
    }, { once: true });
    dialog.showModal();
    $("confirm-cancel").focus();
  });
}

async function operate(found, op, label) {
  const servers = state.view.servers.map((s) => s.name);
  let targets = null;
  if (found.kind === "group" && op === "move") {
    targets = [{ value: "", label: "the next server of the group's list" },
               ...servers.filter((s) => s !== found.obj.current).map((s) => ({ value: s, label: s }))];
  } else if (found.kind === "group" && op === "start") {
    targets = [{ value: "", label: "this WebManager's server" }, ...servers.map((s) => ({ value: s, label: s }))];
  }
  const answer = await confirmOperation(`${label} ${found.kind === "cluster" ? "" : found.name}?`.replace(" ?", "?"), targets);
  if (!answer) return;
  const base = { cluster: "/api/v1/cluster", group: "/api/v1/groups/", resource: "/api/v1/resources/",
                 monitor: "/api/v1/monitors/" }[found.kind];
  const path = found.kind === "cluster" ? `${base}/${op}` : `${base}${encodeURIComponent(found.name)}/${op}`;
  const body = answer.target ? { target: answer.target } : {};
  setProgress("running", `${label} ${found.kind === "cluster" ? "" : found.name}…`);
  const r = await api("POST", path, body);
  setProgress(r.status === 200 ? "done" : "failed",
              r.status === 200 ? `${label}: ${message(r)}` : `${label} failed: ${message(r)}`);
}

function setProgress(phase, text) {
  state.busy = phase === "running";
  $("progress").dataset.state = phase;
  $("progress-bar").hidden = phase !== "running";
  $("progress-text").textContent = text;
  for (const b of $("operations").querySelectorAll("button")) b.disabled = state.busy;
}

// Log collection (clplogcc): the server builds its archive, the page waits, then the
// browser downloads it (the browser shows the download's own progress).
async function collectLogs(server) {
  const answer = await confirmOperation(`Collect the logs of ${server} (type1) and download the archive?`, null);
  if (!answer) return;
  setProgress("running", `Collecting the logs of ${server}…`);
  const r = await api("POST", "/api/v1/logs/collect", { server });
  if (r.status !== 200) { setProgress("failed", `Log collection failed: ${message(r)}`); return; }
  const { id, name } = r.body;
  const query = `server=${encodeURIComponent(server)}`;
  const started = Date.now();
  for (;;) {
    await new Promise((done) => setTimeout(done, 500));
    const s = await api("GET", `/api/v1/logs/${encodeURIComponent(id)}?${query}`);
    if (s.status !== 200) { setProgress("failed", `Log collection failed: ${message(s)}`); return; }
    if (s.body.ready) {
      setProgress("done", `Downloading ${name} (${s.body.size} bytes)`);
      const link = el("a", { href: `/api/v1/logs/${encodeURIComponent(id)}/archive?${query}&name=${encodeURIComponent(name)}`,
                             download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      return;
    }
    setProgress("running", `Building the archive of ${server}… ${Math.round((Date.now() - started) / 1000)} s`);
  }
}

// --- alerts ------------------------------------------------------------------------------

async function loadAlerts() {
  const r = await api("GET", "/api/v1/alerts?max=" + MAX_ALERTS);
  if (r.status !== 200) return;
  state.alerts = [];
  addAlerts(r.body.alerts || [], false);
}

function addAlerts(list, live) {
  const seen = new Set(state.alerts.map((a) => a.server + "/" + a.seq));
  for (const a of list) if (!seen.has(a.server + "/" + a.seq)) state.alerts.push(a);
  if (state.alerts.length > MAX_ALERTS) state.alerts.splice(0, state.alerts.length - MAX_ALERTS);
  renderAlerts();
}

function renderServerFilter() {
  const select = $("filter-server");
  const names = state.view ? state.view.servers.map((s) => s.name) : [];
  const have = [...select.options].map((o) => o.value).slice(1);
  if (have.join() === names.join()) return;
  const current = select.value;
  select.replaceChildren(el("option", { value: "", text: "all" }), ...names.map((n) => el("option", { value: n, text: n })));
  select.value = names.includes(current) ? current : "";
}

function renderAlerts() {
  const server = $("filter-server").value, type = $("filter-type").value;
  const module = $("filter-module").value.trim().toLowerCase();
  const shown = state.alerts.filter((a) => (!server || a.server === server) && (!type || a.type === type) &&
                                           (!module || String(a.module).toLowerCase().includes(module)));
  const rows = shown.slice().reverse().map((a) => el("tr", { "data-type": a.type, "data-id": String(a.id), "data-server": a.server },
    el("td", { text: String(a.time).replace("T", " ").replace("Z", "") }), el("td", { text: a.server }),
    el("td", { text: a.type }), el("td", { text: a.module }), el("td", { text: String(a.id) }),
    el("td", { text: a.message })));
  $("alert-rows").replaceChildren(...rows);
  $("alert-count").textContent = `${shown.length} of ${state.alerts.length}`;
}

// --- start -------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", async () => {
  $("login-form").addEventListener("submit", login);
  $("logout").addEventListener("click", logout);
  $("tree").addEventListener("keydown", onTreeKey);
  $("tree").addEventListener("click", (e) => {
    const li = e.target.closest("li[role=treeitem]");
    if (li) select(li.dataset.object);
  });
  for (const id of ["filter-server", "filter-type"]) $(id).addEventListener("change", renderAlerts);
  $("filter-module").addEventListener("input", renderAlerts);
  const r = await api("GET", "/api/v1/session");
  if (r.status === 200) startConsole(r.body.role, r.body.csrfToken);
  else showLogin("");
});
