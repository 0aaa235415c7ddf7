/* Comments, progressively enhanced.
 *
 * Without this file every link and form works: "Show Comments" opens the
 * thread page, actions are ordinary POSTs answered with a redirect.
 * With it:
 *  - the count is fetched after load from /comments/counts/ (the story page
 *    itself is shared by every reader and never holds it);
 *  - "Show Comments" loads the thread in place;
 *  - forms post in place, and the answer (the thread, or the form again with
 *    its message) replaces the part it belongs to;
 *  - Reply, Edit, Delete and Report open their form under the comment;
 *  - a comment box counts characters as the reader types.
 * Answers are HTML rendered by the server, inserted as the server wrote it:
 * nothing here builds markup from reader text.
 */
(function () {
  "use strict";

  function fetchHtml(url, options) {
    options = options || {};
    options.headers = Object.assign({}, options.headers, { "X-Comments-Fragment": "1" });
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      return response.text().then(function (html) {
        return { html: html, target: response.headers.get("X-Comments-Target") || "thread", ok: response.ok, status: response.status };
      });
    });
  }

  function fromHtml(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  }

  function threadOf(element) {
    return element.closest("[data-comments-thread]");
  }

  function showThread(thread, html) {
    thread.replaceChildren(fromHtml(html));
    thread.hidden = false;
    setUpCounters(thread);
  }

  function threadUrl(thread) {
    var inner = thread.querySelector("[data-thread-url]");
    return inner ? inner.getAttribute("data-thread-url") : null;
  }

  /* --- the count and the toggle on a story page --- */

  function setUpStory(section) {
    var toggle = section.querySelector("[data-comments-toggle]");
    var countSpan = section.querySelector("[data-comments-count]");
    var thread = section.querySelector("[data-comments-thread]");
    if (!toggle || !thread) return;
    var label = "Show Comments";
    var url = section.getAttribute("data-counts-url");
    if (url) {
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(function (data) {
          var entry = data[section.getAttribute("data-page-id")];
          if (!entry) return;
          if (entry.state === "off" && entry.count === 0) { section.hidden = true; return; }
          countSpan.textContent = " (" + entry.count.toLocaleString("en-US") + ")";
        })
        .catch(function () { /* the link still works */ });
    }
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      if (!thread.hidden) {
        thread.hidden = true;
        toggle.firstChild.textContent = label;
        toggle.setAttribute("aria-expanded", "false");
        return;
      }
      if (thread.childElementCount) {
        thread.hidden = false;
        toggle.firstChild.textContent = "Hide Comments";
        toggle.setAttribute("aria-expanded", "true");
        return;
      }
      toggle.setAttribute("aria-busy", "true");
      fetchHtml(toggle.href).then(function (answer) {
        showThread(thread, answer.html);
        toggle.firstChild.textContent = "Hide Comments";
        toggle.setAttribute("aria-expanded", "true");
        toggle.removeAttribute("aria-busy");
        var title = thread.querySelector(".thread__title");
        if (title) { title.tabIndex = -1; title.focus(); }
      }).catch(function () { window.location.href = toggle.href; });
    });
    toggle.setAttribute("aria-expanded", "false");
  }

  /* --- forms and links inside a thread --- */

  function place(origin, answer) {
    var thread = threadOf(origin);
    if (answer.target === "thread" && thread) {
      showThread(thread, answer.html);
      return;
    }
    var swap = origin.closest("[data-comments-swap]");
    if (!swap) return;
    var content = fromHtml(answer.html);
    var replacement = content.firstElementChild;
    swap.replaceWith(content);
    if (replacement) {
      setUpCounters(replacement);
      var focusable = replacement.querySelector("[role=alert], textarea, input[type=radio], button");
      if (focusable) focusable.focus();
    }
  }

  function onSubmit(event) {
    var form = event.target.closest("form[data-comments-form]");
    if (!form || !threadOf(form)) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetchHtml(form.action, { method: "POST", body: new FormData(form) })
      .then(function (answer) {
        place(form, answer);
        if (answer.ok && answer.target === "thread") refreshCount();
      })
      .catch(function () { form.submit(); })
      .finally(function () { if (button) button.disabled = false; });
  }

  function onClick(event) {
    var link = event.target.closest("a[data-comments-inline], a[data-comments-nav], a[data-comments-cancel]");
    if (!link || !threadOf(link)) return;
    event.preventDefault();
    if (link.hasAttribute("data-comments-cancel")) {
      var opened = link.closest(".comment-action");
      if (opened) { opened.remove(); return; }
      fetchHtml(threadUrl(threadOf(link))).then(function (answer) { place(link, answer); });
      return;
    }
    if (link.hasAttribute("data-comments-nav")) {
      fetchHtml(link.href).then(function (answer) {
        var thread = threadOf(link);
        showThread(thread, answer.html);
        thread.scrollIntoView({ block: "start" });
      });
      return;
    }
    var card = link.closest(".comment__card");
    var existing = card.querySelector(".comment-action");
    if (existing) existing.remove();
    fetchHtml(link.href).then(function (answer) {
      var holder = document.createElement("div");
      holder.className = "comment-action";
      holder.setAttribute("data-comments-swap", "");
      card.appendChild(holder);
      if (answer.target === "thread") { showThread(threadOf(card), answer.html); return; }
      var content = fromHtml(answer.html);
      var inner = content.firstElementChild;
      holder.replaceWith(content);
      if (inner) {
        setUpCounters(inner);
        var first = inner.querySelector("textarea, input[type=radio], button");
        if (first) first.focus();
      }
    });
  }

  /* --- the live character count --- */

  function updateCounter(textarea) {
    var counter = document.getElementById(textarea.getAttribute("aria-describedby").split(" ")[0]);
    var limit = parseInt(textarea.getAttribute("data-maxlength"), 10);
    if (!counter || !limit) return;
    var used = textarea.value.length;
    var over = used - limit;
    counter.textContent = over > 0
      ? over.toLocaleString("en-US") + " characters over the limit of " + limit.toLocaleString("en-US") + "."
      : used.toLocaleString("en-US") + " of " + limit.toLocaleString("en-US") + " characters.";
    counter.classList.toggle("comment-form__count--over", over > 0);
  }

  function setUpCounters(root) {
    root.querySelectorAll("textarea[data-maxlength]").forEach(function (textarea) {
      if (textarea.value) updateCounter(textarea);
    });
  }

  function refreshCount() {
    document.querySelectorAll("section[data-comments]").forEach(function (section) {
      var url = section.getAttribute("data-counts-url");
      var span = section.querySelector("[data-comments-count]");
      if (!url || !span) return;
      fetch(url + "&fresh=" + Date.now(), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(function (data) {
          var entry = data[section.getAttribute("data-page-id")];
          if (entry) span.textContent = " (" + entry.count.toLocaleString("en-US") + ")";
        })
        .catch(function () {});
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-maxlength]")) {
      updateCounter(event.target);
    }
  });
  document.addEventListener("submit", onSubmit);
  document.addEventListener("click", onClick);
  document.querySelectorAll("section[data-comments]").forEach(setUpStory);
  setUpCounters(document);
})();
