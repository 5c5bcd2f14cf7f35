// Nothing an agent types is lost (docs/workspace.md, "What is kept"):
// - the CSRF token is read from its cookie when each htmx request is configured, so a sign-in in
//   another tab (which changes the token) does not make this page's next submit fail;
// - what is typed in a form marked [data-draft] waits in sessionStorage (this tab only) until a
//   submit of that form is saved, and comes back when the page loads again (a reload, Back, or
//   the sign-in that an expired session asked for); sign-out forgets all of it;
// - an htmx submit that meets an expired session or a refused token is answered beside the form
//   with a sign-in link back to this page, instead of leaving the page;
// - a page marked .fresh-on-back is reloaded when Back brings it from the back-forward cache.
(function () {
  "use strict";

  var script = document.currentScript;
  var LOGIN_URL = script.getAttribute("data-login-url") || "/login/";
  var LOGOUT_URL = script.getAttribute("data-logout-url") || "/logout/";
  var PREFIX = "draft:" + (script.getAttribute("data-user") || "") + ":";

  function cookie(name) {
    var found = document.cookie.split("; ").filter(function (part) {
      return part.indexOf(name + "=") === 0;
    })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var token = cookie("csrftoken");
    if (!token) { return; }
    event.detail.headers["X-CSRFToken"] = token;
    // Django reads a form's own csrfmiddlewaretoken before the header: send the fresh one there.
    if (event.detail.parameters && event.detail.parameters.csrfmiddlewaretoken !== undefined) {
      event.detail.parameters.csrfmiddlewaretoken = token;
    }
  });

  // ---- Drafts -------------------------------------------------------------------------------
  function storage() {
    try { return window.sessionStorage; } catch (error) { return null; }
  }

  function keyFor(form) {
    return PREFIX + window.location.pathname + "|" + (form.getAttribute("action") || form.id);
  }

  function typed(field) {
    var skip = ["hidden", "password", "submit", "button", "reset", "file", "image"];
    return field.name && !field.disabled && skip.indexOf(field.type) === -1;
  }

  function draftSave(form) {
    var store = storage();
    if (!store) { return; }
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!typed(field)) { return; }
      var list = values[field.name] || (values[field.name] = []);
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) { list.push(field.value); }
      } else if (field.tagName === "SELECT" && field.multiple) {
        Array.prototype.forEach.call(field.selectedOptions, function (o) { list.push(o.value); });
      } else {
        list.push(field.value);
      }
    });
    try { store.setItem(keyFor(form), JSON.stringify(values)); } catch (error) { /* full */ }
  }

  function draftRestore(form) {
    var store = storage();
    var raw = store && store.getItem(keyFor(form));
    if (!raw) { return; }
    var values;
    try { values = JSON.parse(raw); } catch (error) { return; }
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!typed(field) || !Object.prototype.hasOwnProperty.call(values, field.name)) { return; }
      var wanted = values[field.name];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = wanted.indexOf(field.value) !== -1;
      } else if (field.tagName === "SELECT" && field.multiple) {
        Array.prototype.forEach.call(field.options, function (o) { o.selected = wanted.indexOf(o.value) !== -1; });
      } else {
        field.value = wanted.length ? wanted[0] : "";
      }
    });
    var details = form.closest("details");
    if (details) { details.open = true; }
    form.setAttribute("data-draft-restored", "");
  }

  function draftForget(form) {
    var store = storage();
    if (store) { store.removeItem(keyFor(form)); }
  }

  function draftsForgetAll() {
    var store = storage();
    if (!store) { return; }
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var key = store.key(i);
      if (key && key.indexOf("draft:") === 0) { store.removeItem(key); }
    }
  }

  function onTyping(event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-draft")) { draftSave(form); }
  }
  document.addEventListener("input", onTyping);
  document.addEventListener("change", onTyping);

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-draft]").forEach(draftRestore);
  });

  // Saved (2xx, swapped): that form's draft is done. A 422 keeps it: the fragment shows the typing.
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    var form = elt && elt.closest ? elt.closest("form") : null;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (form && form.hasAttribute("data-draft") && event.detail.successful === true &&
        status >= 200 && status < 300) {
      draftForget(form);
    }
  });

  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute("action") || "";
    if (action === LOGOUT_URL) { draftsForgetAll(); }
  });

  // ---- Signed out, or a refused token, during an htmx request --------------------------------
  function phrase(status) {
    var template = document.getElementById("http-error-messages");
    var match = template && template.content.querySelector('[data-status="' + status + '"]');
    return match ? match.textContent : "";
  }

  function signInOffer(elt, url, reason) {
    var form = elt.closest("form");
    if (form && form.hasAttribute("data-draft")) { draftSave(form); }
    var anchor = form || elt;
    var box = document.createElement("div");
    box.className = "alert alert--warning sign-in-again";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = phrase(reason) + " ";
    var link = document.createElement("a");
    link.href = url;
    link.textContent = phrase("sign-in");
    text.appendChild(link);
    box.appendChild(text);
    document.querySelectorAll(".sign-in-again").forEach(function (old) { old.remove(); });
    anchor.parentNode.insertBefore(box, anchor);
    link.focus();
  }

  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail.xhr;
    var redirect = xhr.getResponseHeader("HX-Redirect") || "";
    var signedOut = redirect.indexOf(LOGIN_URL) === 0;
    var refused = xhr.status === 403 && /csrf-failure/.test(xhr.getResponseHeader("HX-Trigger") || "");
    // Only a form's submit is answered here; a poll may go to the sign-in page as a whole page
    // (drafts are in sessionStorage already and come back after it).
    var form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("form") : null;
    if ((!signedOut && !refused) || !form) { return; }
    event.preventDefault();  // stay on this page, with everything typed
    var here = window.location.pathname + window.location.search;
    var url = signedOut ? redirect : LOGIN_URL + "?next=" + encodeURIComponent(here);
    signInOffer(event.detail.elt, url, signedOut ? "signed-out" : "csrf");
  });

  // ---- Back shows fresh data ----------------------------------------------------------------
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.body.classList.contains("fresh-on-back")) {
      window.location.reload();
    }
  });
})();
