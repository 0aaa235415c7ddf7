/* Sign-up and follow boxes, submitted in place. Without this script each form
   posts as a whole page and the server answers with a page of its own; with
   it, the same POST goes through fetch() and the box ([data-signup]) is
   swapped for the fragment the server returns ({ok, html}). The page around
   the box is shared by every reader (cached); only the answer is personal. */
(function () {
  "use strict";
  if (window.mastheadSignup) return;
  window.mastheadSignup = true;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-signup-form]") || !window.fetch) return;
    event.preventDefault();
    var box = form.closest("[data-signup]");
    var button = form.querySelector("[type=submit]");
    if (button) {
      if (button.getAttribute("aria-busy") === "true") return;
      button.setAttribute("aria-busy", "true");
      button.disabled = true;
    }
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) throw new Error("not json");
        return response.json();
      })
      .then(function (answer) {
        var holder = document.createElement("div");
        holder.innerHTML = answer.html;
        var fresh = holder.querySelector("[data-signup]");
        if (!fresh || !box) throw new Error("no box in answer");
        box.replaceWith(fresh);
        var focus = fresh.querySelector("[data-signup-focus]");
        if (focus) focus.focus();
      })
      .catch(function () {
        form.submit(); // CSRF failure page, network trouble: a normal post instead
      });
  });
})();
