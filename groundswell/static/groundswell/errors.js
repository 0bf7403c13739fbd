/* A form sent back with errors: move the focus to its error summary, so that a screen reader
   reads it and a phone scrolls it into view. A file: the Content-Security-Policy allows no
   inline script. */
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
