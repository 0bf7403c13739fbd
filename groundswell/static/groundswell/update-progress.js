/* Live progress of an update being sent: polls its JSON every 2 seconds until it is no longer
   sending. A file, not inline script: the Content-Security-Policy allows none. */
(function () {
  "use strict";
  var box = document.getElementById("update-progress");
  if (!box || box.getAttribute("data-status") !== "sending" || !window.fetch) { return; }
  var url = box.getAttribute("data-progress-url");
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function show(progress) {
    document.querySelectorAll("[data-progress-field]").forEach(function (element) {
      var value = progress[element.getAttribute("data-progress-field")];
      if (value === undefined) { return; }
      element.textContent = typeof value === "number" ? format.format(value) : value;
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (progress) {
        if (!progress) { return; }
        if (!progress.listed) { setTimeout(poll, 2000); return; }
        if (!document.querySelector("[data-progress-field='sent']")) { window.location.reload(); return; }
        show(progress);
        if (progress.status === "sending") { setTimeout(poll, 2000); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);
})();
