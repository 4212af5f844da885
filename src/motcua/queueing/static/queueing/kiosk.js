/* Kiosk: on-screen keypads and a return to the start page when nobody touches the screen. */
(function () {
  "use strict";
  var main = document.querySelector("[data-idle-url]");
  if (main) {
    var idleMs = (parseInt(main.getAttribute("data-idle-seconds"), 10) || 60) * 1000;
    var timer = null;
    var arm = function () {
      clearTimeout(timer);
      timer = setTimeout(function () { location.replace(main.getAttribute("data-idle-url")); }, idleMs);
    };
    ["pointerdown", "keydown", "input"].forEach(function (name) {
      document.addEventListener(name, arm, { passive: true });
    });
    arm();
  }
  document.addEventListener("click", function (event) {
    var key = event.target.closest(".k-keypad button");
    if (!key) return;
    var input = document.getElementById(key.parentElement.getAttribute("data-target"));
    if (!input) return;
    if (key.hasAttribute("data-clear")) input.value = "";
    else if (key.hasAttribute("data-back")) input.value = input.value.slice(0, -1);
    else if (input.value.length < (input.maxLength > 0 ? input.maxLength : 20)) {
      input.value += key.getAttribute("data-key");
    }
  });
  // A second tap on "Lấy số" while the first is on its way must not issue a second ticket.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
    form.setAttribute("data-sent", "1");
  });
})();
