// The index page's search and topic filter. Without JavaScript every guide is listed; this only
// hides what does not match. The guides' text comes from search-index.js, a script rather than a
// JSON file, so it also works when the site is opened from disk.
(function () {
  "use strict";
  // The search's one rule for words, step by step the same as src/content/search.rs (which says
  // why): compatibility forms and accents taken apart, lower case, every mark dropped, final
  // sigma as sigma, Hangul put together again; a word is a run of letters and digits of any
  // script, and in scripts written without spaces each letter is a word. A test runs this and
  // the Rust rule on every character and compares. The index holds words already cut, so only
  // what is typed is cut here.
  var WORD = /(?:(?![\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF\u3000-\u30FF\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u{20000}-\u{3FFFF}])[\p{Alphabetic}\p{N}])+|[\p{Alphabetic}\p{N}]/gu;
  function words(text) {
    return text.normalize("NFKD").toLowerCase().replace(/\p{M}/gu, "").replace(/\u03C2/g, "\u03C3")
      .normalize("NFC").match(WORD) || [];
  }
  window.HANDOUT_SEARCH_WORDS = words;

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

  // Each guide's and step's words with a space before each, made once: a typed word matches
  // the start of a word (" " + typed).
  var guides = data.map(function (g) {
    return {
      title: g.title,
      url: g.url,
      words: " " + g.words,
      steps: g.steps.map(function (s) { return { title: s.title, url: s.url, words: " " + s.words }; })
    };
  });
  function matches(have, terms) {
    return terms.every(function (t) { return have.indexOf(" " + t) !== -1; });
  }

  function update() {
    var terms = words(input.value);
    var hits = {};
    list.textContent = "";
    guides.forEach(function (guide) {
      var stepHits = terms.length ? guide.steps.filter(function (s) { return matches(s.words, terms); }) : [];
      hits[guide.url] = !terms.length || matches(guide.words, terms) || stepHits.length > 0;
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
