// The admin's search boxes (select2, for autocomplete fields) show a text box whose name is the text it shows:
// an empty one (a new row, nothing chosen yet) would have none. Give each the name of the select it stands for.
(function () {
  "use strict";
  function nameOf(select) {
    if (select.getAttribute("aria-label")) {
      return select.getAttribute("aria-label");
    }
    var label = select.id && document.querySelector("label[for='" + select.id + "']");
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }
  function nameBoxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = document.getElementById("select2-" + select.id + "-container");
      var name = nameOf(select);
      if (box && name) {
        box.setAttribute("aria-label", name);
      }
    });
  }
  // jQuery sets up the admin's select2 boxes after DOMContentLoaded (and again for each row added): name them
  // as they appear.
  document.addEventListener("DOMContentLoaded", function () {
    nameBoxes(document);
    new MutationObserver(function (changes) {
      if (changes.some(function (change) { return change.addedNodes.length > 0; })) {
        nameBoxes(document);
      }
    }).observe(document.body, {childList: true, subtree: true});
  });
})();
