// Search as you type: the search page's results, the ask page's similar
// questions and the contact page's suggestions. Each page works without it.
(function () {
  "use strict";

  // Run `fetchIt(value)` once typing pauses; a newer request aborts the older one.
  function debounced(input, delay, fetchIt) {
    var timer = null, controller = null, last = input.value;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var value = input.value.trim();
        if (value === last) return;
        last = value;
        if (controller) controller.abort();
        controller = new AbortController();
        fetchIt(value, controller.signal);
      }, delay);
    });
  }

  function getHtml(url, signal) {
    return fetch(url, { credentials: "same-origin", signal: signal, headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("search answered " + response.status);
        return response.text();
      });
  }

  function ignoreAbort(error) {
    if (error.name !== "AbortError") console.warn(error);
  }

  // The search page: replace the results and keep the address in step.
  var searchForm = document.querySelector("[data-live-search]");
  if (searchForm) {
    var results = document.getElementById("search-results");
    debounced(searchForm.querySelector("input[name=q]"), 250, function (value, signal) {
      var params = new URLSearchParams(new FormData(searchForm));
      history.replaceState(null, "", "?" + params.toString());
      params.set("partial", "1");
      getHtml(searchForm.getAttribute("action") + "?" + params.toString(), signal)
        .then(function (html) { results.innerHTML = html; })
        .catch(ignoreAbort);
    });
  }

  // The ask page: similar questions under the title while it is typed.
  var askForm = document.querySelector("form[data-suggest-url]");
  if (askForm) {
    var title = askForm.querySelector("#id_title");
    var box = document.getElementById("similar-questions");
    title.closest(".field").after(box);
    debounced(title, 350, function (value, signal) {
      if (value.length < 3) { box.innerHTML = ""; return; }
      var url = askForm.getAttribute("data-suggest-url") + "&q=" + encodeURIComponent(value);
      getHtml(url, signal).then(function (html) { box.innerHTML = html; }).catch(ignoreAbort);
    });
  }

  // The contact page: suggestions first; the request form appears once shown.
  var contactForm = document.querySelector("form[data-contact-search]");
  if (contactForm) {
    var problem = contactForm.querySelector("#contact-q");
    var holder = document.getElementById("contact-suggestions");
    var request = document.getElementById("contact-request");
    debounced(problem, 400, function (value, signal) {
      if (value.length < 3) return;
      getHtml("/search/suggest/?flow=contact&q=" + encodeURIComponent(value), signal)
        .then(function (html) {
          holder.innerHTML = html;
          if (!holder.querySelector("[data-suggestions]")) return;
          request.hidden = false;
          request.querySelector("input[name=q]").value = value;
          var subject = request.querySelector("#id_subject");
          var message = request.querySelector("#id_message");
          if (!subject.dataset.touched) subject.value = value.slice(0, 150);
          if (!message.dataset.touched) message.value = value;
        })
        .catch(ignoreAbort);
    });
    request.querySelectorAll("#id_subject, #id_message").forEach(function (field) {
      field.addEventListener("input", function () { field.dataset.touched = "1"; });
    });
  }
})();
