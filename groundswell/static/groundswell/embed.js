/* Groundswell embed: sizes <iframe data-groundswell-embed> to the form it shows, without a
   border. Only messages from the iframe's own window and origin are obeyed. Styles are set
   through the DOM, which a Content-Security-Policy without 'unsafe-inline' still allows. */
(function () {
  "use strict";
  function frames() {
    return Array.prototype.slice.call(document.querySelectorAll("iframe[data-groundswell-embed]"));
  }
  function unframed() {
    frames().forEach(function (frame) { frame.style.border = "0"; });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", unframed);
  } else {
    unframed();
  }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.groundswell !== "height" || typeof data.height !== "number") { return; }
    frames().forEach(function (frame) {
      if (frame.contentWindow !== event.source) { return; }
      if (new URL(frame.src, window.location.href).origin !== event.origin) { return; }
      var height = Math.max(200, Math.min(Math.ceil(data.height), 5000));
      frame.style.height = height + "px";
    });
  });
})();
