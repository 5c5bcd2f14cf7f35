// Report pages: a filter form applies itself when a choice changes (htmx swaps the report body
// and pushes the URL; without htmx the form submits as a plain GET). Dates wait for "Apply".
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!(field instanceof HTMLSelectElement)) { return; }
    var form = field.closest("form[data-auto-submit]");
    if (form) { form.requestSubmit(); }
  });
})();
