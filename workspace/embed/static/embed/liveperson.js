// The panel as a LivePerson Agent Workspace custom widget (docs/integrations.md, "LivePerson").
// LivePerson's Agent Workspace Widget SDK (loaded before this script from LivePerson's CDN):
// lpTag.agentSDK.init, get(path, ok, error), bind(path, callback) calling back with
// {key, newValue} at once and on every change, unbind, dispose. Paths from its public model:
// chatInfo.rtSessionId (in messaging, the conversation id), chatInfo.chatSkill,
// chattingAgentInfo.agentId (the assigned agent), agentInfo (the signed-in agent, with the
// account id), visitorInfo.visitorId. Source: LivePerson developer center, Agent Workspace Widget
// SDK, "Methods" and "Public Model Structure".
(function () {
  "use strict";

  var panel = window.OutcomesPanel;
  if (!panel.ready) { return; }
  var sdk = window.lpTag && window.lpTag.agentSDK;
  if (!sdk) {
    var missing = document.querySelector("[data-embed-no-desktop]");
    if (missing) { missing.hidden = false; }
    return;
  }
  var state = {account: "", conversation: "", chattingAgent: null};

  function text(value) {
    return value === undefined || value === null ? "" : String(value);
  }

  function read(path, done) {
    sdk.get(path, function (value) { done(text(value)); }, function () { done(""); });
  }

  // The conversation on screen, with what a provisional conversation is made from.
  function refresh() {
    var conversation = state.conversation;
    if (!conversation || !state.account) { return; }
    read("chatInfo.chatSkill", function (skill) {
      read("visitorInfo.visitorId", function (visitor) {
        if (conversation !== state.conversation) { return; }  // the agent moved on meanwhile
        panel.show({account: state.account, conversation: conversation, contact: visitor, skill: skill});
      });
    });
  }

  function onConversation(data) {
    state.conversation = text(data && data.newValue);
    refresh();
  }

  // A transfer: the same conversation, another assigned agent. Ask again: what this person may
  // see of it may have changed.
  function onChattingAgent(data) {
    var agent = text(data && data.newValue);
    var transferred = state.chattingAgent !== null && agent !== state.chattingAgent;
    state.chattingAgent = agent;
    if (transferred) {
      panel.forget();
      refresh();
    }
  }

  sdk.init({});
  sdk.get("agentInfo", function (agent) {
    state.account = text(agent && agent.accountId);
    if (state.account) { refresh(); return; }
    read("chatInfo.accountId", function (account) { state.account = account; refresh(); });
  }, function () {
    read("chatInfo.accountId", function (account) { state.account = account; refresh(); });
  });
  sdk.bind("chatInfo.rtSessionId", onConversation);
  sdk.bind("chattingAgentInfo.agentId", onChattingAgent);

  window.addEventListener("pagehide", function () {
    sdk.unbind("chatInfo.rtSessionId", onConversation);
    sdk.unbind("chattingAgentInfo.agentId", onChattingAgent);
    sdk.dispose();
  });
})();
