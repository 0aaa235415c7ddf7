// Newsroom dashboard: each canvas names its data endpoint; Chart.js draws it.
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  var palette = ["#1a4b8c", "#8a1c1c", "#2f6b3a", "#7a5a00", "#5b3a8c"];
  document.querySelectorAll("canvas[data-chart-src]").forEach(function (canvas) {
    fetch(canvas.getAttribute("data-chart-src"), { credentials: "same-origin" })
      .then(function (response) {
        return response.json();
      })
      .then(function (spec) {
        spec.datasets.forEach(function (dataset, n) {
          dataset.backgroundColor = palette[n % palette.length];
          dataset.borderColor = palette[n % palette.length];
        });
        new Chart(canvas, {
          type: spec.type,
          data: { labels: spec.labels, datasets: spec.datasets },
          options: {
            indexAxis: spec.indexAxis || "x",
            animation: false,
            scales: { y: { beginAtZero: true }, x: { beginAtZero: true } },
          },
        });
      });
  });
})();
