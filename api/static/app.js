// itukg pages: small progressive enhancements. Every page works without this script.
(function () {
  "use strict";

  // Query editor: Ctrl/Cmd+Enter runs the query; Tab inserts two spaces (Esc then Tab leaves).
  var ta = document.getElementById("query-text");
  if (ta) {
    var escaped = false;
    ta.addEventListener("keydown", function (ev) {
      if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter") {
        ev.preventDefault();
        ta.form.requestSubmit ? ta.form.requestSubmit() : ta.form.submit();
      } else if (ev.key === "Escape") {
        escaped = true;
      } else if (ev.key === "Tab" && !ev.shiftKey && !escaped) {
        ev.preventDefault();
        var s = ta.selectionStart, e = ta.selectionEnd;
        ta.value = ta.value.slice(0, s) + "  " + ta.value.slice(e);
        ta.selectionStart = ta.selectionEnd = s + 2;
      } else {
        escaped = false;
      }
    });
    // A changed text is a new query: the named query's parameters no longer apply to it
    // unless its variables are still projected; keep them, the server reports any mismatch.
  }

  // Trace diagram: hovering or focusing an edge shows its source line below the picture
  // (the same text as the edge's <title> tooltip) and marks its row in the edge table.
  var svg = document.querySelector("svg.trace");
  if (svg && document.getElementById("edge-info")) {
    var info = document.getElementById("edge-info");
    var show = function (el) {
      var t = el.querySelector("title");
      info.textContent = t ? t.textContent : "";
      svg.querySelectorAll(".edge.active").forEach(function (x) { x.classList.remove("active"); });
      el.classList.add("active");
      document.querySelectorAll("tr.edge-row.active").forEach(function (x) { x.classList.remove("active"); });
      var row = document.getElementById("row-" + el.id.replace("edge-", ""));
      if (row) row.classList.add("active");
    };
    svg.querySelectorAll(".edge").forEach(function (el) {
      el.addEventListener("mouseenter", function () { show(el); });
      el.addEventListener("focus", function () { show(el); });
    });
  }

  // Filters: submitting on change saves a click (the button stays for keyboard users).
  document.querySelectorAll("form.filters select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
})();
