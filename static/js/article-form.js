/*
 * The article form's enhancements. The form works the same without this file:
 * photos then travel with the "save" button, and the number boxes set the order.
 *
 * With it: a chosen photo shows at once (a local preview) and is uploaded in
 * the background with a progress bar while the officer keeps typing; a new
 * article is first saved as a draft so the photo has somewhere to go. Sections
 * and photos get "move up/down" buttons and "add" buttons.
 */
(function () {
  "use strict";

  var form = document.getElementById("article-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) {
    return;
  }

  var ALLOWED_TYPES = ["image/jpeg", "image/png", "image/webp"];
  var maxBytes = parseInt(form.dataset.maxBytes, 10) || 10 * 1024 * 1024;
  var maxImages = parseInt(form.dataset.maxImages, 10) || 10;
  var statusLine = form.querySelector("[data-form-status]");
  var savedImages = form.querySelector("[data-saved-images]");
  var newImages = form.querySelector("[data-new-images]");
  var extraSections = form.querySelector("[data-extra-sections]");
  var pendingUploads = 0;
  var firstSave = null;

  function message(name) {
    return form.dataset["msg" + name] || "";
  }

  function say(text) {
    if (statusLine) {
      statusLine.textContent = text;
    }
  }

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* --- Formset rows from <template>, with __prefix__ replaced by the next index --- */

  function addRow(templateId, prefix, container) {
    var template = document.getElementById(templateId);
    var total = form.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    if (!template || !total || !container) {
      return null;
    }
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index)).trim();
    var row = holder.firstElementChild;
    container.appendChild(row);
    total.value = String(index + 1);
    revealMoveButtons(row);
    return row;
  }

  /* --- Spare empty rows stay out of the way until the officer asks for one --- */

  function isEmptyRow(row) {
    if (row.querySelector(".errorlist")) {
      return false;
    }
    return Array.prototype.every.call(row.querySelectorAll("input[type=text], textarea, input[type=file]"), function (input) {
      if (input.type === "file") {
        return !(input.files && input.files.length);
      }
      return !input.value.replace(/<[^>]*>|&nbsp;|\s/g, "");
    });
  }

  function hideSpareRows(container, rowSelector, keep) {
    if (!container) {
      return;
    }
    var shown = 0;
    Array.prototype.forEach.call(container.querySelectorAll(rowSelector), function (row) {
      if (isEmptyRow(row)) {
        shown += 1;
        row.hidden = shown > keep;
      }
    });
  }

  /* The next hidden spare row, or a new one from the template. */
  function nextRow(container, rowSelector, templateId, prefix) {
    var hidden = container.querySelector(rowSelector + "[hidden]");
    if (hidden) {
      hidden.hidden = false;
      return hidden;
    }
    return addRow(templateId, prefix, container);
  }

  hideSpareRows(extraSections, "[data-extra-section]", 0);
  hideSpareRows(newImages, "[data-new-image]", 1);

  /* --- Reordering: the buttons move the row and renumber the order boxes --- */

  function revealMoveButtons(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("[data-move]"), function (button) {
      button.hidden = false;
    });
  }

  function renumber(container, rowSelector, orderSelector) {
    var number = 1;
    Array.prototype.forEach.call(container.querySelectorAll(rowSelector), function (row) {
      var input = row.querySelector(orderSelector);
      if (input) {
        input.value = String(number);
        number += 1;
      }
    });
  }

  function enableMoving(container, rowSelector, orderSelector) {
    if (!container) {
      return;
    }
    revealMoveButtons(container);
    container.addEventListener("click", function (event) {
      var button = event.target.closest("[data-move]");
      if (!button || !container.contains(button)) {
        return;
      }
      var row = button.closest(rowSelector);
      if (button.dataset.move === "up" && row.previousElementSibling) {
        container.insertBefore(row, row.previousElementSibling);
      } else if (button.dataset.move === "down" && row.nextElementSibling) {
        container.insertBefore(row.nextElementSibling, row);
      }
      renumber(container, rowSelector, orderSelector);
      button.focus();
    });
  }

  enableMoving(extraSections, "[data-extra-section]", "input[name$='-order']");
  enableMoving(savedImages, "[data-saved-image]", "input[name$='-position']");

  var addSectionButton = form.querySelector("[data-add-section]");
  if (addSectionButton && extraSections) {
    addSectionButton.hidden = false;
    addSectionButton.addEventListener("click", function () {
      var row = nextRow(extraSections, "[data-extra-section]", "extra-section-template", "sections");
      if (row) {
        renumber(extraSections, "[data-extra-section]", "input[name$='-order']");
        var heading = row.querySelector("input[name$='-heading']");
        if (heading) {
          heading.focus();
        }
      }
    });
  }

  /* --- Photos --- */

  function imagesInUse() {
    var saved = savedImages ? savedImages.querySelectorAll("[data-saved-image]").length : 0;
    var chosen = 0;
    Array.prototype.forEach.call(newImages.querySelectorAll("input[type=file]"), function (input) {
      if (input.files && input.files.length) {
        chosen += 1;
      }
    });
    return saved + chosen;
  }

  function updateRoom() {
    var full = imagesInUse() >= maxImages;
    Array.prototype.forEach.call(newImages.querySelectorAll("input[type=file]"), function (input) {
      if (!(input.files && input.files.length)) {
        input.disabled = full;
      }
    });
    if (addImageButton) {
      addImageButton.hidden = full;
    }
  }

  function updateButtons() {
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (button) {
      button.setAttribute("aria-disabled", pendingUploads > 0 ? "true" : "false");
    });
  }

  function rowParts(row) {
    return {
      input: row.querySelector("input[type=file]"),
      caption: row.querySelector("input[name$='-caption']"),
      note: row.querySelector("[data-upload-message]"),
      preview: row.querySelector("[data-upload-preview]"),
      image: row.querySelector("[data-preview-image]"),
      progress: row.querySelector("[data-progress]"),
      status: row.querySelector("[data-upload-status]")
    };
  }

  function showRowError(row, text) {
    var parts = rowParts(row);
    parts.note.textContent = text;
    parts.note.hidden = false;
    parts.preview.hidden = true;
    if (parts.image.src) {
      URL.revokeObjectURL(parts.image.src);
      parts.image.removeAttribute("src");
    }
    parts.input.value = "";
    updateRoom();
  }

  function resetRow(row) {
    var parts = rowParts(row);
    parts.input.value = "";
    if (parts.caption) {
      parts.caption.value = "";
    }
    parts.preview.hidden = true;
    if (parts.image.src) {
      URL.revokeObjectURL(parts.image.src);
      parts.image.removeAttribute("src");
    }
  }

  function addSavedImage(saved) {
    var row = addRow("saved-image-template", "images", savedImages);
    if (!row) {
      return;
    }
    row.querySelector("input[name$='-image_id']").value = String(saved.id);
    row.querySelector("input[name$='-caption']").value = saved.caption || "";
    row.querySelector("input[name$='-position']").value = String(saved.position);
    var thumbnail = row.querySelector("[data-thumbnail]");
    thumbnail.src = saved.thumbnail;
    row.classList.add("just-added");
  }

  function post(url, data, onProgress) {
    return new Promise(function (resolve, reject) {
      var request = new XMLHttpRequest();
      request.open("POST", url);
      request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      request.setRequestHeader("X-CSRFToken", csrfToken());
      request.responseType = "json";
      if (onProgress && request.upload) {
        request.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) {
            onProgress(Math.round((event.loaded / event.total) * 100));
          }
        });
      }
      request.addEventListener("load", function () {
        resolve({ status: request.status, body: request.response || {} });
      });
      request.addEventListener("error", function () {
        reject(new Error(message("Failed")));
      });
      request.addEventListener("timeout", function () {
        reject(new Error(message("Failed")));
      });
      request.send(data);
    });
  }

  /* A new article has no address for photos yet: save it as a draft first, once. */
  function ensureSaved() {
    if (form.dataset.uploadUrl) {
      return Promise.resolve(form.dataset.uploadUrl);
    }
    if (!firstSave) {
      say(message("Saving"));
      var data = new FormData(form);
      Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
        data.delete(input.name);
      });
      data.set("action", "save");
      // getAttribute: the submit buttons are named "action", which hides form.action.
      firstSave = post(form.getAttribute("action"), data).then(function (reply) {
        if (reply.status === 200 && reply.body.saved) {
          form.setAttribute("action", reply.body.edit_url);
          form.dataset.uploadUrl = reply.body.upload_url;
          var version = form.querySelector("input[name=version]");
          if (version) {
            version.value = String(reply.body.version);
          }
          if (window.history && window.history.replaceState) {
            window.history.replaceState(null, "", reply.body.edit_url);
          }
          say(reply.body.message || "");
          return reply.body.upload_url;
        }
        firstSave = null;
        say(reply.body.message || message("Failed"));
        throw new Error(reply.body.message || message("Failed"));
      }, function (error) {
        firstSave = null;
        throw error;
      });
    }
    return firstSave;
  }

  function upload(row) {
    var parts = rowParts(row);
    var file = parts.input.files[0];
    parts.note.hidden = true;
    parts.note.textContent = "";
    if (!file) {
      parts.preview.hidden = true;
      return;
    }
    // The server decides what the file really is; these checks only save a slow upload.
    if (file.type && ALLOWED_TYPES.indexOf(file.type) === -1) {
      showRowError(row, message("Type"));
      return;
    }
    if (file.size > maxBytes) {
      showRowError(row, message("Size"));
      return;
    }
    if (imagesInUse() > maxImages) {
      showRowError(row, message("Full"));
      return;
    }
    parts.image.src = URL.createObjectURL(file);
    parts.preview.hidden = false;
    parts.progress.value = 0;
    parts.progress.textContent = "0%";
    parts.status.textContent = message("Uploading");
    pendingUploads += 1;
    updateButtons();
    updateRoom();
    ensureSaved()
      .then(function (url) {
        var data = new FormData();
        data.append("file", file);
        data.append("caption", parts.caption ? parts.caption.value : "");
        return post(url, data, function (percent) {
          parts.progress.value = percent;
          parts.progress.textContent = percent + "%";
        });
      })
      .then(function (reply) {
        if (reply.status === 201) {
          addSavedImage(reply.body);
          resetRow(row);
          say(message("Uploaded"));
        } else {
          showRowError(row, reply.body.error || message("Failed"));
        }
      })
      .catch(function (error) {
        // The file stays chosen when the draft could not be saved: "save" sends it the plain way.
        parts.status.textContent = error.message;
        parts.note.textContent = error.message;
        parts.note.hidden = false;
      })
      .then(function () {
        pendingUploads -= 1;
        updateButtons();
        updateRoom();
      });
  }

  var addImageButton = form.querySelector("[data-add-image]");
  if (newImages) {
    newImages.addEventListener("change", function (event) {
      if (event.target.matches("input[type=file]")) {
        upload(event.target.closest("[data-new-image]"));
      }
    });
    if (addImageButton) {
      addImageButton.hidden = false;
      addImageButton.addEventListener("click", function () {
        var row = nextRow(newImages, "[data-new-image]", "new-image-template", "new_images");
        if (row) {
          row.querySelector("input[type=file]").focus();
        }
        updateRoom();
      });
    }
    updateRoom();
  }

  form.addEventListener("submit", function (event) {
    if (pendingUploads > 0) {
      event.preventDefault();
      say(message("Wait"));
    }
  });
})();
