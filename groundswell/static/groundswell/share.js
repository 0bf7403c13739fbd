// The share block's "Copy link" button (groundswell/templates/_share_buttons.html). Without
// JavaScript the button stays hidden and the read-only field is there to select and copy.
(function () {
  "use strict";
  document.querySelectorAll("[data-share-copy]").forEach(function (button) {
    var block = button.closest(".share-copy");
    var field = block.querySelector("[data-share-copy-source]");
    var status = block.querySelector("[data-share-copied]");
    field.addEventListener("focus", function () { field.select(); });
    if (!navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        status.textContent = button.getAttribute("data-copied-text") || "\u2713";
      }, function () { field.select(); });
    });
  });
})();
