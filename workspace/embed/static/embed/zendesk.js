// The panel as a Zendesk ticket sidebar app (docs/integrations.md, "Zendesk").
// Zendesk's Apps framework SDK (vendor/zaf_sdk.min.js, loaded before this script): ZAFClient.init()
// reads ``origin`` and ``app_guid`` from this page's URL and shakes hands with Zendesk;
// client.context() gives {account: {subdomain}, location, ticketId}; client.get(paths) answers
// {"ticket.id": ..., "ticket.requester": {id}, ...}; client.on("ticket.save", hook): a hook whose
// promise rejects with a string blocks the save and Zendesk shows the string. Source:
// zendesk/zendesk_app_framework_sdk (lib/client.js) and Zendesk's Support API ticket sidebar docs.
(function () {
  "use strict";

  var panel = window.OutcomesPanel;
  var checkUrl = document.currentScript.getAttribute("data-check-url");
  if (window.parent === window) { return; }
  var client = window.ZAFClient && window.ZAFClient.init();
  if (!client) {
    var missing = document.querySelector("[data-embed-no-desktop]");
    if (missing) { missing.hidden = false; }
    return;
  }
  // Statuses that end the ticket: only then does a required outcome hold the save.
  var SOLVING = ["solved", "closed"];

  function text(value) {
    return value === undefined || value === null ? "" : String(value);
  }

  var ticket = Promise.all([
    client.context(),
    client.get(["ticket.id", "ticket.requester", "ticket.group"])
  ]).then(function (answers) {
    var account = answers[0].account || {}, found = answers[1];
    var requester = found["ticket.requester"] || {}, group = found["ticket.group"] || {};
    return {
      subdomain: text(account.subdomain),
      ticket: text(found["ticket.id"] || answers[0].ticketId),
      requester: text(requester.id),
      group: text(group.name)
    };
  });

  if (panel.ready) {
    ticket.then(panel.show);
    // Reassigned: the same ticket, another agent; what this person may see may have changed.
    client.on("ticket.assignee.user.id.changed", function () {
      panel.forget();
      ticket.then(panel.show);
    });
  }

  // Zendesk sizes the sidebar frame; ask for the height the panel needs after each swap.
  function resize() {
    client.invoke("resize", {width: "100%", height: document.body.scrollHeight + "px"});
  }
  document.addEventListener("htmx:afterSettle", resize);

  function ask(ids) {
    var body = new URLSearchParams({subdomain: ids.subdomain, ticket: ids.ticket});
    return fetch(checkUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"X-CSRFToken": panel.csrfToken()}
    }).then(function (response) {
      // 401: signed out, so nothing can be checked: the answer carries the message to sign in.
      if (response.status !== 200 && response.status !== 401) { return true; }
      return response.json().then(function (answer) {
        return answer.blocked ? Promise.reject(answer.message) : true;
      });
    }, function () { return true; });  // our server unreachable: never stop the desk
  }

  client.on("ticket.save", function () {
    return client.get("ticket.status").then(function (found) {
      if (SOLVING.indexOf(text(found["ticket.status"])) === -1) { return true; }
      return ticket.then(ask);
    });
  });
})();
