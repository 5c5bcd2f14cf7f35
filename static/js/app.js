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

  // While a request runs, its target is busy for assistive technology too.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (target && target.setAttribute) { target.setAttribute("aria-busy", "true"); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var target = event.detail.target;
    if (target && target.removeAttribute) { target.removeAttribute("aria-busy"); }
  });

  // An outerHTML swap removes the element that had the focus, which drops keyboard users at the
  // top of the page. Remember whether the focus was inside the target; once every other handler
  // had its turn, if the focus was lost, put it on the new fragment's heading (or the fragment).
  // Fragments may also carry [data-announce]: its text is read out in the polite live region.
  var focusWasInside = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    focusWasInside = target && target.id && target.contains(document.activeElement) ? target.id : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var id = focusWasInside || (event.detail.target && event.detail.target.id);
    var root = id ? document.getElementById(id) : null;
    var lost = focusWasInside;
    focusWasInside = null;
    if (!root) { return; }
    var news = root.matches("[data-announce]") ? root : root.querySelector("[data-announce]");
    var announcer = document.getElementById("announcer");
    if (news && announcer) {
      announcer.textContent = "";
      window.setTimeout(function () {
        announcer.textContent = news.getAttribute("data-announce") || news.textContent.trim();
      }, 50);
    }
    if (!lost) { return; }
    window.setTimeout(function () {
      var active = document.activeElement;
      if (active && active !== document.body && document.contains(active)) { return; }
      var target = root.querySelector("h2, h3, h4") || root;
      if (!target.hasAttribute("tabindex") && !target.matches("a, button, input, select, textarea")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }, 0);
  });

  // Tabs scroll sideways on narrow screens: bring the current one into view.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".tabs [aria-current=page]").forEach(function (tab) {
      var tabs = tab.parentElement;
      if (tabs.scrollWidth > tabs.clientWidth) {
        tabs.scrollLeft = tab.offsetLeft - tabs.offsetLeft - (tabs.clientWidth - tab.offsetWidth) / 2;
      }
    });
  });

  // Plain (non-htmx) posts: disable the submit buttons once the browser submits, so a double
  // click sends one request. After the click's own value is in the form data (next tick); and
  // enabled again when the page comes back from the back-forward cache.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method.toLowerCase() !== "post") { return; }
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]:not([disabled])").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("data-submitting", "");
      });
    }, 0);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button[data-submitting]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("data-submitting");
    });
  });

  // Plain forms: confirm destructive actions marked with data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);
})();
