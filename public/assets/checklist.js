// The checklist remembers its ticks in this browser (localStorage), shows progress and can be
// cleared. Without JavaScript the boxes still show and can be ticked, but are not remembered.
(function () {
  "use strict";
  var form = document.querySelector("[data-checklist]");
  if (!form) { return; }
  var key = form.getAttribute("data-checklist");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"));
  var panel = document.querySelector("[data-progress]");
  var text = document.querySelector("[data-progress-text]");
  var bar = panel && panel.querySelector("progress");
  var reset = document.querySelector("[data-reset]");
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }

  function saved() {
    if (!store) { return []; }
    try {
      var list = JSON.parse(store.getItem(key) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) { return []; }
  }

  function save() {
    if (!store) { return; }
    var done = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    try {
      if (done.length) { store.setItem(key, JSON.stringify(done)); } else { store.removeItem(key); }
    } catch (e) { /* storage full or blocked: ticks last until the page closes */ }
  }

  // The words come from the page, in its language, one per plural form ("1 of 9 done", "2 of
  // 9 done"), with the language whose rule picks the form: the browser's own plural rules,
  // which the build's agree with.
  var forms = {};
  try { forms = JSON.parse(text.getAttribute("data-forms") || "{}"); } catch (e) { forms = {}; }
  var rule = null;
  try { rule = new Intl.PluralRules(forms.rule || "en"); } catch (e) { rule = null; }

  function update() {
    var done = boxes.filter(function (b) { return b.checked; }).length;
    var form = rule ? rule.select(done) : (done === 1 ? "one" : "other");
    text.textContent = (forms[form] || forms.other || "{n} / {total}")
      .replace("{n}", done).replace("{total}", boxes.length);
    bar.max = boxes.length;
    bar.value = done;
  }

  var ticked = saved();
  boxes.forEach(function (b) { b.checked = ticked.indexOf(b.value) !== -1; });
  form.addEventListener("change", function () { save(); update(); });
  reset.addEventListener("click", function () {
    boxes.forEach(function (b) { b.checked = false; });
    save();
    update();
  });
  panel.hidden = false;
  update();
})();
