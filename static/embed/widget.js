/* Entraide help widget: instant answers from a community, in any page.
 *
 *   <script src="https://community.example.com/embed/widget.js"
 *           data-key="eak_..." async></script>
 *
 * Options (data-* attributes on the script tag): data-key (required, an API
 * key whose allowed origins include this page's), data-lang ("en" or "fr";
 * default: the page's language), data-target (a CSS selector of the element
 * to fill; default: right after the script tag), data-title.
 * Theme it with CSS variables on .entraide-widget: --entraide-accent,
 * --entraide-fg, --entraide-muted, --entraide-bg, --entraide-line,
 * --entraide-radius, --entraide-font.
 * No dependencies; sets no cookies (requests are sent without credentials).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var base = new URL(script.src, location.href).origin;
  var key = script.getAttribute("data-key") || "";
  var wanted = (script.getAttribute("data-lang") || document.documentElement.lang || navigator.language || "en").slice(0, 2).toLowerCase();
  var lang = wanted === "fr" ? "fr" : "en";
  var TEXT = {
    en: {
      title: "Search our community",
      label: "Describe your problem",
      placeholder: "e.g. my lamp keeps blinking",
      hint: "Answers appear as you type. Use the arrow keys to move between them.",
      searching: "Searching…",
      none: "No answer matches yet. Try other words.",
      found: function (n) { return n === 1 ? "1 answer found." : n + " answers found."; },
      accepted: "Accepted",
      faq: "FAQ",
      show: "Show the answer",
      hide: "Hide the answer",
      thread: "Read the whole thread",
      helpful: "Was this helpful?",
      yes: "Yes", no: "No",
      thanks: "Thank you for your feedback.",
      busy: function (s) { return "Too many searches; try again in " + s + " s."; },
      failed: "The answers could not be loaded.",
      powered: "Answers from the Entraide community"
    },
    fr: {
      title: "Chercher dans notre communauté",
      label: "Décrivez votre problème",
      placeholder: "p. ex. ma lampe clignote",
      hint: "Les réponses s’affichent pendant la saisie. Les flèches passent de l’une à l’autre.",
      searching: "Recherche…",
      none: "Aucune réponse ne correspond pour l’instant. Essayez d’autres mots.",
      found: function (n) { return n === 1 ? "1 réponse trouvée." : n + " réponses trouvées."; },
      accepted: "Acceptée",
      faq: "FAQ",
      show: "Afficher la réponse",
      hide: "Masquer la réponse",
      thread: "Lire toute la discussion",
      helpful: "Cette réponse vous a-t-elle aidé ?",
      yes: "Oui", no: "Non",
      thanks: "Merci pour votre avis.",
      busy: function (s) { return "Trop de recherches ; réessayez dans " + s + " s."; },
      failed: "Les réponses n’ont pas pu être chargées.",
      powered: "Réponses de la communauté Entraide"
    }
  }[lang];

  var CSS =
    ":host{all:initial;display:block;--a:var(--entraide-accent,#0b63c5);--fg:var(--entraide-fg,#1f2328);--mu:var(--entraide-muted,#59636e);--bg:var(--entraide-bg,#fff);--ln:var(--entraide-line,#d1d9e0);--r:var(--entraide-radius,6px)}" +
    ".w{font-family:var(--entraide-font,system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif);color:var(--fg);background:var(--bg);border:1px solid var(--ln);border-radius:var(--r);padding:12px 16px;line-height:1.5;max-width:42rem}" +
    "h2{font-size:1.1rem;margin:0 0 8px}label{display:block;font-weight:600;margin-bottom:4px}" +
    "input{font:inherit;width:100%;box-sizing:border-box;padding:8px;border:1px solid var(--ln);border-radius:var(--r)}" +
    ".hint,.st,.pw{color:var(--mu);font-size:.88rem;margin:4px 0}ul{list-style:none;margin:8px 0 0;padding:0}" +
    "li{border-top:1px solid var(--ln);padding:6px 0}button{font:inherit;cursor:pointer}" +
    ".r{display:block;width:100%;text-align:left;background:none;border:0;padding:4px;color:var(--fg);border-radius:var(--r)}" +
    ".r:hover{background:rgba(0,0,0,.04)}.t{color:var(--a);font-weight:600;text-decoration:underline}" +
    ".x{display:block;color:var(--mu);font-size:.9rem}.b{display:inline-block;font-size:.75rem;font-weight:700;border:1px solid currentColor;border-radius:4px;padding:0 5px;margin-left:6px;color:#1a7f37}" +
    ".b.f{color:var(--a)}.ans{padding:4px 8px 8px;overflow-wrap:anywhere}.ans pre{overflow-x:auto;background:rgba(0,0,0,.05);padding:8px}" +
    ".ans img{max-width:100%}a{color:var(--a)}.hf{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin-top:6px}" +
    ".hf button{border:1px solid var(--ln);background:var(--bg);border-radius:var(--r);padding:2px 10px;color:var(--fg)}" +
    ":focus-visible{outline:3px solid #ffb000;outline-offset:2px}";

  var host = document.createElement("div");
  host.className = "entraide-widget";
  var target = script.getAttribute("data-target");
  var place = target && document.querySelector(target);
  if (place) place.appendChild(host); else script.parentNode.insertBefore(host, script.nextSibling);
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var id = "ew" + Math.random().toString(36).slice(2, 8);

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs || {}) node.setAttribute(name, attrs[name]);
    if (text) node.textContent = text;
    return node;
  }

  var style = el("style");
  style.textContent = CSS;
  var box = el("section", { "class": "w", "aria-labelledby": id + "h", lang: lang });
  box.appendChild(el("h2", { id: id + "h" }, script.getAttribute("data-title") || TEXT.title));
  box.appendChild(el("label", { "for": id + "q" }, TEXT.label));
  var input = el("input", { id: id + "q", type: "search", autocomplete: "off", placeholder: TEXT.placeholder, "aria-describedby": id + "i", "aria-controls": id + "l" });
  box.appendChild(input);
  box.appendChild(el("p", { "class": "hint", id: id + "i" }, TEXT.hint));
  var status = el("p", { "class": "st", role: "status", "aria-live": "polite" });
  box.appendChild(status);
  var list = el("ul", { id: id + "l", "aria-label": TEXT.title });
  box.appendChild(list);
  var powered = el("p", { "class": "pw" });
  var home = el("a", { href: base + "/", target: "_blank", rel: "noopener" }, TEXT.powered);
  powered.appendChild(home);
  box.appendChild(powered);
  root.appendChild(style);
  root.appendChild(box);

  function api(path, options) {
    options = options || {};
    options.credentials = "omit";
    options.headers = Object.assign({ Accept: "application/json", Authorization: "Bearer " + key, "Accept-Language": lang }, options.headers || {});
    // The API's own links are absolute; the widget's first call is a path.
    return fetch(/^https?:/.test(path) ? path : base + path, options).then(function (response) {
      if (response.status === 429) {
        var wait = response.headers.get("Retry-After") || "60";
        throw new Error(TEXT.busy(wait));
      }
      if (!response.ok) throw new Error(TEXT.failed);
      return response.status === 204 ? null : response.json();
    });
  }

  var sequence = 0;
  var timer = null;

  function search() {
    var query = input.value.trim();
    var mine = ++sequence;
    if (query.length < 3) { list.textContent = ""; status.textContent = ""; return; }
    status.textContent = TEXT.searching;
    api("/api/v1/instant-answers/?q=" + encodeURIComponent(query)).then(function (data) {
      if (mine !== sequence) return; // a newer search is under way
      render(data.results);
    }, function (error) {
      if (mine === sequence) status.textContent = error.message;
    });
  }

  function render(results) {
    list.textContent = "";
    status.textContent = results.length ? TEXT.found(results.length) : TEXT.none;
    results.forEach(function (item, index) {
      var li = el("li");
      var panel = el("div", { "class": "ans", id: id + "a" + index, hidden: "" });
      var button = el("button", { type: "button", "class": "r", "aria-expanded": "false", "aria-controls": panel.id });
      button.appendChild(el("span", { "class": "t" }, item.title));
      if (item.is_accepted) button.appendChild(el("span", { "class": "b" }, TEXT.accepted));
      if (item.is_faq) button.appendChild(el("span", { "class": "b f" }, TEXT.faq));
      button.appendChild(el("span", { "class": "x" }, item.excerpt));
      button.addEventListener("click", function () { toggle(button, panel, item); });
      li.appendChild(button);
      li.appendChild(panel);
      list.appendChild(li);
    });
  }

  function toggle(button, panel, item) {
    var open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", open ? "false" : "true");
    if (open) { panel.hidden = true; return; }
    panel.hidden = false;
    if (panel.getAttribute("data-loaded")) return;
    panel.textContent = TEXT.searching;
    api(item.detail).then(function (answer) {
      panel.setAttribute("data-loaded", "1");
      panel.textContent = "";
      var body = el("div", { "class": "body" });
      body.innerHTML = answer.body_html; // sanitised by Entraide's allow-list
      panel.appendChild(body);
      var link = el("a", { href: item.url, target: "_blank", rel: "noopener" }, TEXT.thread);
      panel.appendChild(el("p")).appendChild(link);
      if (item.feedback) panel.appendChild(feedback(item));
    }, function (error) {
      panel.textContent = error.message;
    });
  }

  function feedback(item) {
    var row = el("div", { "class": "hf", role: "group", "aria-label": TEXT.helpful });
    row.appendChild(el("span", {}, TEXT.helpful));
    [[TEXT.yes, true], [TEXT.no, false]].forEach(function (choice) {
      var button = el("button", { type: "button" }, choice[0]);
      button.addEventListener("click", function () {
        api(item.feedback, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ helpful: choice[1], query: input.value.trim().slice(0, 200) }) }).then(function () {
          row.textContent = TEXT.thanks;
          row.setAttribute("tabindex", "-1");
          row.focus();
        }, function (error) { row.textContent = error.message; });
      });
      row.appendChild(button);
    });
    return row;
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 180);
  });

  // Arrow keys move between the input and the results; Escape returns.
  box.addEventListener("keydown", function (event) {
    var buttons = Array.prototype.slice.call(list.querySelectorAll("button.r"));
    var at = buttons.indexOf(root.activeElement || document.activeElement);
    if (event.key === "ArrowDown" && buttons.length) {
      event.preventDefault();
      buttons[Math.min(at + 1, buttons.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) input.focus(); else buttons[at - 1].focus();
    } else if (event.key === "Escape") {
      input.focus();
    }
  });
})();
