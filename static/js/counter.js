// Keyboard shortcuts of the counter page: Space calls the next customer (or recalls the one
// already called), S start, R recall, C close, X no-show. Typing in a field is left alone, Space
// on a focused button or link presses that one (as everywhere), and the agent can switch the
// shortcuts off (WCAG 2.1.4); the choice is kept in this browser.
(function () {
  "use strict";
  const keys = { " ": ["call", "recall"], s: ["s"], r: ["recall"], c: ["c"], x: ["x"] };
  const STORED = "smartqueue.counter.shortcuts";
  const toggle = document.getElementById("shortcuts-on");
  if (toggle) {
    toggle.checked = localStorage.getItem(STORED) !== "off";
    toggle.addEventListener("change", function () {
      localStorage.setItem(STORED, toggle.checked ? "on" : "off");
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (toggle && !toggle.checked) return;
    if (document.querySelector("dialog[open]")) return; // a dialog's keys are its own
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === " " && target.closest("button, a, summary")) return;
    const wanted = keys[event.key.toLowerCase()];
    if (!wanted) return;
    for (const name of wanted) {
      const button = document.querySelector('#desk [data-shortcut="' + name + '"]');
      if (button && !button.disabled) {
        event.preventDefault();
        button.click();
        return;
      }
    }
  });
})();

// The same desk open in several tabs: each hears the agent's desk state after every change
// and redraws when it shows another one (at another counter: the whole page, with its
// queues and socket).
(function () {
  "use strict";
  document.body.addEventListener("htmx:wsAfterMessage", function (event) {
    // Only a desk-state message says anything about the desk (the waiting lists' do not).
    if (!/id="desk-state"/.test(event.detail.message || "")) return;
    const heard = document.getElementById("desk-state");
    const desk = document.getElementById("desk");
    if (!heard || !desk || heard.dataset.state === desk.dataset.state) return;
    const counterOf = function (state) { return (state || "").split("|")[0]; };
    if (counterOf(heard.dataset.state) !== counterOf(desk.dataset.state)) {
      window.location.reload();
    } else {
      htmx.trigger(document.body, "live:resync");
    }
  });
})();

// Clocks of the page: each ticket's wait in the waiting lists (coloured once past its
// service's SLA) and the current ticket's service timer. The server renders the seconds so
// far; the page counts on from when it received them (the agent's clock may be off).
(function () {
  "use strict";
  const started = new WeakMap();

  function secondsOf(element, attribute) {
    if (!started.has(element)) {
      started.set(element, Date.now() - Number(element.getAttribute(attribute) || 0) * 1000);
    }
    return Math.max(0, Math.floor((Date.now() - started.get(element)) / 1000));
  }

  // As the server's "duration" filter writes it: "45 s", "12 min", "1 h 05".
  function duration(seconds) {
    if (seconds < 60) return seconds + " s";
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + " min";
    return Math.floor(minutes / 60) + " h " + String(minutes % 60).padStart(2, "0");
  }

  // As the server's "stopwatch" filter writes it: "04:07", "1:02:09".
  function stopwatch(seconds) {
    const hours = Math.floor(seconds / 3600);
    const minutes = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
    const rest = String(seconds % 60).padStart(2, "0");
    return (hours ? hours + ":" + minutes : minutes) + ":" + rest;
  }

  function tick() {
    document.querySelectorAll("[data-waited]").forEach(function (element) {
      const seconds = secondsOf(element, "data-waited");
      const text = duration(seconds);
      if (element.textContent !== text) element.textContent = text;
      element.classList.toggle("past-sla", seconds > Number(element.dataset.sla || Infinity));
    });
    document.querySelectorAll("[data-elapsed]").forEach(function (element) {
      element.textContent = stopwatch(secondsOf(element, "data-elapsed"));
    });
  }
  tick();
  window.setInterval(tick, 1000);
})();

// Dialogs: the reason for a break, and calling a chosen ticket before its turn (its button
// sits in the live waiting lists; one dialog on the page serves them all).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const opener = event.target.closest("[data-open-dialog]");
    if (opener) {
      document.getElementById(opener.dataset.openDialog).showModal();
      return;
    }
    const closer = event.target.closest("[data-close-dialog]");
    if (closer) {
      closer.closest("dialog").close();
      return;
    }
    const chosen = event.target.closest("[data-choose-ticket]");
    if (chosen) {
      const dialog = document.getElementById("choose-dialog");
      dialog.querySelector("form").reset();
      dialog.querySelector("[name=ticket]").value = chosen.dataset.chooseTicket;
      dialog.querySelector("[data-chosen-number]").textContent = chosen.dataset.number;
      dialog.showModal();
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    const dialog = event.target.closest && event.target.closest("dialog");
    if (dialog && dialog.open) dialog.close();
  });
})();

// Auto-call: when the desk shows #auto-call (the agent turned it on and is available) and
// somebody waits, count down and press Call next; the agent may stop this countdown. A new
// desk (after the next ticket) starts again. Paused agents get no #auto-call (and the engine
// refuses them anyway).
(function () {
  "use strict";
  let timer = null;
  let counting = null;

  function somebodyWaits() {
    return Array.from(document.querySelectorAll('[data-testid="waiting-count"]')).some(
      function (badge) { return Number(badge.textContent) > 0; }
    );
  }

  function say(box, key, seconds) {
    const text = box.getAttribute("data-say-" + key).replace("{n}", seconds);
    const line = box.querySelector("[data-auto-call-text]");
    if (line.textContent !== text) line.textContent = text;
  }

  function stop() {
    window.clearInterval(timer);
    timer = null;
    counting = null;
  }

  // The agent's "stop" holds for this desk (the same free spell): a live redraw of the desk
  // brings a new #auto-call, which must not start counting again. The next ticket changes the
  // desk's state, and auto-call works again.
  let haltedState = null;

  function deskState() {
    const desk = document.getElementById("desk");
    return desk ? desk.dataset.state : null;
  }

  function halt(box) {
    box.dataset.halted = "true";
    stop();
    say(box, "stopped");
    const button = box.querySelector("[data-auto-call-stop]");
    if (button) button.remove();
  }

  function sync() {
    const box = document.getElementById("auto-call");
    if (!box || box !== counting) stop();
    if (haltedState !== null && haltedState !== deskState()) haltedState = null; // moved on
    if (box && !box.dataset.halted && haltedState !== null) halt(box);
    if (!box || box.dataset.halted) return;
    if (!somebodyWaits()) {
      stop();
      say(box, "idle");
      return;
    }
    if (timer) return;
    let left = Number(box.dataset.seconds || 5);
    counting = box;
    say(box, "counting", left);
    timer = window.setInterval(function () {
      if (document.querySelector("dialog[open]")) return; // choosing a break or a ticket: wait
      left -= 1;
      if (left > 0) {
        say(box, "counting", left);
        return;
      }
      stop();
      const call = document.querySelector('#desk [data-shortcut="call"]');
      if (call && !call.disabled && document.body.contains(box)) call.click();
    }, 1000);
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-auto-call-stop]");
    if (!button) return;
    const box = button.closest("#auto-call");
    haltedState = deskState();
    const call = document.querySelector('#desk [data-shortcut="call"]');
    if (call) call.focus(); // the button goes: keep the focus somewhere useful
    halt(box);
  });
  // htmx:load fires on every new piece of page (the desk replaced after Close), in the page.
  document.body.addEventListener("htmx:load", function () { window.setTimeout(sync, 0); });
  document.body.addEventListener("htmx:wsAfterMessage", function () { window.setTimeout(sync, 0); });
  sync();
})();
