/**
 * The console page's one script, served as /admin/console/app.js (CSP `script-src 'self'`).
 * It holds the admin token in a closure variable: never in a URL, a cookie or Web Storage, so no
 * other page's script can read it later; a reload or "Sign out" forgets it. Views come from
 * /admin/console/views/* as HTML rendered (and escaped) by the Worker; actions are ordinary
 * admin API calls. Plain ES2020, no build step; it never calls innerHTML or eval. Its comments
 * live here, outside the string, so the Worker's bundle does not carry them twice:
 *
 * - What reaches the page is narrowed three times (docs/security.md, issue 19 finding 1).
 *   `viewUrl`: the hash must fit VIEW (a view, one percent-encoded segment, a query; URI
 *   characters only, no backslash), hold no CLIMB (`%2e`, `%5c`, a "." or ".." segment), and
 *   resolve with `new URL()` to exactly itself under the views' path. `load` places only a
 *   `text/html` answer from that URL, after dropping INERT elements. `ours`: forms and buttons
 *   act only when they carry the nonce of the answer shown (`X-Console-Nonce`), and `send`
 *   makes only API_CALL requests (POST, PUT or DELETE under /admin/).
 * - `place` parses a view inert with DOMParser and moves its nodes in.
 * - `load` (re)starts the refresh when the operator asks for a view: a view holding a
 *   `data-refresh` mark of its own (an event with a delivery pending) is read again every
 *   POLL_MS, for POLL_FOR_MS at most; so is a view just acted on by a `data-follow` form, for
 *   FOLLOW_MS. `schedule` skips a turn while the tab is hidden or the operator is ticking or
 *   typing in the view, which a reload would lose.
 * - `signIn` shows the console and loads the view; a 401 from any call signs out.
 * - `send` shows the answer of a `data-show` form (the transform try-out) in its `[data-output]`
 *   as text, instead of reading the view again.
 * - `bodyOf`: a form's fields as the API's JSON body ("a.b" nests, data-list splits on commas,
 *   empty fields are left out). Choosing the view already shown in the navigation reads it
 *   again (the hash does not change, so no hashchange).
 */
