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

  function progressCell(data) {
    const cell = document.createElement("td");
    const wrap = document.createElement("div");
    wrap.className = "progress-cell";
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = Number(data.percent);
    wrap.append(bar, text("span", data.percent + "%", "pct"));
    cell.append(wrap);
    return cell;
  }

  function renderOverview(data) {
    const rows = byId("rows");
    rows.replaceChildren();
    for (const ns of data.namespaces) {
      const row = document.createElement("tr");
      row.dataset.namespace = ns.namespace;
      const name = document.createElement("td");
      const link = text("a", ns.namespace === "" ? "(empty namespace)" : ns.namespace);
      link.href = "/namespaces/" + encodeURIComponent(ns.namespace);
      name.append(link);
      row.append(name, progressCell(ns),
        text("td", count(ns.done), "num done"),
        text("td", count(ns.held), "num held"),
        text("td", count(ns.pending), "num pending"),
        text("td", ns.rate, "rate"),
        text("td", ns.eta, "eta"));
      rows.append(row);
    }
    byId("empty").hidden = data.namespaces.length > 0;
  }

  function renderNamespace(data) {
    byId("bar").value = Number(data.percent);
    byId("percent").textContent = data.percent + "%";
    byId("done").textContent = count(data.done);
    byId("held").textContent = count(data.held);
    byId("pending").textContent = count(data.pending);
    byId("rate").textContent = data.rate;
    byId("eta").textContent = data.eta;
    byId("oldest").textContent = instant(data.oldestPendingMillis);
    byId("latest").textContent = instant(data.latestDoneMillis);
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

  function instant(millis) {
    return millis ? new Date(Math.floor(millis / 1000) * 1000).toISOString().replace(".000Z", "Z") : "—";
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
  connect();
})();
