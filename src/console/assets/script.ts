/**
 * The console page's one script, served as /admin/console/app.js (CSP `script-src 'self'`).
 * It holds the admin token in a closure variable: never in a URL, a cookie or Web Storage, so no
 * other page's script can read it later; a reload or "Sign out" forgets it. Views come from
 * /admin/console/views/* as HTML rendered (and escaped) by the Worker; actions are ordinary
 * admin API calls. Plain ES2020, no build step; it never calls innerHTML or eval.
 */
export const CONSOLE_SCRIPT = `"use strict";
(function () {
  var token = null;
  var current = "";
  var byId = function (id) { return document.getElementById(id); };
  var VIEW = /^(overview|events|dead-letters|routes|sources)(\\/[^?#]*)?(\\?[^#]*)?$/;
  /** A "." or ".." segment (also percent-encoded) would let a crafted hash climb out of the views. */
  var DOT_SEGMENT = /(^|\\/)(\\.|%2e){1,2}(\\/|\\?|$)/i;

  function say(text, isError) {
    var status = byId("status");
    status.textContent = text;
    status.className = isError ? "error" : "ok";
  }

  function call(method, path, body) {
    var headers = { authorization: "Bearer " + token };
    if (body !== undefined) headers["content-type"] = "application/json";
    var init = { method: method, headers: headers, cache: "no-store", credentials: "omit", redirect: "error" };
    if (body !== undefined) init.body = JSON.stringify(body);
    return fetch(path, init).then(function (res) {
      if (res.status === 401) {
        signOut("The admin token was refused. Sign in again.");
        throw new Error("refused");
      }
      return res;
    });
  }

  function messageOf(res) {
    return res.json().then(function (body) {
      return body && body.error && body.error.message ? body.error.message : "HTTP " + res.status;
    }, function () { return "HTTP " + res.status; });
  }

  /** Server-rendered, escaped HTML, parsed inert and moved in node by node. */
  function place(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var view = byId("view");
    view.replaceChildren.apply(view, Array.prototype.slice.call(doc.body.childNodes));
    var navs = document.querySelectorAll("[data-nav]");
    for (var i = 0; i < navs.length; i++) {
      if (current.indexOf(navs[i].getAttribute("data-nav")) === 0) navs[i].setAttribute("aria-current", "page");
      else navs[i].removeAttribute("aria-current");
    }
  }

  function load(path, keepFocus) {
    if (!VIEW.test(path) || DOT_SEGMENT.test(path)) path = "overview";
    current = path;
    return call("GET", "/admin/console/views/" + path).then(function (res) {
      if (!res.ok) return messageOf(res).then(function (m) { say(m, true); });
      return res.text().then(function (html) {
        place(html);
        var heading = byId("view").querySelector("h1");
        if (heading && !keepFocus) heading.focus();
      });
    }).catch(function (e) { if (e.message !== "refused") say("The console could not reach the gateway.", true); });
  }

  function fromHash() { return location.hash.slice(1) || "overview"; }

  /** Shows the console and loads the view; an answer of 401 (see call) brings the sign-in back. */
  function signIn(event) {
    event.preventDefault();
    var input = byId("token");
    token = input.value;
    input.value = "";
    byId("sign-in-error").textContent = "";
    byId("sign-in").hidden = true;
    byId("nav").hidden = false;
    byId("sign-out").hidden = false;
    byId("view").hidden = false;
    say("");
    load(fromHash());
  }

  function signOut(message) {
    token = null;
    current = "";
    byId("view").replaceChildren();
    byId("view").hidden = true;
    byId("nav").hidden = true;
    byId("sign-out").hidden = true;
    byId("sign-in").hidden = false;
    byId("sign-in-error").textContent = message || "";
    say(message ? "" : "Signed out.");
    byId("token").focus();
  }

  /** A form's fields as the API's JSON body: "a.b" nests, data-list splits on commas, empty fields are left out. */
  function bodyOf(form) {
    var body = {};
    var lists = {};
    var fields = form.elements;
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (!field.name || field.disabled || field.type === "file" || field.type === "submit") continue;
      if (field.type === "checkbox") {
        if (field.checked) (lists[field.name] = lists[field.name] || []).push(field.value);
        continue;
      }
      var value = field.value.trim();
      if (value === "") continue;
      if (field.hasAttribute("data-iso")) value = new Date(value + ":00Z").toISOString();
      if (field.hasAttribute("data-list")) value = value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
      var keys = field.name.split(".");
      var target = body;
      for (var k = 0; k < keys.length - 1; k++) target = target[keys[k]] = target[keys[k]] || {};
      target[keys[keys.length - 1]] = value;
    }
    Object.keys(lists).forEach(function (name) { body[name] = lists[name]; });
    return body;
  }

  function withFile(form, body) {
    var input = form.querySelector("input[type=file][data-file]");
    if (!input || !input.files || input.files.length === 0) return Promise.resolve(body);
    return input.files[0].arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      var text = new TextDecoder().decode(bytes);
      var binary = "";
      for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
      body[input.getAttribute("data-file")] = text.indexOf("-----BEGIN") >= 0 ? text : btoa(binary);
      return body;
    });
  }

  function search(form) {
    var params = new URLSearchParams();
    var body = bodyOf(form);
    Object.keys(body).forEach(function (k) { params.set(k, body[k]); });
    var query = params.toString();
    var next = form.getAttribute("data-search") + (query ? "?" + query : "");
    if (fromHash() === next) load(next);
    else location.hash = next;
  }

  function send(form) {
    var spec = form.getAttribute("data-api").split(" ");
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) return;
    var error = form.querySelector("[data-error]");
    if (error) error.textContent = "";
    var method = spec[0];
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var body = method === "DELETE" ? Promise.resolve(undefined) : withFile(form, bodyOf(form));
    body.then(function (b) { return call(method, spec[1], b); }).then(function (res) {
      if (!res.ok) {
        return messageOf(res).then(function (m) {
          if (error) error.textContent = m;
          say(m, true);
        });
      }
      var done = form.getAttribute("data-done") || "Done.";
      return res.text().then(function (text) {
        var answer = {};
        try { answer = JSON.parse(text); } catch (e) { answer = {}; }
        say(typeof answer.replaying === "number" ? done + " " + answer.replaying + " dead letter(s) replaying." : done);
        return load(current, true);
      });
    }).catch(function (e) { if (e.message !== "refused") say("The console could not reach the gateway.", true); })
      .then(function () { if (button && button.isConnected) button.disabled = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    byId("sign-in-form").addEventListener("submit", signIn);
    byId("sign-out").addEventListener("click", function () { signOut(); });
    window.addEventListener("hashchange", function () {
      if (!token) return;
      say("");
      load(fromHash());
    });
    // Choosing the view already shown reads it again (the hash does not change, so no hashchange).
    byId("nav").addEventListener("click", function (event) {
      var link = event.target.closest("a[data-nav]");
      if (link && token && fromHash() === link.getAttribute("data-nav")) load(fromHash());
    });
    var view = byId("view");
    view.addEventListener("submit", function (event) {
      var form = event.target;
      event.preventDefault();
      if (form.hasAttribute("data-search")) search(form);
      else if (form.hasAttribute("data-api")) send(form);
    });
    view.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-load]");
      if (button) load(button.getAttribute("data-load"), true);
    });
    byId("token").focus();
  });
})();
`;
