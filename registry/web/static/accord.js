// Progressive enhancement only: every page works without this file.
// Move focus to the error summary of a form that came back with errors, so that a
// screen reader announces them and a keyboard user starts there.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});
// HTMX sends the session's CSRF token (from <meta name="csrf-token">) as a header.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRF-Token"] = meta.content; }
});
