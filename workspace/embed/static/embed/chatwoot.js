// The panel inside Chatwoot's Dashboard App (docs/integrations.md, "Chatwoot"). Chatwoot posts
// JSON.stringify({event: "appContext", data: {conversation, contact, currentAgent}}) on load and
// whenever the frame posts "chatwoot-dashboard-app:fetch-info" (chatwoot/chatwoot,
// app/javascript/dashboard/components/widgets/DashboardApp/Frame.vue).
(function () {
  "use strict";

  var script = document.currentScript;
  var origins = (script.getAttribute("data-origins") || "").split(" ").filter(Boolean);
  var accountHint = script.getAttribute("data-account") || "";
  var FETCH_INFO = "chatwoot-dashboard-app:fetch-info";

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

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || origins.indexOf(event.origin) === -1) { return; }
    var message;
    try { message = typeof event.data === "string" ? JSON.parse(event.data) : null; } catch (e) { return; }
    if (message && message.event === "appContext" && message.data) {
      window.OutcomesPanel.show(chatwootIds(message.data));
    }
  });

  // Chatwoot posts the context when the frame loads, but not when the agent opens another
  // conversation beside a panel already loaded: ask again every few seconds while visible (an
  // unchanged answer costs no request here).
  function askDesktop() {
    if (document.visibilityState !== "hidden") {
      window.parent.postMessage(FETCH_INFO, "*");  // no secret in it; any origin may hear it
    }
  }
  if (window.OutcomesPanel.ready) {
    askDesktop();
    window.setInterval(askDesktop, 2000);
  }
})();
