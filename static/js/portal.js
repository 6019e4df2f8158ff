/*
 * Samma Portal: small enhancements on top of pages that already work without JavaScript.
 * - "คัดลอกลิงก์" copies the article's address (the address stays selectable without JS);
 * - "พิมพ์บทความ" opens the print dialog (the print layout is plain CSS);
 * - the photo gallery opens the larger picture in a dialog instead of leaving the page.
 * No inline scripts or handlers anywhere, so a strict Content-Security-Policy can apply.
 */
(function () {
  "use strict";

  function copyText(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    // Plain-HTTP pages have no Clipboard API: select the text and use the older command.
    input.focus();
    input.select();
    try {
      return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy"));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function setUpCopyButtons() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-copy-target"));
      if (!input) {
        return;
      }
      var status = button.closest(".copy-link") && button.closest(".copy-link").querySelector(".copy-status");
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(input).then(
          function () {
            if (status) {
              status.textContent = button.getAttribute("data-copied-text") || "";
            }
          },
          function () {
            // Copying was refused: leave the address selected so it can be copied by hand.
            input.focus();
            input.select();
          }
        );
      });
    });
  }

  function setUpPrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  function makeButton(label, className) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = className;
    button.textContent = label;
    return button;
  }

  function setUpGallery(gallery) {
    var links = Array.prototype.slice.call(gallery.querySelectorAll(".gallery-link"));
    if (!links.length || typeof HTMLDialogElement !== "function") {
      return;
    }
    var dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", gallery.getAttribute("data-label-dialog") || "");
    var figure = document.createElement("figure");
    var image = document.createElement("img");
    var caption = document.createElement("figcaption");
    caption.lang = "th";
    figure.appendChild(image);
    figure.appendChild(caption);
    var actions = document.createElement("div");
    actions.className = "lightbox-actions";
    var previous = makeButton(gallery.getAttribute("data-label-previous") || "‹", "button-secondary");
    var next = makeButton(gallery.getAttribute("data-label-next") || "›", "button-secondary");
    var close = makeButton(gallery.getAttribute("data-label-close") || "×", "button-primary");
    if (links.length > 1) {
      actions.appendChild(previous);
      actions.appendChild(next);
    }
    actions.appendChild(close);
    dialog.appendChild(figure);
    dialog.appendChild(actions);
    document.body.appendChild(dialog);

    var current = 0;
    function show(index) {
      current = (index + links.length) % links.length;
      var link = links[current];
      var thumbnail = link.querySelector("img");
      image.src = link.href;
      image.alt = thumbnail ? thumbnail.alt : "";
      caption.textContent = link.getAttribute("data-caption") || "";
      caption.hidden = !caption.textContent;
    }

    links.forEach(function (link, index) {
      link.addEventListener("click", function (event) {
        // Let ctrl/cmd/shift-click open the picture in a new tab as usual.
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
          return;
        }
        event.preventDefault();
        show(index);
        dialog.showModal();
        close.focus();
      });
    });
    previous.addEventListener("click", function () { show(current - 1); });
    next.addEventListener("click", function () { show(current + 1); });
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) {
        dialog.close();
      }
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") {
        show(current - 1);
      } else if (event.key === "ArrowRight") {
        show(current + 1);
      }
    });
    dialog.addEventListener("close", function () {
      links[current].focus();
    });
  }

  function start() {
    setUpCopyButtons();
    setUpPrintButtons();
    document.querySelectorAll("[data-gallery]").forEach(setUpGallery);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
