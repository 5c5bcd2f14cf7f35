// Agent Workspace: keep keyboard focus sensible when a widget section is swapped by htmx.
(function () {
  "use strict";

  var swapped = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var id = target && target.id;
    // The widget's sections, one outcome type (what its forms redraw), the form that adds
    // another outcome of a type (what a later outcome redraws), and a Close's answer.
    swapped = id && (id.indexOf("summary-") === 0 || id.indexOf("outcome-type-") === 0 ||
      id.indexOf("outcome-add-") === 0 || id === "close-status") ? id : null;
  });

  // outerHTML swaps replace the section: find the new one by id, then focus the first invalid
  // field, else the section's alert, else its heading, so a keyboard user stays in place.
  document.addEventListener("htmx:afterSettle", function () {
    var id = swapped;
    swapped = null;
    if (!id) { return; }
    var section = document.getElementById(id);
    if (!section) { return; }
    var target = section.querySelector("[aria-invalid=true]") ||
      section.querySelector("[data-focus-after-swap]");
    if (!target) {
      if (id === "close-status") { return; }  // nothing to say: the focus stays
      target = section.querySelector("h3, h4");
      if (target) { target.setAttribute("tabindex", "-1"); }
    }
    if (target) { target.focus(); }
  });
})();
