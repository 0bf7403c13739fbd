// The check-in page at the door: live counts (polled), and scanning the QR code of an RSVP with
// the phone's camera. The browser's BarcodeDetector is used where it exists, the vendored jsQR
// (vendor/jsqr) elsewhere. A scanned code is posted like a typed one; the page works without
// this script (typing the code, ticking names).
(function () {
  "use strict";
  var root = document.querySelector("[data-checkin]");
  if (!root) { return; }
  var countsUrl = root.getAttribute("data-counts-url");
  var checkinUrl = root.getAttribute("data-checkin-url");
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]");
  var status = root.querySelector("[data-scan-status]");
  var warning = root.querySelector("[data-checkin-warning]");

  function words(element) { return element.textContent.replace(/\s+/g, " ").trim(); }

  function refreshCounts() {
    fetch(countsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counts) {
        if (!counts) { return; }
        Object.keys(counts).forEach(function (name) {
          var cell = root.querySelector('[data-count="' + name + '"]');
          if (cell) { cell.textContent = String(counts[name]); }
        });
        // The server's own rendering of the full / over-capacity warning (its values are
        // numbers, escaped there); replaced only when its words changed, so that screen readers
        // announce it once.
        if (warning && typeof counts.warning === "string") {
          var fresh = document.createElement("div");
          fresh.innerHTML = counts.warning;
          if (words(fresh) !== words(warning)) { warning.innerHTML = counts.warning; }
        }
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }
  setInterval(refreshCounts, 5000);

  function say(message, ok) {
    if (!status) { return; }
    status.textContent = message;
    status.className = ok ? "success-box" : "error-box";
  }

  var lastCode = "";
  var lastAt = 0;
  function submitCode(code) {
    var now = Date.now();
    if (code === lastCode && now - lastAt < 5000) { return; }
    lastCode = code;
    lastAt = now;
    var body = new URLSearchParams();
    body.append("code", code);
    fetch(checkinUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: body
    })
      .then(function (response) { return response.json(); })
      .then(function (answer) { say(answer.message, answer.ok); refreshCounts(); })
      .catch(function () { say(root.getAttribute("data-network-error"), false); });
  }

  var button = root.querySelector("[data-scan-start]");
  var video = root.querySelector("[data-scan-video]");
  if (!button || !video || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    if (button) { button.hidden = true; }
    return;
  }
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var detector = null;
  if ("BarcodeDetector" in window) {
    try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { detector = null; }
  }

  function decode() {
    if (detector) {
      return detector.detect(video).then(function (codes) {
        return codes.length ? codes[0].rawValue : null;
      });
    }
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    var image = context.getImageData(0, 0, canvas.width, canvas.height);
    var found = window.jsQR ? window.jsQR(image.data, image.width, image.height) : null;
    return Promise.resolve(found ? found.data : null);
  }

  function scan() {
    if (video.readyState < 2) { setTimeout(scan, 200); return; }
    decode()
      .then(function (code) { if (code) { submitCode(code); } })
      .catch(function () { /* a frame that could not be read */ })
      .then(function () { setTimeout(scan, 250); });
  }

  button.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        button.hidden = true;
        video.play();
        scan();
      })
      .catch(function () { say(root.getAttribute("data-camera-error"), false); });
  });
})();
