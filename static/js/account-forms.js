/*
 * Account pages: when a form comes back with problems, move focus to the summary
 * at its top, so keyboard and screen-reader users start from the list of what to fix.
 */
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
