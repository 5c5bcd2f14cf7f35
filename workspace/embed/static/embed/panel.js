// The panel inside an agent desktop (docs/integrations.md, "Desktop panels").
// - Asks the desktop which conversation is open and shows its widget. Chatwoot's Dashboard App
//   posts JSON.stringify({event: "appContext", data: {conversation, contact, currentAgent}})
//   on load and whenever the frame posts "chatwoot-dashboard-app:fetch-info". The context is
//   not signed: it only says which conversation to show; who is looking is this panel's own
//   sign-in, and the server shows only what that person may see.
// - Signs in through a window on this origin that hands back a one-time code (postMessage to
//   this exact origin), exchanged here for the panel's own session cookie.
// - Sends the CSRF token from the panel's own cookie with every htmx request.
(function () {
  "use strict";

  var script = document.currentScript;
  var origins = (script.getAttribute("data-origins") || "").split(" ").filter(Boolean);
  var accountHint = script.getAttribute("data-account") || "";
  var contextUrl = script.getAttribute("data-context-url");
  var sessionUrl = script.getAttribute("data-session-url");
  var signInUrl = script.getAttribute("data-sign-in-url");
  var FETCH_INFO = "chatwoot-dashboard-app:fetch-info";
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

  function idOf(value) {
    return value === undefined || value === null ? "" : String(value);
  }

  function chatwootIds(data) {
    var conversation = (data && data.conversation) || {};
    var messages = conversation.messages || [];
    var account = conversation.account_id || (messages[0] && messages[0].account_id) || accountHint;
    var sender = (conversation.meta && conversation.meta.sender) || data.contact || {};
    return {
      account: idOf(account),
      conversation: idOf(conversation.id),
      contact: idOf(sender.id)
    };
  }

  function show(ids) {
    var key = ids.account + "/" + ids.conversation;
    if (key === shown) { return; }
    shown = key;
    htmx.ajax("POST", contextUrl, {target: "#panel-body", swap: "innerHTML", values: ids});
  }

  window.addEventListener("message", function (event) {
    if (event.source === window.parent && origins.indexOf(event.origin) !== -1) {
      var message;
      try { message = typeof event.data === "string" ? JSON.parse(event.data) : null; } catch (e) { return; }
      if (message && message.event === "appContext" && message.data) { show(chatwootIds(message.data)); }
      return;
    }
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

  // Chatwoot posts the context when the frame loads, but not when the agent opens another
  // conversation beside a panel already loaded: ask again every few seconds while visible (an
  // unchanged answer costs no request here).
  function askDesktop() {
    if (document.visibilityState !== "hidden") {
      window.parent.postMessage(FETCH_INFO, "*");  // no secret in it; any origin may hear it
    }
  }
  if (window.parent !== window && document.getElementById("panel-waiting")) {
    askDesktop();
    window.setInterval(askDesktop, 2000);
  }
})();
