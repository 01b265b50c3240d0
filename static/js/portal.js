// Small enhancements; every page works without them.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so that screen readers announce what went wrong.
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
    // A form that is being submitted cannot be submitted twice by a double click.
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          window.setTimeout(function () { button.disabled = true; }, 0);
        });
      });
    });
    // Questions that only apply to a body governed by public law are shown only for that type.
    var publicLaw = document.getElementById("public-law-questions");
    if (publicLaw) {
      var radios = document.querySelectorAll("input[name=body_type]");
      var update = function () {
        var chosen = document.querySelector("input[name=body_type]:checked");
        publicLaw.hidden = !(chosen && chosen.value === "body_governed_by_public_law");
      };
      radios.forEach(function (radio) { radio.addEventListener("change", update); });
      update();
    }
  });
})();
