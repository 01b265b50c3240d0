// The CPV code field as a combobox (WAI-ARIA 1.2 "list autocomplete"): suggestions while typing, chosen
// with the arrow keys and Enter, or by a click. Without this script the field is a search box whose
// results the server lists under it (surveys/cpv/fields.py); with it, that still works.
(function () {
  "use strict";
  var DELAY = 200;
  var MIN_LENGTH = 2;

  function say(template, count) {
    return template.replace("{count}", String(count));
  }

  function enhance(input) {
    var url = input.getAttribute("data-cpv-suggestions");
    var chosen = document.getElementById(input.id + "_chosen");
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var options = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    list.id = input.id + "_suggestions";
    list.className = "cpv-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-cpv-list-label"));
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.element.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].element.id);
        options[index].element.scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var option = options[index];
      input.value = option.code;
      if (chosen) {
        chosen.textContent = input.getAttribute("data-cpv-chosen").replace("{code}", option.code).replace("{label}", option.label);
      }
      // A code picked here replaces any code the server listed for the earlier words.
      var again = document.getElementById(input.id + "_choice_0");
      if (again) {
        again.checked = true;
      }
      close();
      input.focus();
    }

    function show(results) {
      list.textContent = "";
      options = results.map(function (result, i) {
        var element = document.createElement("li");
        element.id = list.id + "_" + i;
        element.setAttribute("role", "option");
        element.setAttribute("aria-selected", "false");
        element.textContent = result.code + " – " + result.label;
        // mousedown would take the focus from the input (and close the list) before the click lands.
        element.addEventListener("mousedown", function (event) { event.preventDefault(); });
        element.addEventListener("click", function () { choose(i); });
        list.appendChild(element);
        return {element: element, code: result.code, label: result.label};
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
      if (options.length === 0) {
        status.textContent = input.getAttribute("data-cpv-none");
      } else if (options.length === 1) {
        status.textContent = input.getAttribute("data-cpv-one");
      } else {
        status.textContent = say(input.getAttribute("data-cpv-many"), options.length);
      }
    }

    function ask() {
      var text = input.value.trim();
      if (text.length < MIN_LENGTH) {
        close();
        return;
      }
      var mine = ++asked;
      fetch(url + "?q=" + encodeURIComponent(text), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (answer) { return answer.ok ? answer.json() : {results: []}; })
        .then(function (data) {
          // An answer to an earlier keystroke that arrives late is dropped.
          if (mine === asked && document.activeElement === input) {
            show(data.results || []);
          }
        })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      if (chosen) {
        chosen.textContent = "";
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) {
          ask();
        } else {
          highlight(active < options.length - 1 ? active + 1 : 0);
        }
      } else if (event.key === "ArrowUp") {
        if (open) {
          event.preventDefault();
          highlight(active > 0 ? active - 1 : options.length - 1);
        }
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();  // choosing a code does not submit the page
          choose(active);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        }
      }
    });
    input.addEventListener("blur", close);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.fetch) {
      return;
    }
    document.querySelectorAll("input[data-cpv-suggestions]").forEach(enhance);
  });
})();
