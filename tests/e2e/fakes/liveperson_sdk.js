// A stand-in for LivePerson's Agent Workspace Widget SDK
// (https://lpcdn.lpsnmedia.net/webagent/client-SDK.min.js), answered by the browser tests in its
// place. It has exactly the documented methods (LivePerson developer center, Agent Workspace
// Widget SDK, "Methods"): init(options), get(path, onSuccess, onError), bind(path, callback,
// notifyWhenDone) calling back with {key, newValue} at once when there is a value and on every
// change, unbind(path, callback, notifyWhenDone) with the same callback, command(name, data,
// notifyWhenDone) and dispose(). Like the real one it is a postMessage courier to the Agent
// Workspace: the host page (the workspace's stand-in) holds the public model and answers
//   {lpFake: "init"}                   -> {lpFake: "model", model: {...}}
//   {lpFake: "command", name, data}     (recorded by the host)
// and pushes {lpFake: "update", key: "chatInfo.rtSessionId", newValue: "..."} on a change.
(function () {
  "use strict";

  var model = null;
  var waiting = [];
  var bindings = [];
  var started = false;

  function at(path) {
    var value = model;
    var parts = path.split(".");
    for (var i = 0; i < parts.length; i++) {
      if (value === null || value === undefined) { return null; }
      value = value[parts[i]];
    }
    return value === undefined ? null : value;
  }

  function set(path, newValue) {
    var parts = path.split(".");
    var node = model;
    for (var i = 0; i < parts.length - 1; i++) {
      if (node[parts[i]] === null || typeof node[parts[i]] !== "object") { node[parts[i]] = {}; }
      node = node[parts[i]];
    }
    node[parts[parts.length - 1]] = newValue;
  }

  function notify(binding) {
    var value = at(binding.path);
    var seen = JSON.stringify(value);
    if (value === null || seen === binding.seen) { return; }
    binding.seen = seen;
    binding.callback({key: binding.path, newValue: value});
  }

  function whenReady(run) {
    if (model) { run(); } else { waiting.push(run); }
  }

  function post(message) {
    window.parent.postMessage(message, "*");
  }

  function onMessage(event) {
    var message = event.data;
    if (event.source !== window.parent || !message || !message.lpFake) { return; }
    if (message.lpFake === "model") {
      model = message.model;
      var run = waiting;
      waiting = [];
      run.forEach(function (fn) { fn(); });
    } else if (message.lpFake === "update" && model) {
      set(message.key, message.newValue);
      bindings.slice().forEach(notify);
    }
  }

  var agentSDK = {
    cmdNames: {
      write: "Write ChatLine",
      writeSC: "Write StructuredContent",
      notify: "Send Notification",
      sendFile: "Send File"
    },
    init: function () {  // the optional callbacks are never called: no such events here
      if (started) { return; }
      started = true;
      window.addEventListener("message", onMessage);
      post({lpFake: "init"});
    },
    get: function (path, onSuccess, onError) {
      if (!started) { if (onError) { onError(new Error("init was not called")); } return; }
      whenReady(function () { if (onSuccess) { onSuccess(at(path)); } });
    },
    bind: function (path, callback, notifyWhenDone) {
      if (!started) { if (notifyWhenDone) { notifyWhenDone(new Error("init was not called")); } return; }
      var binding = {path: path, callback: callback, seen: undefined};
      bindings.push(binding);
      whenReady(function () {
        notify(binding);
        if (notifyWhenDone) { notifyWhenDone(null); }
      });
    },
    unbind: function (path, callback, notifyWhenDone) {
      bindings = bindings.filter(function (b) { return !(b.path === path && b.callback === callback); });
      if (notifyWhenDone) { notifyWhenDone(null); }
    },
    command: function (name, data, notifyWhenDone) {
      post({lpFake: "command", name: name, data: data});
      if (notifyWhenDone) { notifyWhenDone(null); }
    },
    dispose: function () {
      window.removeEventListener("message", onMessage);
      bindings = [];
      started = false;
    }
  };

  window.lpTag = window.lpTag || {};
  window.lpTag.agentSDK = agentSDK;
})();
