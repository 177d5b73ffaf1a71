// Live pages: the socket's state, and re-sync over HTTP whenever a message may have been missed.
// Every pushed message carries the site's sequence number; a gap, or a reconnection, makes the
// page ask the server for the true state ("live:resync"). Any message fires "live:changed".
(function () {
  "use strict";
  const body = document.body;
  const badge = document.getElementById("live-status");
  let lastSeq = readSeq();
  let wasClosed = false;
  let gap = false;

  // Come back soon after an outage (the extension's full jitter grows to a minute): each
  // retry within 3 s, spread so a lobby of screens does not reconnect all at once.
  htmx.config.wsReconnectDelay = function (retryCount) {
    const ceiling = Math.min(1000 * Math.pow(2, retryCount), 3000);
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  };

  function readSeq() {
    const element = document.getElementById("live-seq");
    return element ? Number(element.dataset.seq) : null;
  }

  function setOnline(online) {
    if (badge) badge.hidden = online;
    body.classList.toggle("is-offline", !online);
    body.dataset.live = online ? "online" : "offline";
  }

  function resync() {
    htmx.trigger(body, "live:resync");
  }

  body.addEventListener("htmx:wsOpen", function () {
    setOnline(true);
    if (wasClosed) resync();
    wasClosed = false;
  });
  body.addEventListener("htmx:wsClose", function (event) {
    // Signed out (in another tab): the server will not reopen it; the reload shows sign-in.
    if (event.detail && event.detail.event && event.detail.event.code === 4401) {
      window.location.reload();
      return;
    }
    setOnline(false);
    wasClosed = true;
  });
  body.addEventListener("htmx:wsError", function () {
    setOnline(false);
  });
  body.addEventListener("htmx:wsBeforeMessage", function (event) {
    const match = /id="live-seq" data-seq="(\d+)"/.exec(event.detail.message);
    if (!match) return;
    const seq = Number(match[1]);
    // Only a skipped number is a gap. A number the page has already reached comes from a
    // response rendered after the dispatcher took it but before its message arrived (the
    // counter's own call): applied as is (a display needs its announcement), no re-sync,
    // which would redraw the desk and drop the call's notice.
    if (lastSeq !== null && seq > lastSeq + 1) gap = true;
    if (lastSeq === null || seq > lastSeq) lastSeq = seq;
  });
  body.addEventListener("htmx:wsAfterMessage", function () {
    if (gap) {
      gap = false;
      resync();
    }
    htmx.trigger(body, "live:changed");
  });
  // A re-sync answer carries the sequence number it was rendered at.
  body.addEventListener("htmx:afterSettle", function () {
    const seq = readSeq();
    if (seq !== null && (lastSeq === null || seq > lastSeq)) lastSeq = seq;
  });
})();
