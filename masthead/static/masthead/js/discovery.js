// Discovery rails (Most Read, Your Three): fetched after the page loads, so the
// cached page stays the same for every reader. Without JavaScript each rail
// keeps its link to a page of its own.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-fragment]:not([data-fragment-done])");
  Array.prototype.forEach.call(boxes, function (box) {
    box.setAttribute("data-fragment-done", "");
    box.setAttribute("aria-busy", "true");
    fetch(box.getAttribute("data-fragment"), {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        // Our own server's fragment, escaped by Django's templates.
        box.innerHTML = html;
      })
      .catch(function () {
        // The link stays: the reader can still reach the list.
      })
      .finally(function () {
        box.removeAttribute("aria-busy");
      });
  });
})();
