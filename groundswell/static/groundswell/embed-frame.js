/* Inside the embedded form: tell the page framing us how tall we are; embed.js on that page
   resizes the iframe. A file, not an inline script: the Content-Security-Policy allows none. */
(function () {
  "use strict";
  function report() {
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    window.parent.postMessage({ groundswell: "height", height: height }, "*");
  }
  window.addEventListener("load", report);
  window.addEventListener("resize", report);
  if (window.ResizeObserver) { new ResizeObserver(report).observe(document.body); }
})();
