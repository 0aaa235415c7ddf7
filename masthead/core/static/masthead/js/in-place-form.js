/* Forms answered in place. A form marked [data-in-place-form] inside a box
   marked [data-in-place] posts as a whole page without this script, and the
   server answers with a page of its own; with it, the same POST goes through
   fetch() asking for JSON, and the box is swapped for the box in the fragment
   the server returns ({ok, html}); an element marked [data-in-place-focus] in
   it takes the focus. The page around the box may be shared by every reader
   (cached); only the answer is personal. Listens on the document, so a form
   inside a swapped-in answer works too. Used by the newsletter and series
   boxes; any form whose view answers {ok, html} to Accept: application/json
   can use it. */
(function () {
  "use strict";
  if (window.mastheadInPlaceForm) return;
  window.mastheadInPlaceForm = true;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-in-place-form]") || !window.fetch) return;
    event.preventDefault();
    var box = form.closest("[data-in-place]");
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
        var fresh = holder.querySelector("[data-in-place]");
        if (!fresh || !box) throw new Error("no box in answer");
        box.replaceWith(fresh);
        var focus = fresh.querySelector("[data-in-place-focus]");
        if (focus) focus.focus();
      })
      .catch(function () {
        form.submit(); // an error page, network trouble: a normal post instead
      });
  });
})();
