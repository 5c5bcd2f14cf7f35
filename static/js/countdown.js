// Deadlines ("until 04:26 CET, 23 min left", workspace/_deadline.html): refresh what is left
// every 15 s, for every deadline on the page, including ones htmx swapped in since.
(function () {
  "use strict";

  function fill(phrase, values) {
    return phrase.replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  function left(deadline, now) {
    var seconds = (Date.parse(deadline.getAttribute("data-deadline")) - now) / 1000;
    var minutes = Math.floor(seconds / 60);
    if (seconds <= 0) { return deadline.getAttribute("data-left-over"); }
    if (minutes < 1) { return deadline.getAttribute("data-left-soon"); }
    if (minutes < 60) { return fill(deadline.getAttribute("data-left-minutes"), { minutes: minutes }); }
    var rest = minutes % 60;
    return fill(deadline.getAttribute("data-left-hours"), {
      hours: Math.floor(minutes / 60), minutes: rest < 10 ? "0" + rest : rest
    });
  }

  function refresh() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (deadline) {
      var target = deadline.querySelector("[data-deadline-left]");
      var text = left(deadline, now);
      if (target && text && target.textContent !== text) { target.textContent = text; }
    });
  }

  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:afterSettle", refresh);
  window.setInterval(refresh, 15000);
})();
