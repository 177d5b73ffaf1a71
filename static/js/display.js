// Lobby display: every new call (and every recall) blinks, chimes and is spoken, one after the
// other, never overlapping. Browsers refuse sound before a user gesture: then one tap on
// "Activer le son" unlocks it, and what was queued meanwhile is played. The screen remembers
// that sound was turned on (localStorage): after a reload it tries again by itself, and shows
// the button only if the browser still refuses (a kiosk browser started with
// --autoplay-policy=no-user-gesture-required never does: docs/deployment.md).
(function () {
  "use strict";
  const body = document.body;
  const voices = { fr: "fr-FR", en: "en-GB", wo: "fr-FR" }; // no browser speaks Wolof: French
  const speechLang = voices[body.dataset.language] || "fr-FR";
  const enableButton = document.getElementById("enable-sound");
  const pending = [];
  const seen = new Set();
  let playing = false;
  let audio = null;
  // Read by tests and by whoever debugs a screen from its console.
  const log = (window.smartqueueAnnouncements = { queued: [], spoken: [] });

  function audioContext() {
    if (!audio) {
      const Context = window.AudioContext || window.webkitAudioContext;
      audio = Context ? new Context() : null;
    }
    return audio;
  }

  window.smartqueueAudioState = function () {
    const context = audioContext();
    return context ? context.state : "none";
  };

  function soundAllowed() {
    const context = audioContext();
    return !context || context.state === "running";
  }

  const SOUND_KEY = "smartqueue.display.sound";

  function soundRemembered() {
    try { return window.localStorage.getItem(SOUND_KEY) === "on"; } catch (error) { return false; }
  }

  function rememberSound() {
    try { window.localStorage.setItem(SOUND_KEY, "on"); } catch (error) { /* private mode */ }
  }

  // "on": the screen can speak; "blocked": it waits for the tap. Read by tests.
  function soundState(state) {
    if (state === "on") rememberSound();
    body.dataset.sound = state;
    enableButton.hidden = state === "on";
  }

  function askForTap() {
    soundState("blocked");
  }

  enableButton.addEventListener("click", function () {
    const context = audioContext();
    (context ? context.resume() : Promise.resolve()).then(function () {
      soundState("on");
      playQueue();
    });
  });

  function chime() {
    const context = audioContext();
    if (!context) return Promise.resolve();
    [660, 880].forEach(function (frequency, index) {
      const start = context.currentTime + index * 0.3;
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.4, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.28);
      tone.connect(gain).connect(context.destination);
      tone.start(start);
      tone.stop(start + 0.3);
    });
    return new Promise(function (resolve) { setTimeout(resolve, 700); });
  }

  function sentence(item) {
    const match = /^([A-Z]+)0*(\d+)$/.exec(item.number);
    const spoken = match ? match[1] + " " + match[2] : item.number;
    return body.dataset.ticketWord + " " + spoken + ", " + (item.counter || "");
  }

  function speak(item) {
    if (!("speechSynthesis" in window)) return Promise.resolve();
    return new Promise(function (resolve) {
      const utterance = new SpeechSynthesisUtterance(sentence(item));
      utterance.lang = speechLang;
      utterance.rate = 0.9;
      const done = function () { clearTimeout(timer); resolve(); };
      const timer = setTimeout(done, 10000); // a voice that never ends must not block the queue
      utterance.onend = done;
      utterance.onerror = done;
      window.speechSynthesis.speak(utterance);
    });
  }

  async function playQueue() {
    if (playing) return;
    if (!soundAllowed()) {
      askForTap();
      return;
    }
    playing = true;
    while (pending.length) {
      const item = pending.shift();
      try {
        await chime();
        await speak(item);
      } catch (error) {
        console.warn("announcement failed", error);
      }
      log.spoken.push(item.key);
    }
    playing = false;
  }

  // The screen runs for weeks: keep only recent keys and log lines.
  function remember(key) {
    seen.add(key);
    if (seen.size > 500) seen.delete(seen.values().next().value);
    if (log.queued.length > 200) log.queued.splice(0, 100);
    if (log.spoken.length > 200) log.spoken.splice(0, 100);
  }

  function announce(key, number, counter) {
    if (seen.has(key)) return; // the same call delivered twice is said once
    remember(key);
    pending.push({ key: key, number: number, counter: counter });
    log.queued.push(key);
  }

  function nowCalling() {
    return Array.from(document.querySelectorAll("#display-board [data-testid=now-calling]"));
  }

  function collect() {
    document.querySelectorAll("#announce-queue [data-announce]").forEach(function (element) {
      element.remove();
      announce(element.dataset.announce, element.dataset.number, element.dataset.counter);
    });
    // A call still on the board that was never said (made while the socket was down, seen
    // only through the re-sync): said once now, the oldest first.
    nowCalling().reverse().forEach(function (slot) {
      announce(slot.dataset.key, slot.dataset.number, slot.dataset.counter);
    });
    playQueue();
  }

  // What the screen shows when it opens is not news: only later calls are announced.
  nowCalling().forEach(function (slot) { remember(slot.dataset.key); });
  body.addEventListener("htmx:wsAfterMessage", collect);
  body.addEventListener("htmx:afterSettle", collect);

  // Settings changed: the page reloads to take its new colours, message and queues.
  body.addEventListener("htmx:wsAfterMessage", function () {
    const reload = document.getElementById("display-reload");
    if (reload && reload.dataset.reload) window.location.reload();
  });

  // Try to start the sound at once: kiosk-mode browsers allow it, others need the tap. A screen
  // where sound was turned on before tries again after a reload, with nobody there to tap.
  if (soundRemembered()) body.dataset.soundRemembered = "yes";
  const context = audioContext();
  if (context && context.state !== "running") {
    context.resume().catch(function () {});
    setTimeout(function () {
      if (!soundAllowed()) {
        askForTap();
      } else {
        soundState("on");
      }
    }, 1000);
  } else {
    soundState("on");
  }

  const clock = document.getElementById("clock");
  const format = new Intl.DateTimeFormat(body.dataset.language || "fr", {
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: body.dataset.timezone || undefined,
  });
  setInterval(function () { clock.textContent = format.format(new Date()); }, 1000);
})();
