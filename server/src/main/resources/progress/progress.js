// The progress page: reads the server's event stream (text/event-stream) with fetch, so a bearer
// token can go in the Authorization header (EventSource cannot send one), and puts every value in as
// text: names never become markup.
"use strict";

(function () {
  const TOKEN_KEY = "accord-token";
  const RETRY_MS = 2000;
  const body = document.body;
  const authOn = body.dataset.auth === "on";
  const live = document.getElementById("live");
  let controller = null;

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function text(tag, value, className) {
    const element = document.createElement(tag);
    element.textContent = value;
    if (className) {
      element.className = className;
    }
    return element;
  }

  function count(value) {
    return Number(value).toLocaleString("en-US");
  }

  function setLive(state, label) {
    live.className = "live " + state;
    live.textContent = label;
  }

  function showLogin(message) {
    const login = byId("login");
    if (!login) {
      return;
    }
    login.hidden = false;
    byId("content").hidden = true;
    byId("login-message").textContent = message || "";
    setLive("off", "signed out");
  }

  function hideLogin() {
    const login = byId("login");
    if (login) {
      login.hidden = true;
    }
    byId("content").hidden = false;
  }

  function footer(caller) {
    const element = byId("footer");
    element.replaceChildren();
    if (!authOn) {
      element.append(
        "Authentication is off: this page is open to anyone who can reach this port.");
      return;
    }
    element.append("Signed in as ", text("strong", caller || "?"),
      ": showing only the namespaces you may read.");
    const out = text("button", "Sign out");
    out.type = "button";
    out.addEventListener("click", () => {
      sessionStorage.removeItem(TOKEN_KEY);
      if (controller) {
        controller.abort();
      }
      showLogin("");
    });
    element.append(out);
  }

  // A row per namespace, kept across events and updated in place, so bars move smoothly.
  function newRow(ns) {
    const row = document.createElement("tr");
    row.dataset.namespace = ns.namespace;
    const name = document.createElement("td");
    const link = text("a", ns.namespace === "" ? "(empty namespace)" : ns.namespace);
    link.href = "/namespaces/" + encodeURIComponent(ns.namespace);
    name.append(link);
    const cell = document.createElement("td");
    const wrap = document.createElement("div");
    wrap.className = "progress-cell";
    const bar = document.createElement("progress");
    bar.max = 100;
    wrap.append(bar, text("span", "", "pct"));
    cell.append(wrap);
    row.append(name, cell, text("td", "", "num done"), text("td", "", "num held"),
      text("td", "", "num pending"), rateCell(), text("td", "", "eta"));
    return row;
  }

  function rateCell() {
    const cell = document.createElement("td");
    cell.append(text("span", "", "rate"), " ", text("span", "", "window"));
    return cell;
  }

  function renderOverview(data) {
    const rows = byId("rows");
    const existing = new Map();
    for (const row of rows.querySelectorAll("tr")) {
      existing.set(row.dataset.namespace, row);
    }
    let previous = null;
    for (const ns of data.namespaces) {
      let row = existing.get(ns.namespace);
      existing.delete(ns.namespace);
      if (!row) {
        row = newRow(ns);
      }
      row.querySelector("progress").value = Number(ns.percent);
      row.querySelector(".pct").textContent = ns.percent + "%";
      row.querySelector(".done").textContent = count(ns.done);
      row.querySelector(".held").textContent = count(ns.held);
      row.querySelector(".pending").textContent = count(ns.pending);
      row.querySelector(".rate").textContent = ns.rate;
      row.querySelector(".window").textContent = ns.rateWindow;
      row.querySelector(".eta").textContent = ns.eta;
      const wanted = previous ? previous.nextSibling : rows.firstChild;
      if (wanted !== row) {
        rows.insertBefore(row, wanted);
      }
      previous = row;
    }
    for (const gone of existing.values()) {
      gone.remove();
    }
    byId("empty").hidden = data.namespaces.length > 0;
    byId("note").textContent = data.note;
  }

  function renderNamespace(data) {
    byId("bar").value = Number(data.percent);
    byId("percent").textContent = data.percent + "%";
    byId("note").textContent = data.note;
    byId("done").textContent = count(data.done);
    byId("held").textContent = count(data.held);
    byId("pending").textContent = count(data.pending);
    byId("rate").textContent = data.rate;
    byId("rate-window").textContent = data.rateWindow;
    byId("eta").textContent = data.eta;
    setTime(byId("oldest"), data.oldestPendingMillis);
    setTime(byId("latest"), data.latestDoneMillis);
    const names = byId("pending-names");
    names.replaceChildren(...data.oldestPending.map((name) => text("li", name)));
    const failures = byId("failures");
    failures.replaceChildren(...data.failures.map((failure) => {
      const row = document.createElement("tr");
      row.append(text("td", failure.name), text("td", failure.attempts, "num"),
        text("td", failure.lastError));
      return row;
    }));
  }

  // Times show as "3m 5s ago", kept current between events; the exact instant is the tooltip.
  function setTime(element, millis) {
    element.dataset.millis = String(millis);
    element.title = millis ? new Date(millis).toISOString() : "";
    element.textContent = ago(millis);
  }

  function ago(millis) {
    if (!millis) {
      return "—";
    }
    let seconds = Math.max(0, Math.floor((Date.now() - millis) / 1000));
    const parts = [[86400, "d", 3600, "h"], [3600, "h", 60, "m"], [60, "m", 1, "s"]];
    for (const [big, bigName, small, smallName] of parts) {
      if (seconds >= big) {
        return Math.floor(seconds / big) + bigName + " " + Math.floor((seconds % big) / small) + smallName + " ago";
      }
    }
    return seconds + "s ago";
  }

  function tick() {
    for (const element of document.querySelectorAll("[data-millis]")) {
      element.textContent = ago(Number(element.dataset.millis));
    }
  }

  function onEvent(type, data) {
    if (type === "unavailable") {
      setLive("off", "database unavailable");
      return;
    }
    if (type !== "progress") {
      return;
    }
    setLive("on", "live");
    const parsed = JSON.parse(data);
    hideLogin();
    footer(parsed.caller);
    if (body.dataset.view === "overview") {
      renderOverview(parsed);
    } else {
      renderNamespace(parsed);
    }
    body.dataset.updated = String(Date.now());
  }

  // One "event:"/"data:" block per blank-line-separated chunk, as the SSE format defines.
  function dispatch(block) {
    let type = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) {
        type = line.slice(6).trim();
      } else if (line.startsWith("data:")) {
        data.push(line.slice(5).replace(/^ /, ""));
      }
    }
    if (data.length > 0) {
      onEvent(type, data.join("\n"));
    }
  }

  async function connect() {
    if (authOn && !token()) {
      showLogin("");
      return;
    }
    controller = new AbortController();
    const headers = token() ? { Authorization: "Bearer " + token() } : {};
    let response;
    try {
      response = await fetch(body.dataset.stream, { headers, signal: controller.signal, cache: "no-store" });
    } catch (error) {
      retry("disconnected");
      return;
    }
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin("Not accepted: " + (await response.text()));
      return;
    }
    if (response.status === 403) {
      setLive("off", "not allowed");
      byId("content").replaceChildren(text("p", await response.text(), "message"));
      return;
    }
    if (!response.ok || !response.body) {
      retry("server answered " + response.status);
      return;
    }
    setLive("on", "live");
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        buffer += value.replace(/\r\n?/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (error) {
      if (controller.signal.aborted) {
        return;
      }
    }
    retry("reconnecting");
  }

  function retry(label) {
    setLive("off", label);
    setTimeout(connect, RETRY_MS);
  }

  const form = byId("login-form");
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, byId("token").value.trim());
      byId("token").value = "";
      connect();
    });
  }
  setInterval(tick, 1000);
  connect();
})();
