/* The demo mailbox: grow the HTML preview to the email's own height, so the
   message is read in full on the page instead of inside a fixed-height box.
   The frame is sandboxed without scripts; same-origin only lets this page
   read its height. Without this script the frame keeps its CSS height and
   scrolls. */
(function () {
  "use strict";
  function fit(frame) {
    try {
      var doc = frame.contentDocument;
      if (!doc || !doc.documentElement) return;
      frame.style.height = doc.documentElement.scrollHeight + 2 + "px";
    } catch (e) {
      /* another origin: keep the CSS height */
    }
  }
  document.querySelectorAll("[data-fit-content]").forEach(function (frame) {
    frame.addEventListener("load", function () { fit(frame); });
    if (frame.contentDocument && frame.contentDocument.readyState === "complete") fit(frame);
  });
})();
