/*
 * Sign-up form enhancements; the form works fully without them.
 * - The office list follows the chosen province at once (GET /accounts/districts/),
 *   instead of the "แสดงอำเภอ" round trip, which is hidden once this script runs.
 * - The "other title" box shows only when "ยศหรือคำนำหน้าอื่น" is chosen.
 * - A live preview shows the name exactly as it will appear on articles.
 * Interface text comes from data- attributes, so it is translated with the page.
 */
(function () {
  "use strict";

  var form = document.getElementById("signup-form");
  if (!form || !window.fetch) {
    return;
  }
  var text = form.dataset;
  var province = form.querySelector("select[name=province]");
  var office = form.querySelector("select[name=district]");
  var step = form.querySelector("[data-offices-step]");
  var titleOtherBox = form.querySelector("[data-title-other]");
  var titleOther = form.querySelector("input[name=title_other]");
  var firstName = form.querySelector("input[name=first_name]");
  var lastName = form.querySelector("input[name=last_name]");
  var preview = form.querySelector("[data-name-preview]");
  var request = 0;

  function option(value, label) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    return element;
  }

  function setOffices(options, enabled) {
    var previous = office.value;
    office.replaceChildren.apply(office, options);
    office.disabled = !enabled;
    if (previous && office.querySelector('option[value="' + CSS.escape(previous) + '"]')) {
      office.value = previous;
    }
  }

  function loadOffices() {
    var slug = province.value;
    var mine = ++request;
    if (!slug) {
      setOffices([option("", text.chooseProvinceFirst)], false);
      return;
    }
    setOffices([option("", text.loading)], false);
    var url = form.getAttribute("data-districts-url") + "?province=" + encodeURIComponent(slug);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (mine !== request) {
          return;
        }
        var options = [option("", text.chooseOffice), option(data.provincial_office.value, data.provincial_office.label)];
        data.districts.forEach(function (district) {
          options.push(option(String(district.id), district.office_name));
        });
        setOffices(options, true);
      })
      .catch(function () {
        if (mine !== request) {
          return;
        }
        // Fall back to the form's own round trip.
        setOffices([option("", text.chooseProvinceFirst)], false);
        step.hidden = false;
      });
  }

  function chosenTitle() {
    var checked = form.querySelector("input[name=title]:checked");
    if (!checked) {
      return "";
    }
    return checked.value === "other" ? titleOther.value.trim() : checked.value;
  }

  function updateTitleOther() {
    var checked = form.querySelector("input[name=title]:checked");
    var other = checked && checked.value === "other";
    var hasError = titleOtherBox.querySelector(".errorlist");
    titleOtherBox.hidden = !(other || hasError || titleOther.value.trim());
  }

  function updatePreview() {
    var first = firstName.value.trim().replace(/\s+/g, " ");
    var last = lastName.value.trim().replace(/\s+/g, " ");
    if (!first && !last) {
      preview.hidden = true;
      return;
    }
    preview.textContent = text.previewLabel + " " + chosenTitle() + first + (last ? " " + last : "");
    preview.hidden = false;
  }

  step.hidden = true;
  province.addEventListener("change", loadOffices);
  form.querySelectorAll("input[name=title]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      updateTitleOther();
      updatePreview();
      if (radio.checked && radio.value === "other") {
        titleOther.focus();
      }
    });
  });
  [titleOther, firstName, lastName].forEach(function (input) {
    input.addEventListener("input", updatePreview);
  });
  updateTitleOther();
  updatePreview();
  if (province.value && office.disabled) {
    loadOffices();
  }
})();
