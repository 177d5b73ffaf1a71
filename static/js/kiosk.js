// Kiosk: choose a service, optionally leave a phone number, take the ticket; back to the start
// after a short idle time so the next customer never finds someone else's screen.
(function () {
  "use strict";
  const IDLE_MS = 30000;
  const TICKET_MS = 20000;
  const body = document.body;
  let timer = null;

  function restartAfter(ms) {
    clearTimeout(timer);
    timer = setTimeout(function () { window.location.href = body.dataset.startUrl; }, ms);
  }

  function show(step) {
    document.getElementById("step-service").hidden = step !== "service";
    document.getElementById("step-phone").hidden = step !== "phone";
    document.getElementById("checkin-form").hidden = step !== "service";
  }

  document.addEventListener("click", function (event) {
    const service = event.target.closest(".kiosk-service");
    if (service) {
      document.getElementById("chosen-queue").value = service.dataset.queue;
      document.getElementById("chosen-name").textContent = service.dataset.name;
      show("phone");
      document.getElementById("phone").focus();
    } else if (event.target.closest(".kiosk-back")) {
      document.getElementById("phone-error").textContent = "";
      show("service");
    } else if (event.target.closest(".kiosk-print")) {
      window.print();
    }
  });

  // Each touch pushes the idle limit back; a ticket on screen goes away sooner.
  ["click", "keydown", "touchstart"].forEach(function (name) {
    document.addEventListener(name, function () { restartAfter(IDLE_MS); }, { passive: true });
  });
  body.addEventListener("htmx:afterSwap", function () {
    if (document.querySelector("[data-testid='kiosk-ticket']")) restartAfter(TICKET_MS);
  });
  // Let a slow network or a refused ticket show its message instead of a blank screen.
  body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400 || event.detail.xhr.status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  restartAfter(IDLE_MS);
})();
