/* Charts from server data: <canvas data-chart-spec='{…}'> written by templates/macros/charts.html.
   The spec carries the figures, not a Chart.js configuration: labels, and series of
   {label, unit ("money" | "count"), type ("bar" | "line"), style ("target"), data (exact decimals as text),
   texts (each figure as the server's locale helper wrote it)}. This file turns it into a Chart.js chart:
   tooltips show the server's texts (the same as the table beside the chart), axes format their ticks with Intl
   in the page's language (<html lang>) and the spec's currency. Chart.js (vendored) is loaded on the first chart.
   No inline script, no eval: it runs under the Content Security Policy of core/web/headers.py. */
(function () {
  "use strict";
  if (window.NetSalesCharts) { return; }  /* loaded twice: the first one draws */

  /* The layout's accent first, then distinct, print-safe tones (as the analytics module's charts). */
  var PALETTE = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#14b8a6", "#f97316", "#64748b"];
  var TARGET_COLOUR = "#616e7c";
  var library = null;

  function loadLibrary() {
    if (window.Chart) { return Promise.resolve(window.Chart); }
    if (!library) {
      library = new Promise(function (resolve, reject) {
        var src = document.body.getAttribute("data-chart-src");
        /* netsales.js may be loading the same file for a data-chart canvas: wait for that one. */
        var script = document.querySelector('script[src="' + src + '"]');
        if (!script) {
          script = document.createElement("script");
          script.src = src;
          document.head.appendChild(script);
        }
        script.addEventListener("load", function () { resolve(window.Chart); });
        script.addEventListener("error", reject);
      });
    }
    return library;
  }

  function tickFormat(unit, locale, currency) {
    var format = unit === "money"
      ? new Intl.NumberFormat(locale, {style: "currency", currency: currency || "CNY", notation: "compact",
                                       maximumFractionDigits: 1})
      : new Intl.NumberFormat(locale, {maximumFractionDigits: 0});
    return function (value) {
      /* A count axis shows whole numbers only: no "0.5 deals". */
      if (unit !== "money" && Math.floor(value) !== value) { return ""; }
      return format.format(value);
    };
  }

  function toNumber(text) {
    return text === null || text === undefined ? null : Number(text);
  }

  /* The Chart.js configuration of a spec (exposed for tests and other pages). */
  function configOf(spec, locale) {
    var horizontal = !!spec.horizontal;
    var valueAxis = horizontal ? "x" : "y";
    var units = [];
    spec.series.forEach(function (s) { if (units.indexOf(s.unit) < 0) { units.push(s.unit); } });
    var scales = {};
    scales[horizontal ? "y" : "x"] = {stacked: !!spec.stacked, grid: {display: false}};
    units.forEach(function (unit, i) {
      scales[unit] = {
        axis: valueAxis, beginAtZero: true, stacked: !!spec.stacked,
        position: horizontal ? (i ? "top" : "bottom") : (i ? "right" : "left"),
        grid: {display: i === 0},
        ticks: {callback: tickFormat(unit, locale, spec.currency), precision: unit === "money" ? undefined : 0}
      };
    });
    var datasets = spec.series.map(function (s, i) {
      var target = s.style === "target";
      var colour = target ? TARGET_COLOUR : PALETTE[i % PALETTE.length];
      var dataset = {
        label: s.label, type: s.type || spec.kind, data: s.data.map(toNumber),
        backgroundColor: colour, borderColor: colour, borderWidth: s.type === "line" || target ? 2 : 0,
        borderDash: target ? [6, 4] : [], pointRadius: 3, fill: false, tension: 0.2, maxBarThickness: 28,
        order: s.type === "line" ? 0 : 1  /* lines drawn over bars */
      };
      dataset[valueAxis + "AxisID"] = s.unit;
      return dataset;
    });
    return {
      type: spec.kind || "bar",
      data: {labels: spec.labels, datasets: datasets},
      options: {
        responsive: true, maintainAspectRatio: false, animation: false, indexAxis: horizontal ? "y" : "x",
        locale: locale, interaction: {mode: "index", intersect: false},
        plugins: {
          legend: {display: spec.series.length > 1, position: "bottom", labels: {boxWidth: 12}},
          tooltip: {callbacks: {label: function (item) {
            var texts = spec.series[item.datasetIndex].texts;
            return item.dataset.label + ": " + texts[item.dataIndex];
          }}}
        },
        scales: scales
      }
    };
  }

  function draw(root) {
    var selector = "canvas[data-chart-spec]:not([data-chart-drawn])";
    var canvases = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) { canvases.push(root); }
    if (!canvases.length) { return Promise.resolve([]); }
    /* Claimed at once: htmx's load event on the body and DOMContentLoaded both ask before Chart.js has arrived. */
    canvases.forEach(function (canvas) { canvas.setAttribute("data-chart-drawn", ""); });
    var locale = document.documentElement.lang || "zh-CN";
    return loadLibrary().then(function (Chart) {
      return canvases.map(function (canvas) {
        try {
          var chart = new Chart(canvas, configOf(JSON.parse(canvas.getAttribute("data-chart-spec")), locale));
          canvas.setAttribute("data-chart-ready", "");  /* drawn: what tests and other scripts wait for */
          return chart;
        } catch (error) {
          /* The table beside it still shows every figure. */
          canvas.setAttribute("data-chart-failed", "");
          console.error("chart", error);
          return null;
        }
      });
    });
  }

  window.NetSalesCharts = {draw: draw, configOf: configOf};
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
  /* Content that htmx swaps in may carry charts too. */
  document.addEventListener("htmx:load", function (event) { draw(event.target); });
})();
