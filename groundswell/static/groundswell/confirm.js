/* A form with data-confirm="question" is sent only once the question is answered yes.
   A file, not an onsubmit attribute: the Content-Security-Policy allows no inline script. */
document.addEventListener("submit", function (event) {
  "use strict";
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); }
});
