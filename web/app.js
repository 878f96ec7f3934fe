// web/app.js: small enhancements; every page works without it (the server handles the same
// buttons). Loaded from /static under CSP default-src 'self': no inline script anywhere.
"use strict";

(function () {
  // Move focus to the error summary so keyboard and screen-reader users land on it.
  function focusErrors() {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }

  // Rows of medicines and supplements: add and remove without a round trip, renumbering the
  // field names (medicines[0].name …) so the server reads them in order.
  var WORDS = { medicines: "Medicine", supplements: "Supplement" };
  var SINGULAR = { medicines: "medicine", supplements: "supplement" };

  function renumber(list) {
    var rows = document.querySelectorAll('ol[data-list="' + list + '"] > li.row');
    var nameRe = new RegExp(list + "\\[\\d+\\]", "g");
    var idRe = new RegExp("f-" + list + "-\\d+-", "g");
    rows.forEach(function (row, index) {
      row.setAttribute("data-row", String(index));
      row.querySelectorAll("[name],[id],[for],[aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value === null) return;
          el.setAttribute(attr, value.replace(nameRe, list + "[" + index + "]").replace(idRe, "f-" + list + "-" + index + "-"));
        });
      });
      var legend = row.querySelector("legend");
      if (legend) legend.textContent = WORDS[list] + " " + (index + 1);
      var remove = row.querySelector("button[data-remove]");
      if (remove) {
        remove.value = "remove-" + SINGULAR[list] + "-" + index;
        remove.textContent = "Remove " + SINGULAR[list] + " " + (index + 1);
      }
    });
    return rows.length;
  }

  function addRow(list) {
    var template = document.getElementById("tpl-" + list);
    var target = document.querySelector('ol[data-list="' + list + '"]');
    if (!template || !target) return false;
    var index = target.querySelectorAll(":scope > li.row").length;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.split("__i__").join(String(index)).split("__n__").join(String(index + 1));
    var row = holder.firstElementChild;
    target.appendChild(row);
    var first = row.querySelector("input");
    if (first) first.focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button") : null;
    if (!button) return;
    if (button.hasAttribute("data-print")) {
      window.print();
      return;
    }
    var add = button.getAttribute("data-add");
    if (add && addRow(add)) {
      event.preventDefault();
      return;
    }
    var list = button.getAttribute("data-remove");
    if (list) {
      var row = button.closest("li.row");
      if (!row) return;
      event.preventDefault();
      row.parentNode.removeChild(row);
      renumber(list);
      var addButton = document.querySelector('button[data-add="' + list + '"]');
      if (addButton) addButton.focus();
    }
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusErrors);
  else focusErrors();
})();
