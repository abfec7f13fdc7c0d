// @mention autocomplete for the people in the thread (the asker, answerers and
// commenters, listed by the page in #thread-people). Typing "@" and a few
// letters in an answer or comment box offers their names; arrows, Enter or
// Tab pick one, Escape closes. Without scripts, typing "@username" still works.
(function () {
  "use strict";
  var data = document.getElementById("thread-people");
  if (!data) return;
  var people = JSON.parse(data.textContent);
  var list = document.createElement("ul");
  list.id = "mention-list";
  list.className = "mention-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", JSON.parse(document.body.dataset.strings).people);
  list.hidden = true;
  document.body.appendChild(list);
  var field = null, start = 0, active = 0, matches = [];

  function close() {
    list.hidden = true;
    matches = [];
    if (field) {
      field.setAttribute("aria-expanded", "false");
      field.removeAttribute("aria-activedescendant");
    }
  }

  function highlight(index) {
    active = index;
    Array.prototype.forEach.call(list.children, function (item, i) {
      item.setAttribute("aria-selected", String(i === index));
    });
    field.setAttribute("aria-activedescendant", "mention-" + index);
  }

  function pick(person) {
    var value = field.value, caret = field.selectionStart;
    var text = "@" + person.username + " ";
    field.value = value.slice(0, start) + text + value.slice(caret);
    field.selectionStart = field.selectionEnd = start + text.length;
    close();
    field.focus();
  }

  function open(textarea, query) {
    var q = query.toLowerCase();
    matches = people.filter(function (p) {
      return p.username.toLowerCase().indexOf(q) === 0 || p.name.toLowerCase().indexOf(q) === 0;
    }).slice(0, 6);
    if (!matches.length) { close(); return; }
    field = textarea;
    list.textContent = "";
    matches.forEach(function (person, i) {
      var item = document.createElement("li");
      item.id = "mention-" + i;
      item.setAttribute("role", "option");
      item.textContent = person.name;
      if (person.name !== person.username) {
        var handle = document.createElement("span");
        handle.className = "muted";
        handle.textContent = " @" + person.username;
        item.appendChild(handle);
      }
      item.addEventListener("mousedown", function (event) { event.preventDefault(); pick(person); });
      list.appendChild(item);
    });
    var box = textarea.getBoundingClientRect();
    list.style.left = (window.scrollX + box.left) + "px";
    list.style.top = (window.scrollY + box.bottom + 2) + "px";
    list.hidden = false;
    textarea.setAttribute("aria-controls", list.id);
    textarea.setAttribute("aria-expanded", "true");
    highlight(0);
  }

  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || !textarea.closest("form")) return;
    var before = textarea.value.slice(0, textarea.selectionStart);
    var match = /(^|[^\w@.+-])@([\w.+-]{0,30})$/.exec(before);
    if (!match) { close(); return; }
    start = before.length - match[2].length - 1;
    open(textarea, match[2]);
  });

  document.addEventListener("keydown", function (event) {
    if (list.hidden || event.target !== field) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : matches.length - 1;
      highlight((active + step) % matches.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      pick(matches[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });

  document.addEventListener("focusout", function (event) {
    if (event.target === field) close();
  });
})();
