// The board's behaviour: live cards (Server-Sent Events), drag and drop (SortableJS), and
// moves by keyboard. Everything here is an enhancement: without JavaScript the board reads
// and every form still works (POST, then back to the page).
(function () {
  "use strict";
  const body = document.body;
  const prefix = body.dataset.prefix || "";
  const csrf = body.dataset.csrf || "";
  const writable = body.dataset.writable === "1";

  function flash(text) {
    const box = document.getElementById("flash");
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }

  function live(text) {
    const box = document.getElementById("live");
    if (box) box.textContent = text;
  }

  function fillCsrf(root) {
    root.querySelectorAll('input[name="csrf"]').forEach(function (input) {
      if (!input.value) input.value = csrf;
    });
  }

  function adjust(column, delta) {
    const count = column && column.closest(".column").querySelector(".count");
    if (!count) return;
    const n = parseInt(count.textContent, 10);
    if (!isNaN(n)) count.textContent = String(Math.max(0, n + delta)) + (count.textContent.endsWith("+") ? "+" : "");
  }

  function shows(board, data) {
    const project = board.dataset.project, tag = board.dataset.tag, holder = board.dataset.holder;
    if (project && data.project.toLowerCase() !== project.toLowerCase()) return false;
    if (tag && tag.split(",").some(function (t) { return data.tags.indexOf(t.trim().toLowerCase()) < 0; })) return false;
    if (holder && data.holder !== holder) return false;
    return true;
  }

  function place(data) {
    const board = document.getElementById("board");
    const old = document.getElementById("card-" + data.id);
    if (!board) {
      const page = document.querySelector('.task[data-id="' + data.id + '"]');
      if (page && String(data.version) !== page.dataset.version) {
        flash("This task has changed since the page loaded: reload to see the newest version.");
      }
      return;
    }
    if (data.gone || !shows(board, data) || (board.dataset.due && !old)) {
      if (old) { adjust(old.parentElement, -1); old.remove(); }
      return;
    }
    const column = board.querySelector('.cards[data-status="' + data.status + '"]');
    const template = document.createElement("template");
    template.innerHTML = data.html.trim();
    const card = template.content.firstElementChild;
    fillCsrf(card);
    if (old && old.parentElement === column) {
      old.replaceWith(card);
    } else {
      if (old) { adjust(old.parentElement, -1); old.remove(); }
      column.prepend(card);
      adjust(column, +1);
    }
    bindCard(card);
  }

  function move(card, status) {
    const form = new URLSearchParams({ status: status, version: card.dataset.version });
    return fetch(prefix + "/task/" + card.dataset.id + "/move", {
      method: "POST",
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: form,
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok) { flash(""); place(data); return; }
        flash(data.error || "The move was refused.");
        if (data.card) {
          const old = document.getElementById("card-" + data.card.id);
          if (old) old.remove();
          place(data.card);
        }
      });
    }).catch(function () { flash("The board cannot reach the server: the move was not saved."); });
  }

  function bindCard(card) {
    const form = card.querySelector("form.move");
    if (!form || form.dataset.bound) return;
    form.dataset.bound = "1";
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const status = form.querySelector("select").value;
      if (status !== card.dataset.status) {
        move(card, status).then(function () {
          const moved = document.getElementById("card-" + card.dataset.id);
          if (moved) moved.focus();
        });
      }
    });
  }

  function bindBoard(root) {
    fillCsrf(root);
    root.querySelectorAll(".card").forEach(bindCard);
    if (!writable || typeof Sortable === "undefined") return;
    root.querySelectorAll(".board .cards").forEach(function (list) {
      if (list.dataset.sortable) return;
      list.dataset.sortable = "1";
      Sortable.create(list, {
        group: "board",
        animation: 100,
        forceFallback: true,
        onEnd: function (event) {
          if (event.from === event.to) return;
          adjust(event.from, -1);
          adjust(event.to, +1);
          move(event.item, event.to.dataset.status);
        },
      });
    });
  }

  // The last event this board has shown: a reconnect asks for what came after it. The
  // browser resends it by itself (Last-Event-ID) while it retries; when it gives up (the
  // server was away), a new stream starts from it.
  let lastId = null;

  function connect() {
    if (typeof EventSource === "undefined") return;
    const url = prefix + "/events" + (lastId === null ? "" : "?after=" + lastId);
    const source = new EventSource(url);
    function seen(event) { if (event.lastEventId) lastId = event.lastEventId; }
    source.addEventListener("open", function () { live("live"); });
    source.addEventListener("error", function () {
      live("reconnecting…");
      if (source.readyState === EventSource.CLOSED) window.setTimeout(connect, 2000);
    });
    source.addEventListener("hello", seen);
    source.addEventListener("card", function (event) { seen(event); place(JSON.parse(event.data)); });
    source.addEventListener("activity", function (event) {
      seen(event);
      const data = JSON.parse(event.data);
      live("live · changed by " + (data.actors.join(", ") || "a hand edit"));
    });
    source.addEventListener("reload", function () { window.location.reload(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    bindBoard(document);
    connect();
  });
  document.addEventListener("htmx:afterSettle", function (event) { bindBoard(event.target); });
})();