export const CONSOLE_SCRIPT = `"use strict";
(function () {
  var token = null;
  var current = "";
  var nonce = "";
  var byId = function (id) { return document.getElementById(id); };
  var VIEWS = "/admin/console/views/";
  var VIEW = /^(overview|events|dead-letters|routes|sources)(\\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)?(\\?[A-Za-z0-9._~!$&'()*+,;=:@%\\/?-]*)?$/;
  var CLIMB = /%2e|%5c|(^|\\/)\\.{1,2}(\\/|\\?|$)/i;
  var API_CALL = /^(POST|PUT|DELETE) (\\/admin\\/[A-Za-z0-9._~!$&'()*+,;=:@%\\/-]+)$/;
  var INERT = "script, meta, base, link, style, iframe, frame, object, embed, template";
  var POLL_MS = 5000;
  var POLL_FOR_MS = 10 * 60 * 1000;
  var FOLLOW_MS = 30 * 1000;
  var poll = { timer: 0, stopAt: 0, followUntil: 0 };

  function viewUrl(path) {
    if (!VIEW.test(path) || CLIMB.test(path)) return null;
    var base = new URL(VIEWS, location.origin);
    var url = new URL(path, base);
    if (url.origin !== base.origin || url.pathname + url.search !== VIEWS + path) return null;
    return url;
  }

  function ours(element) {
    return element !== null && nonce !== "" && element.getAttribute("data-nonce") === nonce && byId("view").contains(element);
  }

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

  function place(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var inert = doc.body.querySelectorAll(INERT);
    for (var j = 0; j < inert.length; j++) inert[j].remove();
    var view = byId("view");
    view.replaceChildren.apply(view, Array.prototype.slice.call(doc.body.childNodes));
    var navs = document.querySelectorAll("[data-nav]");
    for (var i = 0; i < navs.length; i++) {
      if (current.indexOf(navs[i].getAttribute("data-nav")) === 0) navs[i].setAttribute("aria-current", "page");
      else navs[i].removeAttribute("aria-current");
    }
  }

  function load(path, options) {
    options = options || {};
    var url = viewUrl(path);
    if (url === null) {
      path = "overview";
      url = viewUrl(path);
    }
    window.clearTimeout(poll.timer);
    if (!options.auto) poll.stopAt = Date.now() + POLL_FOR_MS;
    current = path;
    return call("GET", url.href).then(function (res) {
      if (current !== path) return;
      if (!res.ok) return messageOf(res).then(function (m) { say(m, true); });
      var type = res.headers.get("content-type") || "";
      if (type.indexOf("text/html") !== 0 || res.url !== url.href) return say("The gateway answered something that is not a view.", true);
      return res.text().then(function (html) {
        if (current !== path) return;
        var scrolled = window.scrollY;
        nonce = res.headers.get("x-console-nonce") || "";
        place(html);
        if (options.auto) window.scrollTo(0, scrolled);
        var heading = byId("view").querySelector("h1");
        if (heading && !options.keepFocus) heading.focus();
        schedule();
      });
    }).catch(function (e) { if (e.message !== "refused") say("The console could not reach the gateway.", true); });
  }

  function schedule() {
    var marker = byId("view").querySelector("[data-refresh]");
    var wanted = (marker !== null && ours(marker)) || Date.now() < poll.followUntil;
    if (!wanted || token === null) return;
    if (Date.now() > poll.stopAt) return say("Stopped refreshing after 10 minutes; open the view again to go on.");
    poll.timer = window.setTimeout(function () {
      var view = byId("view");
      var busy = view.querySelector("input:checked") !== null || (view.contains(document.activeElement) && /INPUT|SELECT|TEXTAREA/.test(document.activeElement.tagName));
      if (document.hidden || busy) return schedule();
      load(current, { keepFocus: true, auto: true });
    }, POLL_MS);
  }

  function fromHash() { return location.hash.slice(1) || "overview"; }

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
    nonce = "";
    window.clearTimeout(poll.timer);
    byId("view").replaceChildren();
    byId("view").hidden = true;
    byId("nav").hidden = true;
    byId("sign-out").hidden = true;
    byId("sign-in").hidden = false;
    byId("sign-in-error").textContent = message || "";
    say(message ? "" : "Signed out.");
    byId("token").focus();
  }

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
    if (viewUrl(next) === null) return say("That search cannot be shown.", true);
    if (fromHash() === next) load(next);
    else location.hash = next;
  }

  function send(form) {
    var spec = API_CALL.exec(form.getAttribute("data-api"));
    if (spec === null || CLIMB.test(spec[2])) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) return;
    var error = form.querySelector("[data-error]");
    if (error) error.textContent = "";
    var method = spec[1];
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var body = method === "DELETE" ? Promise.resolve(undefined) : withFile(form, bodyOf(form));
    body.then(function (b) { return call(method, spec[2], b); }).then(function (res) {
      if (!res.ok) {
        return messageOf(res).then(function (m) {
          if (error) error.textContent = m;
          say(m, true);
        });
      }
      var done = form.getAttribute("data-done") || "Done.";
      var output = form.hasAttribute("data-show") ? form.querySelector("[data-output]") : null;
      if (output) {
        return res.text().then(function (text) {
          var answer = {};
          try { answer = JSON.parse(text); } catch (e) { answer = {}; }
          output.textContent = answer.error !== undefined ? "error: " + answer.error : JSON.stringify(answer.result, null, 2);
          say(done);
        });
      }
      return res.text().then(function (text) {
        var answer = {};
        try { answer = JSON.parse(text); } catch (e) { answer = {}; }
        var count = answer.replaying;
        say(typeof count === "number" ? done + " " + count + (count === 1 ? " dead letter" : " dead letters") + " replaying." : done);
        if (form.hasAttribute("data-follow")) poll.followUntil = Date.now() + FOLLOW_MS;
        return load(current, { keepFocus: true });
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
    byId("nav").addEventListener("click", function (event) {
      var link = event.target.closest("a[data-nav]");
      if (link && token && fromHash() === link.getAttribute("data-nav")) load(fromHash());
    });
    var view = byId("view");
    view.addEventListener("submit", function (event) {
      var form = event.target;
      event.preventDefault();
      if (!ours(form)) return;
      if (form.hasAttribute("data-search")) search(form);
      else if (form.hasAttribute("data-api")) send(form);
    });
    view.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-load]");
      if (button && ours(button)) load(button.getAttribute("data-load"), { keepFocus: true });
    });
    byId("token").focus();
  });
})();
`;
