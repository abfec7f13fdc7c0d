// Progressive enhancement for the question page (vote, accept and reply) and
// the inbox (mark read) without a reload. Every form also works with scripts off.
(function () {
  "use strict";
  // The page's words for what the scripts write (qa_tags.js_strings).
  var strings = JSON.parse(document.body.dataset.strings);

  function post(form, extra) {
    var data = new FormData(form);
    if (extra) data.append(extra.name, extra.value);
    // getAttribute: a field named "action" would shadow form.action.
    return fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          var error = new Error(body.detail || strings.error.replace("%(status)s", response.status));
          error.codes = body.codes || [];
          throw error;
        }
        return body;
      });
    });
  }

  function showError(near, message) {
    var box = near.querySelector(".inline-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "inline-error errorlist";
      box.setAttribute("role", "alert");
      near.prepend(box);
    }
    box.textContent = message;
  }

  function postMain(form) {
    return form.closest(".post").querySelector(".post-main");
  }

  function clearError(near) {
    var box = near.querySelector(".inline-error");
    if (box) box.remove();
  }

  function onVote(form, button) {
    post(form, { name: button.name, value: button.value }).then(function (result) {
      clearError(postMain(form));
      form.querySelector(".score").textContent = result.score;
      var up = form.querySelector(".vote-up"), down = form.querySelector(".vote-down");
      up.classList.toggle("on", result.vote === 1);
      down.classList.toggle("on", result.vote === -1);
      up.setAttribute("aria-pressed", String(result.vote === 1));
      down.setAttribute("aria-pressed", String(result.vote === -1));
      up.value = result.vote === 1 ? "0" : "1";
      down.value = result.vote === -1 ? "0" : "-1";
    }).catch(function (error) { showError(postMain(form), error.message); });
  }

  function onAccept(form) {
    post(form).then(function (result) {
      document.querySelectorAll("[data-accept-form]").forEach(function (other) {
        var accepted = result.accepted && other === form;
        var article = other.closest(".post");
        article.classList.toggle("accepted", accepted);
        var button = other.querySelector("button");
        button.classList.toggle("on", accepted);
        button.setAttribute("aria-pressed", String(accepted));
        button.title = accepted ? strings.unaccept : strings.accept;
        other.querySelector("input[name=action]").value = accepted ? "unaccept" : "accept";
      });
    }).catch(function (error) { showError(postMain(form), error.message); });
  }

  // Personal data found in a comment: offer the same two buttons as the page
  // without scripts (mask it, or post as written).
  function offerPersonalDataChoice(form) {
    if (form.querySelector(".personal-data-warning")) return;
    var box = document.createElement("div");
    box.className = "personal-data-warning";
    [["mask", form.dataset.maskLabel, "primary"], ["keep", form.dataset.keepLabel, ""]].forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "submit"; button.name = "personal_data"; button.value = choice[0];
      button.textContent = choice[1]; button.className = choice[2];
      box.appendChild(button);
    });
    form.querySelector(":scope > button[type=submit]").before(box);
  }

  function onComment(form, submitter) {
    var button = form.querySelector(":scope > button[type=submit]");
    button.disabled = true;
    var extra = submitter && submitter.name ? { name: submitter.name, value: submitter.value } : null;
    post(form, extra).then(function (result) {
      var parentId = form.querySelector("input[name=parent]").value;
      var list = form.closest(".comments").querySelector(".comment-list");
      var holder = document.createElement("div");
      holder.innerHTML = result.html;
      var item = holder.firstElementChild;
      var anchor = parentId && document.getElementById("comment-" + parentId);
      if (anchor) {
        // After the parent's last descendant: the next comment at its level or above.
        var level = Number(anchor.dataset.level), next = anchor.nextElementSibling;
        while (next && Number(next.dataset.level) > level) next = next.nextElementSibling;
        list.insertBefore(item, next);
      } else {
        list.appendChild(item);
      }
      var replyItem = form.closest("li.reply-form");
      if (replyItem) replyItem.remove();
      else {
        form.reset(); clearError(form);
        var warning = form.querySelector(".personal-data-warning");
        if (warning) warning.remove();
      }
      item.scrollIntoView({ block: "nearest" });
    }).catch(function (error) {
      showError(form, error.message);
      if (error.codes && error.codes.indexOf("personal_data") !== -1) offerPersonalDataChoice(form);
    }).finally(function () { button.disabled = false; });
  }

  function openReply(link) {
    var item = link.closest(".comment");
    var existing = item.nextElementSibling;
    if (existing && existing.classList.contains("reply-form")) { existing.querySelector("textarea").focus(); return; }
    var template = link.closest(".comments").querySelector(".comment-add .comment-form");
    if (!template) return;
    var form = template.cloneNode(true);
    form.querySelectorAll(".errorlist").forEach(function (e) { e.remove(); });
    form.querySelector("input[name=parent]").value = link.dataset.parent;
    var textarea = form.querySelector("textarea");
    textarea.value = "";
    textarea.id = "reply-to-" + link.dataset.parent;
    var label = form.querySelector("label");
    if (label) label.htmlFor = textarea.id;
    form.querySelector("button[type=submit]").textContent = strings.reply;
    var wrapper = document.createElement("li");
    wrapper.className = "reply-form";
    wrapper.dataset.level = String(Number(item.dataset.level) + 1);
    wrapper.appendChild(form);
    item.after(wrapper);
    textarea.focus();
  }

  function setUnread(count) {
    var link = document.querySelector(".inbox-link");
    var badge = link && link.querySelector(".unread-count");
    if (badge && !count) badge.remove();
    else if (badge) badge.firstChild.textContent = String(count);
  }

  function onRead(form) {
    post(form).then(function (result) {
      var items = form.matches("[data-read-all]")
        ? document.querySelectorAll(".notification.unread")
        : [form.closest(".notification")];
      items.forEach(function (item) {
        item.classList.remove("unread");
        var read = item.querySelector("[data-read]");
        if (read) read.remove();
      });
      setUnread(result.unread);
    }).catch(function (error) { showError(form.closest("main"), error.message); });
  }

  function onFollow(form) {
    post(form).then(function (result) {
      var button = form.querySelector("button");
      button.classList.toggle("on", result.following);
      button.setAttribute("aria-pressed", String(result.following));
      button.textContent = result.following ? strings.following : strings.follow;
      form.querySelector("input[name=action]").value = result.following ? "unfollow" : "follow";
    }).catch(function (error) { showError(form.closest("main"), error.message); });
  }

  function onIdeaVote(form) {
    post(form).then(function (result) {
      var button = form.querySelector("button");
      button.classList.toggle("on", result.voted);
      button.setAttribute("aria-pressed", String(result.voted));
      button.textContent = result.voted ? strings.supported : strings.support;
      form.querySelector("input[name=action]").value = result.voted ? "withdraw" : "support";
      document.getElementById("idea-votes").textContent = result.votes;
    }).catch(function (error) { showError(form.closest("main"), error.message); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!window.fetch || !(form instanceof HTMLFormElement)) return;
    if (form.matches("[data-vote-form]") && event.submitter) {
      event.preventDefault(); onVote(form, event.submitter);
    } else if (form.matches("[data-accept-form]")) {
      event.preventDefault(); onAccept(form);
    } else if (form.matches(".comment-form")) {
      event.preventDefault(); onComment(form, event.submitter);
    } else if (form.matches("[data-idea-vote]")) {
      event.preventDefault(); onIdeaVote(form);
    } else if (form.matches("[data-follow-form]")) {
      event.preventDefault(); onFollow(form);
    } else if (form.matches("[data-read], [data-read-all]")) {
      event.preventDefault(); onRead(form);
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".reply-link");
    if (link && window.fetch) { event.preventDefault(); openReply(link); }
  });
})();

// The language switcher applies the choice at once; its button does it without scripts.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var button = select.form.querySelector("button[type=submit]");
    if (button) button.hidden = true;
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
