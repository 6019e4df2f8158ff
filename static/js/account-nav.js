/*
 * The account menu is a <details> element and works without this script;
 * this closes it with Escape or a click elsewhere, as people expect of a menu.
 */
(function () {
  "use strict";

  var menu = document.querySelector("[data-account-menu]");
  if (!menu) {
    return;
  }
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) {
      menu.open = false;
    }
  });
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
