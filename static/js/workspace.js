// Agent Workspace: keep keyboard focus sensible when a widget section is swapped by htmx.
(function () {
  "use strict";

  var swapped = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    swapped = target && target.id && target.id.indexOf("summary-") === 0 ? target.id : null;
  });

  // outerHTML swaps replace the section: find the new one by id, then focus the first invalid
  // field, else the section's alert, else its heading, so a keyboard user stays in place.
  document.addEventListener("htmx:afterSettle", function () {
    if (!swapped) { return; }
    var section = document.getElementById(swapped);
    swapped = null;
    if (!section) { return; }
    var target = section.querySelector("[aria-invalid=true]") ||
      section.querySelector("[data-focus-after-swap]");
    if (!target) {
      target = section.querySelector("h3");
      if (target) { target.setAttribute("tabindex", "-1"); }
    }
    if (target) { target.focus(); }
  });
})();
