// Keyboard shortcuts of the counter page: Space calls the next customer (or recalls the one
// already called), S start, R recall, C close, X no-show. Typing in a field is left alone.
(function () {
  "use strict";
  const keys = { " ": ["call", "recall"], s: ["s"], r: ["recall"], c: ["c"], x: ["x"] };
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
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
