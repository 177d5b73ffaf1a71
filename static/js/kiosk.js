// Kiosk: choose a service, optionally leave a phone number, take the ticket (or type an
// appointment's code); on-screen keypads, since a touchscreen has no keyboard (a connected
// keyboard or a code scanner still types). Back to the start after a short idle time so the
// next customer never finds someone else's screen.
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
    document.getElementById("kiosk-form").hidden = step === "checkin";
    document.getElementById("step-service").hidden = step !== "service";
    document.getElementById("step-phone").hidden = step !== "phone";
    document.getElementById("checkin-open").hidden = step !== "service";
    document.getElementById("checkin-form").hidden = step !== "checkin";
  }

  // A keypad types into its field as a keyboard would: at the end, within maxlength, and the
  // field hears an "input" event.
  function press(keypad, button) {
    const field = document.getElementById(keypad.dataset.keypadFor);
    const action = button.dataset.keypad;
    if (action === "delete") {
      field.value = field.value.slice(0, -1);
    } else if (action === "clear") {
      field.value = "";
    } else if (field.value.length < (field.maxLength > 0 ? field.maxLength : 64)) {
      field.value += button.dataset.key;
    }
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function typing(event) {
    return event.key.length === 1 && /[0-9A-Za-z]/.test(event.key) &&
      !event.ctrlKey && !event.metaKey && !event.altKey;
  }

  document.addEventListener("click", function (event) {
    const service = event.target.closest(".kiosk-service");
    if (service) {
      document.getElementById("chosen-queue").value = service.dataset.queue;
      document.getElementById("chosen-name").textContent = service.dataset.name;
      show("phone");
      document.getElementById("phone").focus();
    } else if (event.target.closest(".kiosk-key")) {
      press(event.target.closest(".kiosk-keypad"), event.target.closest(".kiosk-key"));
    } else if (event.target.closest(".kiosk-open-checkin")) {
      show("checkin");
      document.getElementById("appointment-code").focus();
    } else if (event.target.closest(".kiosk-back")) {
      document.getElementById("phone-error").textContent = "";
      show("service");
    } else if (event.target.closest(".kiosk-print")) {
      window.print();
    }
  });

  // A code scanner types the code on the first screen, where no field has the focus: take it
  // to the appointment's field (the keystroke follows the focus).
  document.addEventListener("keydown", function (event) {
    const start = document.getElementById("step-service");
    if (!start || start.hidden || !typing(event) || event.target.closest("input")) return;
    show("checkin");
    document.getElementById("appointment-code").focus();
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
