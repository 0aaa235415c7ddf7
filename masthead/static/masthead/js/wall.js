/* The registration wall, submitted in place. Without this script the form posts
   as a whole page and the server answers with the page; with it, the same POST
   goes through fetch() and the wall is swapped for the fragment the server
   returns ({ok, html}). Listens on the document, so a swapped-in form works too. */
(function () {
  "use strict";
  if (window.mastheadWall) return;
  window.mastheadWall = true;

  function focusFirst(root) {
    var target = root.querySelector("[data-wall-focus]");
    if (target) target.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-wall-form]") || !window.fetch) return;
    event.preventDefault();
    var wall = form.closest("[data-wall]");
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
        var fresh = holder.querySelector("[data-wall]");
        if (!fresh) throw new Error("no wall in answer");
        wall.replaceWith(fresh);
        focusFirst(fresh);
      })
      .catch(function () {
        // Anything unexpected (CSRF failure page, network): fall back to a normal post.
        form.submit();
      });
  });
})();
