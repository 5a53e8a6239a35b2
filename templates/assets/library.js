// The index page's search and topic filter. Without JavaScript every guide is listed; this only
// hides what does not match. The guides' text comes from search-index.js, a script rather than a
// JSON file, so it also works when the site is opened from disk.
(function () {
  "use strict";
  var form = document.querySelector("[data-library]");
  var data = window.HANDOUT_SEARCH;
  if (!form || !data) { return; }
  var input = document.getElementById("library-search");
  var results = document.querySelector("[data-results]");
  var list = results.querySelector("ul");
  var cards = Array.prototype.slice.call(document.querySelectorAll("[data-guide]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".species-group"));
  var chips = Array.prototype.slice.call(document.querySelectorAll("[data-topic].chip"));
  var topic = "";

  function words(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").split(/[^a-z0-9]+/).filter(Boolean);
  }
  function matches(text, terms) {
    var have = " " + words(text).join(" ") + " ";
    return terms.every(function (t) { return have.indexOf(" " + t) !== -1; });
  }

  function update() {
    var terms = words(input.value);
    var hits = {};
    list.textContent = "";
    data.forEach(function (guide) {
      var guideText = guide.title + " " + guide.summary;
      var stepHits = terms.length ? guide.steps.filter(function (s) { return matches(s.title + " " + s.text, terms); }) : [];
      hits[guide.url] = !terms.length || matches(guideText, terms) || stepHits.length > 0;
      stepHits.slice(0, 5).forEach(function (s) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = s.url;
        a.textContent = s.title;
        li.appendChild(a);
        li.appendChild(document.createTextNode(" (" + guide.title + ")"));
        list.appendChild(li);
      });
    });
    cards.forEach(function (card) {
      var topicOk = !topic || card.getAttribute("data-topic") === topic;
      card.hidden = !(topicOk && hits[card.getAttribute("data-guide")]);
    });
    groups.forEach(function (g) {
      g.hidden = !g.querySelector("[data-guide]:not([hidden])");
    });
    results.hidden = list.children.length === 0;
  }

  chips.forEach(function (chip) {
    chip.addEventListener("click", function () {
      topic = chip.getAttribute("data-topic");
      chips.forEach(function (c) { c.setAttribute("aria-pressed", String(c === chip)); });
      update();
    });
  });
  input.addEventListener("input", update);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
})();
