// Page-wide behaviour that the content security policy keeps out of templates.
(function () {
  "use strict";

  function errorText(status) {
    var template = document.getElementById("http-error-messages");
    if (!template) { return "Error " + status; }
    var match = template.content.querySelector('[data-status="' + status + '"]') ||
      template.content.querySelector('[data-status="default"]');
    return match ? match.textContent : "Error " + status;
  }

  function showMessage(text, level) {
    var area = document.getElementById("messages");
    if (!area) { return; }
    var p = document.createElement("p");
    p.className = "message message--" + (level || "error");
    p.textContent = text;
    area.replaceChildren(p);
  }

  // htmx swaps 2xx, 409 and 422 (htmx-config meta); other errors land here as a message.
  document.addEventListener("htmx:responseError", function (event) {
    showMessage(errorText(String(event.detail.xhr.status)));
  });
  document.addEventListener("htmx:sendError", function () {
    showMessage(errorText("network"));
  });

  // Disable a form's submit buttons while its request is in flight (no double submits).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest("form");
    if (form) { form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; }); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest("form");
    if (form) { form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; }); }
  });

  // After a swap, move focus to the first invalid field, or to an element asking for focus.
  document.addEventListener("htmx:afterSwap", function (event) {
    var root = event.detail.target;
    var target = root.querySelector("[aria-invalid=true], .field--invalid input, .field--invalid select, .field--invalid textarea") ||
      root.querySelector("[data-focus-after-swap]");
    if (target) { target.focus(); }
  });

  // Plain forms: confirm destructive actions marked with data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);
})();
