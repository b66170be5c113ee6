// Drag and drop on the deal board: dropping a card on another column sends the same POST as the card's move
// form (stage + the version the user saw), as JSON-accepting fetch. A refusal (exit rule, someone else moved it)
// is shown and the card stays; without JavaScript the per-card form does the job.
(function () {
  "use strict";
  var board = document.querySelector(".board[data-board]");
  if (!board) { return; }
  var csrf = board.getAttribute("data-csrf");
  var dragged = null;

  function message(text, kind) {
    var box = document.createElement("div");
    box.className = "flash flash-" + (kind || "error");
    box.setAttribute("role", "alert");
    var span = document.createElement("span");
    span.textContent = text;
    box.appendChild(span);
    board.parentNode.insertBefore(box, board);
    window.setTimeout(function () { box.remove(); }, 8000);
  }

  // The fallback message names the card's deal, as the server's refusals do.
  function failed(card) {
    return board.getAttribute("data-error").replace("{title}", card.getAttribute("data-title"));
  }

  board.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".board-card");
    if (!dragged) { return; }
    dragged.classList.add("moving");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.getAttribute("data-deal"));
  });
  board.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("moving"); }
    board.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
  });
  board.querySelectorAll(".board-column").forEach(function (column) {
    column.addEventListener("dragover", function (event) {
      if (dragged) { event.preventDefault(); column.classList.add("drop-target"); }
    });
    column.addEventListener("dragleave", function () { column.classList.remove("drop-target"); });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      column.classList.remove("drop-target");
      var card = dragged;
      if (!card || card.closest(".board-column") === column) { return; }
      var body = new URLSearchParams();
      body.set("csrf_token", csrf);
      body.set("stage", column.getAttribute("data-stage"));
      body.set("expected_version", card.getAttribute("data-version"));
      fetch(card.getAttribute("data-move-url"), {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": csrf}
      }).then(function (response) {
        return response.json().then(function (data) { return {ok: response.ok, data: data}; });
      }).then(function (result) {
        if (!result.ok) { message(result.data.error ? result.data.error.message : failed(card)); return; }
        if (result.data.status !== "open") { window.location.reload(); return; }
        card.setAttribute("data-version", result.data.version);
        column.querySelector(".board-cards").prepend(card);
        var empty = column.querySelector(".board-cards .empty");
        if (empty) { empty.remove(); }
      }).catch(function () { message(failed(card)); });
    });
  });
})();
