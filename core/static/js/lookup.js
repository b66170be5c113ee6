/* Searchable selects (core.web.lookup.LookupField): turns <div class="lookup" data-lookup="/lookup/<kind>"> with its
   text input holding the id into an ARIA 1.2 combobox (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/):
   - the id goes to a hidden input of the same name; the visible input (which keeps the field's id, so its <label>
     still names it) shows the chosen record's label;
   - typing searches /lookup/<kind>?q=…&page=… (debounced; stale answers are dropped), "Show more" pages on, so any
     record can be found however many there are;
   - ArrowDown/ArrowUp move through the options (ArrowDown or Alt+ArrowDown opens), Enter chooses, Escape closes (a
     second Escape puts back the chosen value), Tab leaves; the number of results is announced in a live region;
   - leaving the box after typing without choosing puts back the last chosen value; emptying it clears the value.
   Loaded on demand by netsales.js. No inline code (CSP); texts come from the markup, in the page's language. */
(function () {
  "use strict";
  var DELAY = 250;
  var counter = 0;

  function text(root, name) { return root.getAttribute("data-text-" + name) || ""; }

  function enhance(root) {
    if (root.hasAttribute("data-lookup-ready")) { return; }
    var original = root.querySelector("input");
    if (!original) { return; }
    root.setAttribute("data-lookup-ready", "");
    counter += 1;
    var base = original.id || ("lookup-" + counter);
    var url = root.getAttribute("data-lookup");

    // The value: a hidden input with the original's name.
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = original.name;
    // Text typed before this script took the box over (it is loaded on demand, and htmx swaps boxes in): a search,
    // not a value; it is searched once the box is ready.
    var typed = original.value !== original.defaultValue ? original.value.trim() : "";
    hidden.value = typed ? "" : original.value;

    // The combobox: the original input itself, renamed, so its label, aria-describedby and aria-invalid stay.
    var box = original;
    box.removeAttribute("name");
    box.removeAttribute("inputmode");
    box.type = "text";
    box.id = base;
    box.value = typed || (hidden.value ? (root.getAttribute("data-lookup-label") || "") : "");
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("aria-controls", base + "-listbox");
    box.setAttribute("autocomplete", "off");
    if (box.required) { box.setAttribute("aria-required", "true"); }

    var list = document.createElement("ul");
    list.id = base + "-listbox";
    list.className = "lookup-listbox";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var label = document.querySelector('label[for="' + base + '"]');
    if (label) {
      label.id = label.id || base + "-label";
      list.setAttribute("aria-labelledby", label.id);
    }

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "lookup-clear";
    clear.setAttribute("aria-label", text(root, "clear"));
    clear.textContent = "\u00d7";

    root.querySelectorAll(".lookup-current, .lookup-nojs").forEach(function (node) { node.remove(); });
    root.insertBefore(hidden, box);
    root.appendChild(clear);
    root.appendChild(list);
    root.appendChild(status);
    root.classList.add("is-enhanced");

    var chosen = { id: hidden.value, label: typed ? "" : box.value };
    var state = { query: null, page: 0, more: false, active: -1, request: 0, timer: null };

    function options() { return Array.prototype.slice.call(list.querySelectorAll("[role=option]")); }

    function open() {
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      state.active = -1;
    }

    function activate(index) {
      var all = options();
      if (!all.length) { return; }
      index = Math.max(0, Math.min(index, all.length - 1));
      all.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
      state.active = index;
      box.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    }

    function choose(option) {
      if (option.hasAttribute("data-more")) {
        load(state.query, state.page + 1);
        return;
      }
      chosen = { id: option.getAttribute("data-id"), label: option.textContent };
      hidden.value = chosen.id;
      box.value = chosen.label;
      close();
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function restore() {
      if (box.value.trim() === "") {
        chosen = { id: "", label: "" };
        hidden.value = "";
      } else {
        box.value = chosen.label;
        hidden.value = chosen.id;
      }
    }

    function note(message) {
      var item = document.createElement("li");
      item.className = "lookup-note";
      item.setAttribute("aria-disabled", "true");
      item.textContent = message;
      list.appendChild(item);
    }

    function render(results, page, more) {
      var moreItem = list.querySelector("[data-more]");
      if (page === 1) { list.innerHTML = ""; } else if (moreItem) { moreItem.remove(); }
      var first = options().length;
      results.forEach(function (result, i) {
        var option = document.createElement("li");
        option.id = base + "-option-" + (first + i);
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-id", String(result.id));
        option.textContent = result.label;
        list.appendChild(option);
      });
      if (more) {
        var next = document.createElement("li");
        next.id = base + "-more-" + page;
        next.className = "lookup-more";
        next.setAttribute("role", "option");
        next.setAttribute("aria-selected", "false");
        next.setAttribute("data-more", "");
        next.textContent = text(root, "more");
        list.appendChild(next);
      }
      var count = options().filter(function (o) { return !o.hasAttribute("data-more"); }).length;
      if (!count) { note(text(root, "none")); }
      status.textContent = count ? text(root, "count").replace("{n}", String(count) + (more ? "+" : "")) : text(root, "none");
      open();
      if (page > 1 && results.length) { activate(first); }
    }

    function load(query, page) {
      state.request += 1;
      var ticket = state.request;
      status.textContent = text(root, "loading");
      var address = url + "?q=" + encodeURIComponent(query) + "&page=" + page;
      fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (body) {
          if (ticket !== state.request) { return; } // an answer to an older search
          state.query = query;
          state.page = body.page;
          state.more = body.more;
          render(body.results, body.page, body.more);
        })
        .catch(function () {
          if (ticket !== state.request) { return; }
          list.innerHTML = "";
          note(text(root, "error"));
          status.textContent = text(root, "error");
          open();
        });
    }

    function search(now) {
      clearTimeout(state.timer);
      var query = box.value.trim();
      if (now) { load(query, 1); } else { state.timer = setTimeout(function () { load(query, 1); }, DELAY); }
    }

    box.addEventListener("input", function () {
      hidden.value = ""; // nothing is chosen until an option is
      search(false);
    });

    box.addEventListener("click", function () {
      if (list.hidden) { search(true); }
    });

    box.addEventListener("keydown", function (event) {
      var all = options();
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (list.hidden) {
            if (state.query === box.value.trim() && all.length) { open(); activate(0); } else { search(true); }
          } else if (!event.altKey) {
            activate(state.active + 1);
          }
          break;
        case "ArrowUp":
          if (!list.hidden) { event.preventDefault(); activate(state.active - 1); }
          break;
        case "Enter":
          if (!list.hidden && state.active >= 0 && all[state.active]) {
            event.preventDefault(); // choosing must not submit the form
            choose(all[state.active]);
          }
          break;
        case "Escape":
          if (!list.hidden) {
            event.preventDefault();
            close();
          } else if (box.value !== chosen.label) {
            event.preventDefault();
            box.value = chosen.label; // put back the chosen value
            hidden.value = chosen.id;
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    box.addEventListener("blur", function () {
      // A click on an option arrives after blur: wait for it before closing.
      setTimeout(function () {
        if (document.activeElement !== box) {
          close();
          if (hidden.value !== chosen.id || box.value !== chosen.label) { restore(); }
        }
      }, 150);
    });

    list.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the focus in the box
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { choose(option); box.focus(); }
    });

    clear.addEventListener("click", function () {
      box.value = "";
      restore();
      close();
      box.focus();
    });

    if (typed) { search(true); }
  }

  function init(root) {
    var scope = root || document;
    var roots = Array.prototype.slice.call(scope.querySelectorAll("[data-lookup]"));
    if (scope.matches && scope.matches("[data-lookup]")) { roots.push(scope); }
    roots.forEach(enhance);
  }

  window.NetSalesLookup = { init: init };
  init(document);
})();
