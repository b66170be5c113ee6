/* Drag and drop for the attachment upload forms (form[data-dropzone]). Without JavaScript the form is a plain
   file input and an Upload button; with it, a file dropped on the form is uploaded at once and the page reloads,
   or the server's message appears next to the field. No inline script: the CSP forbids it. */
(function () {
  "use strict";

  function showError(form, message) {
    var error = form.querySelector("[data-dropzone-error]");
    if (!error) { return; }
    error.textContent = message;
    error.hidden = !message;
  }

  function upload(form, file) {
    var data = new FormData(form);
    data.set("file", file, file.name);
    form.classList.add("is-uploading");
    showError(form, "");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (response.ok) {
        window.location.reload();
        return null;
      }
      return response.json().then(function (body) {
        showError(form, (body && body.error && body.error.message) || response.statusText);
      }, function () {
        showError(form, response.statusText || String(response.status));
      });
    }).catch(function () {
      form.submit(); /* the network call failed: fall back to the plain form post */
    }).then(function () {
      form.classList.remove("is-uploading");
    });
  }

  function enhance(form) {
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (event) {
        event.preventDefault();
        form.classList.add("is-dragover");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      form.addEventListener(name, function () { form.classList.remove("is-dragover"); });
    });
    form.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length) { upload(form, files[0]); }
    });
  }

  function init() {
    var forms = document.querySelectorAll("form[data-dropzone]");
    for (var i = 0; i < forms.length; i++) {
      if (!forms[i].dataset.dropzoneReady) {
        forms[i].dataset.dropzoneReady = "1";
        enhance(forms[i]);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
