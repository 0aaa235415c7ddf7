/* The edition desk's live progress bar: polls the progress endpoint while a
   send is scheduled or under way, and stops once it is done. */
(function () {
  "use strict";
  var box = document.querySelector("[data-progress]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-progress-url");
  var live = box.getAttribute("data-progress-live") === "true";
  function set(name, value) {
    var node = box.parentNode.querySelector("[data-progress-" + name + "]");
    if (node) node.textContent = value;
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (p) {
        var bar = box.querySelector("[data-progress-bar]");
        bar.max = p.total || 1;
        bar.value = p.sent + p.failed;
        bar.textContent = p.percent + "%";
        set("total", p.total);
        set("queued", p.queued);
        set("sent", p.sent);
        set("failed", p.failed);
        set("suppressed", p.suppressed);
        var status = document.querySelector("[data-progress-status]");
        if (status) status.textContent = p.status_label;
        if (!p.done) window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (live) poll();
})();
