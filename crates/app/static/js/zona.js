// zona: progressive enhancements only; every page works without JavaScript.
(function () {
  "use strict";
  // htmx requests carry the CSRF token of the page.
  document.addEventListener("htmx:configRequest", function (e) {
    var meta = document.querySelector('input[name="csrf_token"]');
    if (meta) { e.detail.headers["X-CSRF-Token"] = meta.value; }
  });
  // Forms that ask for confirmation before a destructive action.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var msg = form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
  // Move focus to the error summary so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("form-errors");
    if (summary) { summary.focus(); }
  });
})();
