// Campaign Builder behaviour the content security policy keeps out of templates.
// Everything here is an enhancement: every page works without it.
(function () {
  "use strict";

  // Connectors: copy a new key to the clipboard.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    if (!input) { return; }
    input.select();
    var done = function () { button.textContent = button.getAttribute("data-copied-text") || button.textContent; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done);
    } else if (document.execCommand("copy")) {
      done();
    }
  });

  // Show only the parts of a form that apply to the chosen option; without JS all are shown.
  function syncGoalForm(form) {
    var type = form.querySelector("[name=goal_type]");
    if (!type) { return; }
    form.querySelectorAll("[data-goal-type]").forEach(function (part) {
      part.hidden = part.getAttribute("data-goal-type") !== type.value;
    });
  }

  var CHOICE_KINDS = ["single", "multiple", "dropdown"];
  function syncQuestionForm(form) {
    var kind = form.querySelector("[name=kind]");
    var predefined = form.querySelector("[name=predefined]");
    if (!kind) { return; }
    var isPredefined = predefined && predefined.value !== "";
    form.querySelectorAll("[data-question-part]").forEach(function (part) {
      var name = part.getAttribute("data-question-part");
      if (name === "kind") { part.hidden = isPredefined; }
      if (name === "free_text") { part.hidden = isPredefined || kind.value !== "free_text"; }
      if (name === "options") { part.hidden = isPredefined || CHOICE_KINDS.indexOf(kind.value) < 0; }
      if (name === "predefined") { part.hidden = !isPredefined; }
    });
  }

  function syncAll(root) {
    root.querySelectorAll("[data-goal-form]").forEach(syncGoalForm);
    root.querySelectorAll("[data-question-form]").forEach(syncQuestionForm);
  }

  document.addEventListener("change", function (event) {
    var goalForm = event.target.closest("[data-goal-form]");
    if (goalForm) { syncGoalForm(goalForm); }
    var questionForm = event.target.closest("[data-question-form]");
    if (questionForm) { syncQuestionForm(questionForm); }
  });

  // Configure page: a link to #attribute-lead opens that attribute.
  function openFromHash() {
    if (!location.hash) { return; }
    var target = document.getElementById(location.hash.slice(1));
    var details = target && target.querySelector("details");
    if (details) { details.open = true; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    syncAll(document);
    openFromHash();
  });
  window.addEventListener("hashchange", openFromHash);
  // Our fragments replace themselves (hx-swap="outerHTML"), so the swapped target is gone by
  // the time app.js looks in it: find the new element by its id, then move the focus the same
  // way (first invalid field, else the element that asks for it).
  document.addEventListener("htmx:afterSettle", function (event) {
    var id = event.detail.target && event.detail.target.id;
    var root = id ? document.getElementById(id) : null;
    if (!root) { return; }
    syncAll(root);
    var target = root.querySelector(".field--invalid input, .field--invalid select, .field--invalid textarea") ||
      root.querySelector("[data-focus-after-swap]");
    if (target && document.activeElement !== target) { target.focus(); }
  });
})();
