// Injected by `handout serve` into every page it serves (never into public/). Reloads the page
// after a rebuild, and shows the latest problems over the last good page until they are fixed.
(function () {
  "use strict";
  var box = null;
  function show(text) {
    if (!box) {
      box = document.createElement("div");
      box.id = "handout-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;" +
        "z-index:2147483647;margin:0;padding:12px 16px;background:#2b0d0d;color:#fff;" +
        "font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;border-top:4px solid #e0453b;";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = "handout: the last edit has a problem. This page shows the last version that built.";
    var pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;margin:8px 0 0;";
    pre.textContent = text;
    box.appendChild(title);
    box.appendChild(pre);
  }
  var events = new EventSource("/__handout/events");
  events.addEventListener("problems", function (e) { show(e.data); });
  events.addEventListener("reload", function () { window.location.reload(); });
})();
