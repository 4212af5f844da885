/* Hall display board: keeps the call list short, announces calls one at a time (vi-VN voice),
   resumes the event stream where it stopped. Built to run for days: no growing lists, no
   listener added per message, at most MAX_QUEUE announcements waiting. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  var list = document.getElementById("calls");
  if (!board || !list || !window.htmx) return;
  var maxCalls = parseInt(list.getAttribute("data-max"), 10) || 8;
  var lastId = board.getAttribute("data-last-id") || "";
  var link = document.getElementById("link");

  // The SSE extension opens a new EventSource after the browser gave up on one (a server
  // error while restarting): ask it to resume after the last event received. A reconnect by
  // the browser itself sends Last-Event-ID, which the server prefers.
  htmx.createEventSource = function (url) {
    var u = new URL(url, location.href);
    if (lastId) u.searchParams.set("after", lastId);
    return new EventSource(u.toString());
  };

  document.body.addEventListener("htmx:sseOpen", function () { link.className = "d-link on"; });
  document.body.addEventListener("htmx:sseError", function () { link.className = "d-link off"; });
  document.body.addEventListener("htmx:sseMessage", function (event) {
    var message = event.detail;
    if (!message) return;
    if (message.lastEventId) lastId = message.lastEventId;
    if (message.type === "call") onCall();
  });

  function onCall() {
    var first = list.firstElementChild;
    if (!first) return;
    // A recall or a duplicate: keep only the newest line of a ticket; then keep maxCalls.
    var ticket = first.getAttribute("data-ticket");
    var item = first.nextElementSibling;
    while (item) {
      var next = item.nextElementSibling;
      if (item.getAttribute("data-ticket") === ticket) list.removeChild(item);
      item = next;
    }
    while (list.children.length > maxCalls) list.removeChild(list.lastElementChild);
    var text = first.getAttribute("data-speak");
    if (text) say(text);
  }

  // --- spoken announcements: one utterance at a time -------------------------------------
  var MAX_QUEUE = 6;
  var synth = window.speechSynthesis;
  var voice = null;
  var queue = [];
  var current = null;
  var guard = null;
  var button = document.getElementById("speech");

  function pickVoice() {
    var voices = synth.getVoices();
    voice = null;
    for (var i = 0; i < voices.length; i++) {
      var lang = (voices[i].lang || "").toLowerCase().replace("_", "-");
      if (lang === "vi-vn") { voice = voices[i]; break; }
      if (!voice && lang.indexOf("vi") === 0) voice = voices[i];
    }
  }
  function say(text) {
    if (!synth || !voice) return;  // no Vietnamese voice: the board stays silent
    if (queue.length >= MAX_QUEUE) queue.shift();  // a burst: drop the oldest waiting one
    queue.push(text);
    next();
  }
  function next() {
    if (current || !queue.length) return;
    var utterance = new SpeechSynthesisUtterance(queue.shift());
    utterance.voice = voice;
    utterance.lang = "vi-VN";
    utterance.rate = 0.9;
    current = utterance;  // also keeps it from being garbage-collected before onend
    var done = function (event) {
      if (current !== utterance) return;
      current = null;
      clearTimeout(guard);
      utterance.onend = utterance.onerror = null;
      if (event && event.error === "not-allowed" && button) button.hidden = false;
      setTimeout(next, 600);
    };
    utterance.onend = done;
    utterance.onerror = done;
    guard = setTimeout(done, 20000);  // some engines never fire onend
    synth.speak(utterance);
  }
  if (synth) {
    pickVoice();
    synth.onvoiceschanged = pickVoice;
    if (button) {
      // Browsers may refuse speech until someone touched the page (or were started with
      // --autoplay-policy=no-user-gesture-required): one tap enables it.
      button.addEventListener("click", function () {
        button.hidden = true;
        if (voice) {
          var hello = new SpeechSynthesisUtterance("Đã bật đọc số");
          hello.voice = voice;
          hello.lang = "vi-VN";
          synth.speak(hello);
        }
      });
    }
  }

  // --- clock (the center's time zone and the server's clock), and a fresh page each day ------
  var clock = document.getElementById("clock");
  var skew = (parseInt(board.getAttribute("data-now"), 10) || Date.now()) - Date.now();
  var zone = board.getAttribute("data-tz") || undefined;
  var timeFormat, dayFormat;
  try {
    timeFormat = new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: zone });
    dayFormat = new Intl.DateTimeFormat("en-CA", { timeZone: zone });
  } catch (error) {  // an unknown zone: the device's own
    timeFormat = new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit", hour12: false });
    dayFormat = new Intl.DateTimeFormat("en-CA");
  }
  var day = dayFormat.format(new Date(Date.now() + skew));
  setInterval(function () {
    var now = new Date(Date.now() + skew);
    clock.textContent = timeFormat.format(now);
    // After midnight (at 04:00, when the hall is empty) start again from a fresh page.
    if (dayFormat.format(now) !== day && timeFormat.format(now) >= "04:00") location.reload();
  }, 1000);
})();
