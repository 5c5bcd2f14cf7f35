// The panel inside an agent desktop (docs/integrations.md, "Desktop panels"), shared by every
// desktop; the desktop's own script (chatwoot.js, liveperson.js) reads the desktop's context
// and calls OutcomesPanel.show(ids).
// - The context is not signed: it only says which conversation to show; who is looking is this
//   panel's own sign-in, and the server shows only what that person may see.
// - Signs in through a window on this origin that hands back a one-time code (postMessage to
//   this exact origin), exchanged here for the panel's own session cookie.
// - Sends the CSRF token from the panel's own cookie with every htmx request.
(function () {
  "use strict";

  var script = document.currentScript;
  var contextUrl = script.getAttribute("data-context-url");
  var sessionUrl = script.getAttribute("data-session-url");
  var signInUrl = script.getAttribute("data-sign-in-url");
  var shown = null;
  var signInWindow = null;

  function cookie(name) {
    var found = document.cookie.split("; ").filter(function (part) {
      return part.indexOf(name + "=") === 0;
    })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  // Registered after keep_typing.js's listener, so the panel's token is the one sent.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = cookie("embed_csrftoken");
    if (!token) { return; }
    event.detail.headers["X-CSRFToken"] = token;
    if (event.detail.parameters && event.detail.parameters.csrfmiddlewaretoken !== undefined) {
      event.detail.parameters.csrfmiddlewaretoken = token;
    }
  });

  // Shows the conversation ``ids`` name; the same ids again cost no request.
  function show(ids) {
    var key = JSON.stringify(ids);
    if (key === shown) { return; }
    shown = key;
    htmx.ajax("POST", contextUrl, {target: "#panel-body", swap: "innerHTML", values: ids});
  }

  window.addEventListener("message", function (event) {
    if (signInWindow && event.source === signInWindow && event.origin === window.location.origin) {
      if (event.data && event.data.type === "outcomes:sign-in-code") { exchange(event.data.code); }
    }
  });

  function exchange(code) {
    signInWindow = null;
    var body = new URLSearchParams({code: String(code || "")});
    fetch(sessionUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"X-CSRFToken": cookie("embed_csrftoken")}
    }).then(function (response) {
      if (response.status === 204) { window.location.reload(); return; }
      signInFailed();
    }, signInFailed);
  }

  function signInFailed() {
    var error = document.querySelector("[data-embed-sign-in-error]");
    if (error) { error.hidden = false; }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-embed-sign-in]");
    if (!button) { return; }
    signInWindow = window.open(signInUrl, "outcomes-sign-in", "popup,width=480,height=640");
    if (!signInWindow) { signInFailed(); }
  });

  window.OutcomesPanel = {
    show: show,
    // The next show() asks the server even for the same ids (what changed is not in them).
    forget: function () { shown = null; },
    // The panel's CSRF token, for a desktop script's own requests (Zendesk's save gate).
    csrfToken: function () { return cookie("embed_csrftoken"); },
    // Signed in and framed: only then is there a conversation to ask the desktop for.
    ready: window.parent !== window && document.getElementById("panel-waiting") !== null
  };
})();
