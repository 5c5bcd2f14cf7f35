// The sign-in window: hands its one-time code to the panel that opened it, on this exact
// origin only (the panel is a frame of this same site inside the desktop), then closes.
(function () {
  "use strict";

  var holder = document.getElementById("sign-in-code");
  if (!holder) { return; }
  if (!window.opener) {
    holder.querySelector("[data-sign-in-orphan]").hidden = false;
    return;
  }
  window.opener.postMessage(
    {type: "outcomes:sign-in-code", code: holder.getAttribute("data-code")},
    window.location.origin
  );
  window.setTimeout(function () { window.close(); }, 300);
})();
