/* Ticket page at the kiosk: print on arrival (?print=1), then go back to the kiosk. */
(function () {
  "use strict";
  var card = document.querySelector(".t-card");
  if (!card) return;
  var kioskUrl = card.getAttribute("data-kiosk-url");
  var back = function () { if (kioskUrl) location.replace(kioskUrl); };
  var button = document.querySelector("[data-print]");
  if (button) button.addEventListener("click", function () { window.print(); });
  if (card.getAttribute("data-auto-print") === "1") {
    window.addEventListener("afterprint", function () { setTimeout(back, 8000); });
    window.addEventListener("load", function () { window.print(); });
  }
  if (kioskUrl) setTimeout(back, 45000);  // nobody pressed "Xong"
})();
