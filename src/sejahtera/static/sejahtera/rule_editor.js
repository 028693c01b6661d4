// The eligibility-rule editor (programs/rule_edit.html): the rule as a tree of groups (DAN,
// ATAU, TIDAK) and criteria, kept in sync with the JSON field the form submits, and a live
// count asked from the server as the rule changes. Plain ES2017, no eval, no inline code:
// the page's Content Security Policy forbids both. The server gives the criterion types,
// their inputs and choices, and the interface text (json_script elements), so every word
// shown here comes through Django's translations.
(function () {
  "use strict";

  var DEBOUNCE_MS = 600;
  var GROUPS = ["all", "any", "not"];

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) {
        return;
      }
      if (key === "text") {
        node.textContent = value;
      } else if (key === "className") {
        node.className = value;
      } else if (value === true) {
        node.setAttribute(key, "");
      } else {
        node.setAttribute(key, String(value));
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(child);
      }
    });
    return node;
  }

  // The first child element of `parent` with the class (older browsers lack the scope selector).
  function own(parent, className) {
    for (var i = 0; i < parent.children.length; i += 1) {
      if (parent.children[i].classList.contains(className)) {
        return parent.children[i];
      }
    }
    return null;
  }

  var uid = 0;
  function nextId() {
    uid += 1;
    return "re-" + uid;
  }

  // ---- the model: {kind: all|any|not, children} | {kind: leaf, data} | {kind: raw, data}
  function fromJson(value) {
    if (isObject(value)) {
      var keys = Object.keys(value);
      if (keys.length === 1 && (keys[0] === "all" || keys[0] === "any") && Array.isArray(value[keys[0]])) {
        return { kind: keys[0], children: value[keys[0]].map(fromJson) };
      }
      if (keys.length === 1 && keys[0] === "not") {
        var inner = value.not;
        var empty = !isObject(inner) || Object.keys(inner).length === 0;
        return { kind: "not", children: empty ? [] : [fromJson(inner)] };
      }
      if (typeof value.type === "string") {
        return { kind: "leaf", data: JSON.parse(JSON.stringify(value)) };
      }
    }
    return { kind: "raw", data: value };
  }

  function toJson(node) {
    if (node.kind === "all" || node.kind === "any") {
      var out = {};
      out[node.kind] = node.children.map(toJson);
      return out;
    }
    if (node.kind === "not") {
      return { not: node.children.length ? toJson(node.children[0]) : {} };
    }
    return node.data;
  }

  function asRoot(value) {
    var node = fromJson(value);
    return GROUPS.indexOf(node.kind) === -1 ? { kind: "all", children: [node] } : node;
  }

  function Editor(form) {
    this.form = form;
    this.url = form.getAttribute("data-preview-url");
    this.types = readJson("rule-types") || [];
    this.text = readJson("rule-text") || {};
    this.written = readJson("rule-written") || { criteria: [] };
    this.byType = {};
    var self = this;
    this.types.forEach(function (t) {
      self.byType[t.type] = t;
    });
    this.textarea = form.querySelector("#id_rule");
    this.year = form.querySelector("#id_valid_from_year");
    this.container = document.getElementById("rule-editor");
    this.tree = document.getElementById("rule-tree");
    this.words = document.getElementById("rule-words");
    this.live = document.getElementById("rule-live");
    this.details = document.getElementById("rule-json");
    this.timer = null;
    this.sequence = 0;
    this.controller = null;
    this.root = null;
  }

  Editor.prototype.start = function () {
    var self = this;
    this.container.hidden = false;
    this.live.hidden = false;
    var fieldHasErrors = this.textarea.classList.contains("is-invalid");
    var readable = this.readTextarea();
    if (readable && !fieldHasErrors) {
      this.details.open = false;
    }
    this.render();
    if (readable) {
      this.preview(0);
    }
    this.textarea.addEventListener("input", function () {
      clearTimeout(self.textTimer);
      self.textTimer = setTimeout(function () {
        if (self.readTextarea()) {
          self.render();
          self.preview(0);
        } else {
          self.render();
        }
      }, DEBOUNCE_MS);
    });
    if (this.year) {
      this.year.addEventListener("input", function () {
        self.preview(DEBOUNCE_MS);
      });
    }
    // Enter in one of the editor's inputs must not submit the form.
    this.container.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.tagName === "INPUT") {
        event.preventDefault();
      }
    });
  };

  // The JSON field → the tree. False when the text is not JSON.
  Editor.prototype.readTextarea = function () {
    try {
      this.root = asRoot(JSON.parse(this.textarea.value));
      this.unreadable = false;
      return true;
    } catch (e) {
      this.unreadable = true;
      return false;
    }
  };

  // The tree → the JSON field, then a new count.
  Editor.prototype.changed = function (structural) {
    this.textarea.value = JSON.stringify(toJson(this.root), null, 2);
    this.textarea.classList.remove("is-invalid");
    if (structural) {
      this.render();
    }
    this.preview(DEBOUNCE_MS);
  };

  // ---- rendering
  Editor.prototype.render = function () {
    this.tree.textContent = "";
    if (this.unreadable) {
      this.words.textContent = "";
      this.tree.appendChild(el("li", { className: "alert alert-warning small mb-0", text: this.text.bad_json }));
      this.showLive(el("span", { text: this.text.bad_json }), "warning");
      this.details.open = true;
      return;
    }
    this.tree.appendChild(this.renderNode(this.root, null, []));
  };

  // Up, down and remove for a part of a group (none for the root), as one compact group.
  Editor.prototype.moveButtons = function (node, parent, name) {
    var self = this;
    if (!parent) {
      return null;
    }
    var index = parent.children.indexOf(node);
    function button(label, symbol, disabled, action) {
      var b = el("button", {
        type: "button",
        className: "btn btn-sm btn-outline-secondary rule-btn",
        title: label,
        "aria-label": label + ": " + name,
        disabled: disabled,
        text: symbol,
      });
      b.addEventListener("click", action);
      return b;
    }
    return el("div", { className: "btn-group flex-shrink-0", role: "group" }, [
      button(this.text.up, "↑", index === 0, function () {
        parent.children.splice(index, 1);
        parent.children.splice(index - 1, 0, node);
        self.changed(true);
      }),
      button(this.text.down, "↓", index === parent.children.length - 1, function () {
        parent.children.splice(index, 1);
        parent.children.splice(index + 1, 0, node);
        self.changed(true);
      }),
      button(this.text.remove, "✕", false, function () {
        if (node.children && node.children.length && !window.confirm(self.text.remove_group)) {
          return;
        }
        parent.children.splice(index, 1);
        self.changed(true);
      }),
    ]);
  };

  Editor.prototype.renderNode = function (node, parent, path) {
    if (GROUPS.indexOf(node.kind) !== -1) {
      return this.renderGroup(node, parent, path);
    }
    return this.renderLeaf(node, parent, path);
  };

  Editor.prototype.renderGroup = function (node, parent, path) {
    var self = this;
    var item = el("li", { className: "rule-node rule-group rule-" + node.kind, "data-path": path.join(".") });
    var kind = el("select", { className: "form-select form-select-sm w-auto fw-semibold", "aria-label": this.text.group_kind });
    GROUPS.forEach(function (k) {
      kind.appendChild(
        el("option", {
          value: k,
          text: self.text[k],
          selected: k === node.kind,
          disabled: k === "not" && node.children.length > 1,
        })
      );
    });
    kind.addEventListener("change", function () {
      node.kind = kind.value;
      self.changed(true);
    });
    var head = el("div", { className: "rule-head d-flex gap-1 align-items-start" }, [
      el("div", { className: "flex-grow-1" }, [kind]),
      this.moveButtons(node, parent, this.text[node.kind]),
    ]);
    item.appendChild(head);
    item.appendChild(el("div", { className: "rule-error invalid-feedback" }));
    var list = el("ol", { className: "list-unstyled rule-children mb-0" });
    node.children.forEach(function (child, i) {
      list.appendChild(self.renderNode(child, node, path.concat([i])));
    });
    item.appendChild(list);
    if (node.kind === "not" && node.children.length >= 1) {
      item.appendChild(el("p", { className: "form-text mb-0 d-none d-sm-block", text: this.text.not_one }));
    } else {
      item.appendChild(this.addControls(node));
    }
    return item;
  };

  Editor.prototype.addControls = function (group) {
    var self = this;
    var typeId = nextId();
    var types = el("select", { id: typeId, className: "form-select form-select-sm rule-add-type", "aria-label": this.text.add_criterion });
    types.appendChild(el("option", { value: "", text: this.text.choose_type }));
    this.types.forEach(function (t) {
      types.appendChild(el("option", { value: t.type, text: t.label }));
    });
    var addLeaf = el("button", { type: "button", className: "btn btn-sm btn-success rule-add-criterion", text: this.text.add_criterion });
    addLeaf.addEventListener("click", function () {
      if (!types.value) {
        types.focus();
        return;
      }
      group.children.push({ kind: "leaf", data: { type: types.value } });
      self.changed(true);
      self.focusLast(group);
    });
    var kinds = el("select", { className: "form-select form-select-sm w-auto", "aria-label": this.text.add_group });
    GROUPS.forEach(function (k) {
      kinds.appendChild(el("option", { value: k, text: self.text[k] }));
    });
    var addGroup = el("button", { type: "button", className: "btn btn-sm btn-outline-success", text: this.text.add_group });
    addGroup.addEventListener("click", function () {
      group.children.push({ kind: kinds.value, children: [] });
      self.changed(true);
      self.focusLast(group);
    });
    return el("div", { className: "rule-add d-flex flex-wrap gap-1 mt-2" }, [
      el("div", { className: "input-group input-group-sm rule-add-leaf" }, [types, addLeaf]),
      el("div", { className: "input-group input-group-sm w-auto" }, [kinds, addGroup]),
    ]);
  };

  // After adding, put the focus in the new part (its first input), for keyboard users.
  Editor.prototype.focusLast = function (group) {
    var path = this.pathOf(group);
    if (path === null) {
      return;
    }
    var key = path.concat([group.children.length - 1]).join(".");
    var item = this.tree.querySelector('[data-path="' + key + '"]');
    var target = item && item.querySelector("input, select, textarea");
    if (target) {
      target.focus();
    }
  };

  Editor.prototype.pathOf = function (wanted) {
    function walk(node, path) {
      if (node === wanted) {
        return path;
      }
      var children = node.children || [];
      for (var i = 0; i < children.length; i += 1) {
        var found = walk(children[i], path.concat([i]));
        if (found) {
          return found;
        }
      }
      return null;
    }
    return walk(this.root, []);
  };

  Editor.prototype.renderLeaf = function (node, parent, path) {
    var item = el("li", { className: "rule-node rule-leaf", "data-path": path.join(".") });
    var spec = node.kind === "leaf" ? this.byType[node.data.type] : null;
    var title = spec ? spec.label : node.kind === "leaf" ? node.data.type : this.text.unknown_part;
    var name = el("div", { className: "flex-grow-1" }, [el("strong", { className: "rule-leaf-title me-1", text: title })]);
    if (node.kind === "leaf" && node.data.source) {
      // Which written criterion of Tabel 2.4.2 this one computes ("k2": the second).
      var source = String(node.data.source);
      var written = /^k(\d+)$/.exec(source);
      var hint = written ? this.written.criteria[Number(written[1]) - 1] : null;
      name.appendChild(el("span", { className: "badge text-bg-light border fw-normal", title: hint || null, text: this.text.source + ": " + source }));
    }
    item.appendChild(el("div", { className: "rule-head d-flex gap-1 align-items-start" }, [name, this.moveButtons(node, parent, title)]));
    if (spec && spec.params.length) {
      var row = el("div", { className: "row g-2 mt-0" });
      var self = this;
      spec.params.forEach(function (param) {
        row.appendChild(self.renderParam(node.data, param));
      });
      item.appendChild(row);
    } else if (!spec) {
      item.appendChild(el("pre", { className: "small mb-0 mt-1", text: JSON.stringify(toJson(node)) }));
    }
    item.appendChild(el("div", { className: "rule-leaf-words small text-success mt-1", text: node.words ? "→ " + node.words : "" }));
    item.appendChild(el("div", { className: "rule-error invalid-feedback" }));
    return item;
  };

  // ---- parameter inputs
  Editor.prototype.renderParam = function (data, param) {
    var id = nextId();
    var wide = ["text", "areas", "checkboxes", "list"].indexOf(param.widget) !== -1;
    var col = el("div", { className: wide ? "col-12" : "col-sm-6" });
    var labelText = param.label + (param.required ? " *" : "");
    var input;
    if (param.widget === "checkboxes") {
      col.appendChild(el("div", { className: "form-label small mb-1", text: labelText }));
      col.appendChild(this.checkboxes(data, param));
    } else if (param.widget === "areas") {
      col.appendChild(el("label", { className: "form-label small mb-1", for: id, text: labelText }));
      col.appendChild(this.areas(data, param, id));
    } else if (param.widget === "checkbox") {
      input = el("input", { id: id, type: "checkbox", className: "form-check-input", checked: data[param.name] === true });
      this.bind(input, data, param, function () {
        return input.checked ? true : undefined;
      });
      col.appendChild(el("div", { className: "form-check" }, [input, el("label", { className: "form-check-label small", for: id, text: param.label })]));
    } else {
      col.appendChild(el("label", { className: "form-label small mb-1", for: id, text: labelText }));
      input = param.widget === "select" ? this.select(data, param, id) : this.input(data, param, id);
      col.appendChild(input);
    }
    if (param.help) {
      col.appendChild(el("div", { className: "form-text mt-0", text: param.help }));
    }
    return col;
  };

  // Keep data[param.name] equal to read() (undefined removes it) as the input changes.
  Editor.prototype.bind = function (input, data, param, read) {
    var self = this;
    function update() {
      var value = read();
      if (value === undefined) {
        delete data[param.name];
      } else {
        data[param.name] = value;
      }
      self.changed(false);
    }
    input.addEventListener(input.tagName === "SELECT" || input.type === "checkbox" ? "change" : "input", update);
  };

  Editor.prototype.input = function (data, param, id) {
    var current = data[param.name];
    var attrs = { id: id, className: "form-control form-control-sm" };
    if (param.widget === "number") {
      Object.assign(attrs, { type: "number", inputmode: "numeric", step: 1, min: param.min, max: param.max });
    } else if (param.widget === "date") {
      attrs.type = "date";
    } else {
      attrs.type = "text";
    }
    var input = el(param.widget === "text" ? "textarea" : "input", attrs);
    if (param.widget === "text") {
      input.removeAttribute("type");
      input.rows = 2;
    }
    if (param.widget === "list") {
      input.value = Array.isArray(current) ? current.join(", ") : current === undefined ? "" : String(current);
      input.setAttribute("aria-describedby", id + "-hint");
    } else {
      input.value = current === undefined || current === null ? "" : String(current);
    }
    this.bind(input, data, param, function () {
      var text = input.value.trim();
      if (text === "") {
        return undefined;
      }
      if (param.widget === "list") {
        return text.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
      }
      if (param.kind === "int") {
        // Not a whole number: sent as written, so the server says what is wrong with it.
        return /^-?\d+$/.test(text) ? parseInt(text, 10) : text;
      }
      return text;
    });
    if (param.widget === "list") {
      return el("div", {}, [input, el("div", { id: id + "-hint", className: "form-text mt-0", text: this.text.list_hint })]);
    }
    return input;
  };

  Editor.prototype.select = function (data, param, id) {
    var self = this;
    var current = data[param.name];
    var select = el("select", { id: id, className: "form-select form-select-sm" });
    var known = false;
    select.appendChild(el("option", { value: "", text: param.blank || this.text.choose }));
    param.choices.forEach(function (choice) {
      var selected = current !== undefined && String(choice.value) === String(current);
      known = known || selected;
      select.appendChild(el("option", { value: String(choice.value), text: choice.label, selected: selected }));
    });
    if (current !== undefined && current !== null && current !== "" && !known) {
      select.appendChild(el("option", { value: String(current), text: self.text.unknown_choice + " " + current, selected: true }));
    }
    this.bind(select, data, param, function () {
      if (select.value === "") {
        return undefined;
      }
      return param.kind === "int" && /^-?\d+$/.test(select.value) ? parseInt(select.value, 10) : select.value;
    });
    return select;
  };

  Editor.prototype.checkboxes = function (data, param) {
    var self = this;
    var box = el("div", { className: "rule-checks" });
    var chosen = Array.isArray(data[param.name]) ? data[param.name].slice() : [];
    param.choices.forEach(function (choice) {
      var id = nextId();
      var input = el("input", { id: id, type: "checkbox", className: "form-check-input", value: choice.value, checked: chosen.indexOf(choice.value) !== -1 });
      input.addEventListener("change", function () {
        var values = [];
        Array.prototype.forEach.call(box.querySelectorAll("input[type=checkbox]"), function (other) {
          if (other.checked) {
            values.push(other.value);
          }
        });
        // Values the list does not know (typed in the JSON) are kept for the server to judge.
        chosen.forEach(function (v) {
          if (!param.choices.some(function (c) { return c.value === v; })) {
            values.push(v);
          }
        });
        if (values.length) {
          data[param.name] = values;
        } else {
          delete data[param.name];
        }
        self.changed(false);
      });
      box.appendChild(el("div", { className: "form-check form-check-inline small" }, [input, el("label", { className: "form-check-label", for: id, text: choice.label })]));
    });
    return box;
  };

  // Areas: the chosen ones as removable badges, and a searchable list to add one more.
  Editor.prototype.areas = function (data, param, id) {
    var self = this;
    var names = {};
    param.choices.forEach(function (c) {
      names[c.value] = c.label;
    });
    var chosen = el("div", { className: "d-flex flex-wrap gap-1 mb-1 rule-areas" });
    function codes() {
      return Array.isArray(data[param.name]) ? data[param.name] : [];
    }
    function drawChosen() {
      chosen.textContent = "";
      if (!codes().length) {
        chosen.appendChild(el("span", { className: "small text-muted", text: self.text.no_area }));
      }
      codes().forEach(function (code, i) {
        var label = (names[code] || self.text.unknown_choice) + " · " + code;
        var remove = el("button", { type: "button", className: "btn-close btn-close-white ms-1", "aria-label": self.text.remove + " " + label });
        remove.addEventListener("click", function () {
          var next = codes().slice();
          next.splice(i, 1);
          if (next.length) {
            data[param.name] = next;
          } else {
            delete data[param.name];
          }
          drawChosen();
          self.changed(false);
        });
        chosen.appendChild(el("span", { className: "badge text-bg-success d-inline-flex align-items-center fw-normal" }, [el("span", { text: label }), remove]));
      });
    }
    var search = el("input", { id: id, type: "search", className: "form-control form-control-sm", placeholder: this.text.search_area, autocomplete: "off" });
    var list = el("select", { className: "form-select form-select-sm", "aria-label": param.label });
    function fill() {
      var needle = search.value.trim().toLowerCase();
      list.textContent = "";
      param.choices.forEach(function (c) {
        if (!needle || c.label.toLowerCase().indexOf(needle) !== -1 || c.value.indexOf(needle) === 0) {
          list.appendChild(el("option", { value: c.value, text: c.label + " · " + c.value }));
        }
      });
    }
    search.addEventListener("input", fill);
    var add = el("button", { type: "button", className: "btn btn-sm btn-outline-success", text: this.text.add });
    add.addEventListener("click", function () {
      var code = list.value;
      if (!code || codes().indexOf(code) !== -1) {
        return;
      }
      data[param.name] = codes().concat([code]);
      drawChosen();
      self.changed(false);
    });
    fill();
    drawChosen();
    return el("div", {}, [
      chosen,
      el("div", { className: "row g-1" }, [
        el("div", { className: "col-sm-5" }, [search]),
        el("div", { className: "col-sm-7" }, [el("div", { className: "input-group input-group-sm" }, [list, add])]),
      ]),
    ]);
  };

  // ---- the live count
  Editor.prototype.preview = function (delay) {
    var self = this;
    // An answer about an earlier state of the rule is dropped once the rule has changed.
    this.sequence += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      self.ask();
    }, delay);
  };

  Editor.prototype.ask = function () {
    var self = this;
    if (this.unreadable) {
      return;
    }
    var mine = this.sequence;
    if (this.controller) {
      this.controller.abort();
    }
    this.controller = typeof AbortController === "function" ? new AbortController() : null;
    this.showLive(el("span", { text: this.text.counting }), "info");
    var token = this.form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var year = this.year ? parseInt(this.year.value, 10) : NaN;
    var body = { rule: toJson(this.root) };
    if (!isNaN(year)) {
      body.valid_from_year = year;
    }
    fetch(this.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body),
      signal: this.controller ? this.controller.signal : undefined,
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (answer) {
        if (mine === self.sequence) {
          self.show(answer);
        }
      })
      .catch(function (error) {
        if (mine === self.sequence && !(error && error.name === "AbortError")) {
          self.showLive(el("span", { text: self.text.failed }), "danger");
        }
      });
  };

  Editor.prototype.showLive = function (content, tone) {
    this.live.className = "rule-live alert alert-" + tone + " py-2 px-3 small mb-3";
    this.live.textContent = "";
    this.live.appendChild(content);
  };

  function formatNumber(n) {
    return Number(n).toLocaleString("id-ID");
  }

  Editor.prototype.show = function (answer) {
    var self = this;
    var parts = {};
    (answer.parts || []).forEach(function (part) {
      parts[part.path.join(".")] = part.words;
    });
    // The words stay with their part of the model, so moving it keeps them.
    (function remember(node, path) {
      node.words = parts[path.join(".")] || "";
      (node.children || []).forEach(function (child, i) {
        remember(child, path.concat([i]));
      });
    })(this.root, []);
    Array.prototype.forEach.call(this.tree.querySelectorAll(".rule-node"), function (item) {
      var words = own(item, "rule-leaf-words");
      if (words) {
        var said = parts[item.getAttribute("data-path")];
        words.textContent = said ? "→ " + said : "";
      }
      var error = own(item, "rule-error");
      error.textContent = "";
      error.classList.remove("d-block");
      item.classList.remove("rule-invalid");
    });
    if (answer.errors) {
      this.words.textContent = "";
      var unplaced = [];
      answer.errors.forEach(function (problem) {
        var item = problem.path ? self.tree.querySelector('[data-path="' + problem.path.join(".") + '"]') : null;
        var error = item ? own(item, "rule-error") : null;
        if (error) {
          error.appendChild(el("div", { text: problem.message }));
          error.classList.add("d-block");
          item.classList.add("rule-invalid");
        } else {
          unplaced.push(problem.message);
        }
      });
      var box = el("div", {}, [el("strong", { text: this.text.errors + " " })]);
      if (unplaced.length < answer.errors.length) {
        box.appendChild(document.createTextNode(this.text.see_marks));
      }
      if (unplaced.length) {
        box.appendChild(el("ul", { className: "mb-0 ps-3" }, unplaced.map(function (m) { return el("li", { text: m }); })));
      }
      this.showLive(box, "danger");
      return;
    }
    this.words.textContent = "";
    this.words.appendChild(el("strong", { text: this.text.in_words + " " }));
    this.words.appendChild(document.createTextNode(answer.words));
    var line = el("div", {}, [
      el("div", {}, [
        el("strong", { className: "rule-count", text: formatNumber(answer.count) }),
        document.createTextNode(" " + this.text.qualify + " "),
        el("span", {
          className: "rule-current",
          text: "(" + (answer.current === null ? this.text.none_in_force : this.text.in_force + ": " + formatNumber(answer.current)) + ")",
        }),
      ]),
      el("div", { className: "text-muted rule-as-of", text: this.text.in_area + ", " + this.text.as_of + " " + answer.as_of_display }),
    ]);
    this.showLive(line, "info");
  };

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("rule-form");
    if (form && window.fetch && document.getElementById("rule-types")) {
      new Editor(form).start();
    }
  });
})();
