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
