/* NetSales page behaviour. Every page works without this file; it only adds conveniences:
   - "select all" for bulk-action checkboxes (data-select-all="<checkbox name>"),
   - a confirmation before dangerous submits (data-confirm="question"),
   - filters that apply as soon as they change (select[data-autosubmit]),
   - charts: <canvas data-chart='{Chart.js config as JSON}'> draws with the vendored Chart.js, loaded on demand,
   - searchable selects: <div data-lookup> (core.web.lookup.LookupField) load js/lookup.js on demand,
   - Escape closes the phone menu.
   It runs under a CSP without 'unsafe-inline' or 'unsafe-eval': no inline handlers, no eval. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-select-all]")) {
      var form = target.form || target.closest("form");
      var name = target.getAttribute("data-select-all");
      if (form) {
        form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
          box.checked = target.checked;
        });
      }
    } else if (target.matches("select[data-autosubmit]") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    var trigger = event.target.closest("[data-confirm]");
    if (trigger && !window.confirm(trigger.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("keydown", function (event) {
    var toggle = document.getElementById("nav-toggle");
    if (event.key === "Escape" && toggle && toggle.checked) {
      toggle.checked = false;
    }
  });

  var chartLibrary = null;
  function loadChartLibrary() {
    if (window.Chart) { return Promise.resolve(window.Chart); }
    if (!chartLibrary) {
      chartLibrary = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = document.body.getAttribute("data-chart-src");
        script.onload = function () { resolve(window.Chart); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return chartLibrary;
  }

  function drawCharts(root) {
    var selector = "canvas[data-chart]:not([data-chart-drawn])";
    var canvases = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) { canvases.push(root); }
    if (!canvases.length) { return; }
    loadChartLibrary().then(function (Chart) {
      canvases.forEach(function (canvas) {
        try {
          canvas.setAttribute("data-chart-drawn", "");
          new Chart(canvas, JSON.parse(canvas.getAttribute("data-chart")));
        } catch (error) {
          console.error("chart", error);
        }
      });
    });
  }

  var lookupScript = null;
  function enhanceLookups(root) {
    var first = (root.matches && root.matches("[data-lookup]")) ? root : root.querySelector("[data-lookup]");
    if (!first) { return; }
    if (window.NetSalesLookup) { window.NetSalesLookup.init(root); return; }
    if (!lookupScript) { /* lookup.js enhances every lookup on the page when it loads */
      lookupScript = document.createElement("script");
      lookupScript.src = first.getAttribute("data-lookup-script");
      document.head.appendChild(lookupScript);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); enhanceLookups(document); });
  /* Content that htmx swaps in may carry charts and lookups too. */
  document.addEventListener("htmx:load", function (event) { drawCharts(event.target); enhanceLookups(event.target); });
})();
