// Small behaviours without inline scripts (a Content Security Policy forbids them).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
    el.form.submit();
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// A search box above long multiple selects (e.g. the 300 desa of a kabupaten): typing hides
// the options that do not match; selected options always stay visible.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-filterable]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.getAttribute("data-filter-placeholder") || "Cari kode atau nama…";
    box.setAttribute("aria-label", box.placeholder);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !needle || option.text.toLowerCase().indexOf(needle) !== -1;
        option.hidden = !(match || option.selected);
      });
    });
  });
});
// A "select all" box: <input type="checkbox" data-check-all="NAME"> ticks every enabled
// checkbox named NAME in the same form.
document.addEventListener("change", function (event) {
  var box = event.target;
  var name = box && box.getAttribute && box.getAttribute("data-check-all");
  if (!name || !box.form) {
    return;
  }
  box.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (other) {
    if (!other.disabled) {
      other.checked = box.checked;
    }
  });
});
