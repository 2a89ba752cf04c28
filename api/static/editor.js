// The query page's editor: YASGUI (vendored, api/static/vendor/yasgui) over the page's plain
// form, which stays the page for browsers without scripts (decision 0140). Everything it
// loads comes from this service: the PREFIX map and the ontology's terms (/api/editor/terms)
// replace YASGUI's prefix.cc and LOV look-ups, and the chart is drawn here, not by a
// charting service.
(function () {
  "use strict";
  var host = document.getElementById("yasgui");
  if (!host || !window.Yasgui) return;
  var Yasgui = window.Yasgui, Yasqe = Yasgui.Yasqe, Yasr = Yasgui.Yasr;
  var d = host.dataset;
  var form = document.getElementById("query-form");
  var textArea = document.getElementById("query-text");
  var NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|unsignedInt|unsignedLong)$/;
  var SVG = "http://www.w3.org/2000/svg";
  var named = d.named || "";       // a named query with parameters: run it through /api/queries
  var namedText = textArea ? textArea.value : "";
  var yasgui = null;

  // -- SELECT *: columns in the order the query names its variables ------------------------
  // (the engine lists them alphabetically; a reader expects ?s ?p ?o)
  function starOrder(query, vars) {
    var m = /SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*/i.exec(query);
    if (!m || !vars) return vars;
    var seen = [], re = /[?$]([A-Za-z0-9_\u00B7-\uFFFF]+)/g, v;
    while ((v = re.exec(query.slice(m.index))) !== null) {
      if (seen.indexOf(v[1]) < 0) seen.push(v[1]);
    }
    var rank = function (x) { var i = seen.indexOf(x); return i < 0 ? seen.length : i; };
    return vars.slice().sort(function (a, b) { return rank(a) - rank(b); });
  }

  function reorder(data, query) {
    try {
      if (data && data.body && data.body.head && data.body.head.vars) {
        data.body.head.vars = starOrder(query, data.body.head.vars);
      } else if (data && typeof data.data === "string" && data.data.charAt(0) === "{") {
        var json = JSON.parse(data.data);
        if (json.head && json.head.vars) {
          json.head.vars = starOrder(query, json.head.vars);
          data.data = JSON.stringify(json);
        }
      }
    } catch (e) { /* not SPARQL JSON: nothing to order */ }
    return data;
  }

  var setResponse = Yasr.prototype.setResponse;
  Yasr.prototype.setResponse = function (data, duration) {
    var tab = yasgui && yasgui.getTab();
    var query = tab && tab.getYasqe() ? tab.getYasqe().getValue() : "";
    return setResponse.call(this, reorder(data, query), duration);
  };

  // -- a chart of aggregates: one bar per row, a label column and a number column ----------
  function columns(yasr) {
    var r = yasr.results;
    if (!r || r.getType() !== "json" || !r.getVariables) return null;
    var vars = r.getVariables() || [], rows = r.getBindings() || [];
    if (!rows.length) return null;
    var num = vars.filter(function (v) {
      return rows.every(function (b) { return !b[v] || (b[v].datatype && NUMERIC.test(b[v].datatype)); }) &&
        rows.some(function (b) { return b[v]; });
    })[0];
    if (!num) return null;
    var label = vars.filter(function (v) { return v !== num; })[0] || num;
    return { num: num, label: label, rows: rows };
  }

  function shortName(yasr, value) {
    var prefixes = yasr.getPrefixes() || {};
    for (var p in prefixes) {
      if (value.indexOf(prefixes[p]) === 0) return p + ":" + value.slice(prefixes[p].length);
    }
    return value;
  }

  function el(name, attrs, text) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function Chart(yasr) { this.yasr = yasr; this.priority = 5; this.label = d.labelChart || "Chart"; }
  Chart.prototype.canHandleResults = function () { return !!columns(this.yasr); };
  Chart.prototype.getIcon = function () {
    var svg = el("svg", { viewBox: "0 0 24 24", width: "15", height: "15", "aria-hidden": "true" });
    svg.appendChild(el("path", { d: "M3 20h18M6 17V9M11 17V4M16 17v-6", stroke: "currentColor", "stroke-width": "3", fill: "none" }));
    return svg;
  };
  Chart.prototype.draw = function () {
    var c = columns(this.yasr), yasr = this.yasr;
    var rows = c.rows.slice(0, 60), bar = 20, left = 260, width = 760;
    var max = Math.max.apply(null, rows.map(function (b) { return b[c.num] ? +b[c.num].value : 0; })) || 1;
    var svg = el("svg", { class: "itukg-chart", role: "img", width: width, height: rows.length * bar + 30,
                          viewBox: "0 0 " + width + " " + (rows.length * bar + 30) });
    svg.appendChild(el("title", {}, "?" + c.num + " / ?" + c.label));
    rows.forEach(function (b, i) {
      var v = b[c.num] ? +b[c.num].value : 0, y = i * bar + 4;
      var name = b[c.label] ? (b[c.label].type === "uri" ? shortName(yasr, b[c.label].value) : b[c.label].value) : "";
      var g = el("g", { class: "bar" });
      g.appendChild(el("text", { x: left - 6, y: y + 13, "text-anchor": "end" }, name.length > 38 ? name.slice(0, 37) + "…" : name));
      var rect = el("rect", { x: left, y: y, height: bar - 6, width: Math.max(1, (width - left - 60) * v / max) });
      rect.appendChild(el("title", {}, name + ": " + v));
      g.appendChild(rect);
      g.appendChild(el("text", { x: left + (width - left - 60) * v / max + 4, y: y + 13 }, String(v)));
      svg.appendChild(g);
    });
    svg.appendChild(el("text", { x: left, y: rows.length * bar + 24, class: "axis" }, "?" + c.num + (c.rows.length > rows.length ? " (" + rows.length + " / " + c.rows.length + ")" : "")));
    this.svg = svg;
    var wrap = document.createElement("div");
    wrap.className = "itukg-chart-wrap";
    wrap.appendChild(svg);
    yasr.resultsEl.appendChild(wrap);
  };
  Chart.prototype.download = function () {
    var svg = this.svg;
    return svg ? { contentType: "image/svg+xml", filename: "chart.svg", title: "SVG",
                   getData: function () { return new XMLSerializer().serializeToString(svg); } } : undefined;
  };
  Yasr.registerPlugin("chart", Chart);

  // -- completion from the service: the PREFIX map and the ontology -----------------------
  function completers(vocab) {
    var lines = Object.keys(vocab.prefixes).sort().map(function (p) { return p + ": <" + vocab.prefixes[p] + ">"; });
    Yasqe.registerAutocompleter(Object.assign({}, Yasqe.Autocompleters.prefixes, { get: lines }));
    ["property", "class"].forEach(function (kind) {
      var terms = vocab.terms.filter(function (t) { return t.kind === kind; });
      Yasqe.registerAutocompleter(Object.assign({}, Yasqe.Autocompleters[kind], {
        autoShow: true,  // local, cheap: no need to wait for Ctrl+Space as with LOV
        get: function (yasqe, token) {
          var s = (token && token.autocompletionString) || "";
          return terms.filter(function (t) { return t.iri.indexOf(s) === 0 || t.name.indexOf(s) === 0; })
                      .map(function (t) { return t.iri; });
        },
      }));
    });
  }

  // -- downloads in every format the endpoint gives ---------------------------------------
  var FORMATS = { select: [["CSV", "csv"], ["TSV", "tsv"], ["JSON", "json"], ["XML", "xml"]],
                  graph: [["Turtle", "turtle"], ["N-Triples", "ntriples"], ["JSON-LD", "jsonld"], ["RDF/XML", "rdfxml"]] };

  function namedParams() {
    var params = new URLSearchParams();
    if (!form) return params;
    form.querySelectorAll(".params input").forEach(function (i) { if (i.value) params.append(i.name, i.value); });
    return params;
  }

  function downloads(yasqe) {
    var box = document.getElementById("download-links");
    if (!box) return;
    var text = yasqe.getValue(), type = (yasqe.getQueryType() || "SELECT").toUpperCase();
    var kind = type === "CONSTRUCT" || type === "DESCRIBE" ? "graph" : "select";
    box.textContent = "";
    FORMATS[kind].forEach(function (f) {
      var params = named && text === namedText ? namedParams() : new URLSearchParams({ query: text });
      params.set("format", f[1]);
      var a = document.createElement("a");
      a.href = (named && text === namedText ? "/api/queries/" + encodeURIComponent(named) : d.endpoint) + "?" + params;
      a.textContent = f[0];
      a.className = "button secondary small";
      a.setAttribute("download", "");
      a.dataset.format = f[1];
      box.appendChild(a);
      box.appendChild(document.createTextNode(" "));
    });
    document.getElementById("downloads").hidden = false;
    // the permalink follows the text: the named query and its values while it is unchanged
    var link = document.getElementById("permalink");
    if (link) {
      var p = named && text === namedText ? namedParams() : new URLSearchParams({ query: text });
      if (named && text === namedText) p.set("name", named);
      link.href = "/query?" + p;
    }
  }

  // -- a named query with parameters runs through /api/queries: values bound by the engine --
  function runNamed(tab) {
    var params = namedParams(), t0 = Date.now();
    params.set("format", "json");
    var yasr = tab.getYasr();
    return fetch("/api/queries/" + encodeURIComponent(named) + "?" + params, { headers: { accept: "application/sparql-results+json" } })
      .then(function (r) {
        return r.text().then(function (body) {
          var ms = Date.now() - t0;
          if (r.ok) {
            yasr.setResponse({ data: body, contentType: r.headers.get("content-type"), status: r.status, executionTime: ms }, ms);
          } else {
            var detail = body;
            try { detail = JSON.parse(body).detail || body; } catch (e) { /* not problem+json */ }
            yasr.setResponse({ error: { text: detail, status: r.status, statusText: r.statusText } }, ms);
          }
        });
      });
  }

  function start(vocab) {
    completers(vocab);
    Yasqe.defaults.autocompleters = ["prefixes", "variables", "property", "class"];
    var endpoint = location.origin + d.endpoint;
    host.hidden = false;  // before YASGUI draws: CodeMirror measures its box
    document.body.classList.add("has-editor");
    yasgui = new Yasgui(host, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      populateFromUrl: false,  // the page reads the URL: ?query=, ?name= and its parameters
      persistenceId: "itukg-editor",
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
      yasqe: { resizeable: true, editorHeight: "320px" },
      yasr: { prefixes: vocab.prefixes, pluginOrder: ["table", "chart", "response"], defaultPlugin: "table" },
    });
    var tab = yasgui.getTab();
    if (textArea && textArea.value.trim()) tab.setQuery(textArea.value);
    tab.setEndpoint(endpoint);
    var yasqe = tab.getYasqe();
    if (named) {
      var query = yasqe.query.bind(yasqe);
      yasqe.query = function (cfg) { return yasqe.getValue() === namedText ? runNamed(tab) : query(cfg); };
    }
    var refresh = function () { downloads(yasgui.getTab().getYasqe()); };
    yasgui.on("tabChange", refresh);
    yasgui.on("tabSelect", function () { setTimeout(refresh, 0); });
    yasqe.on("change", refresh);
    refresh();
    // the plain form gave way to the editor; its parameters stay, bound on each run
    if (form) {
      form.addEventListener("submit", function (ev) { ev.preventDefault(); yasqe.query().catch(function () {}); });
      form.querySelectorAll(".params input").forEach(function (i) { i.addEventListener("change", refresh); });
    }
    var server = document.getElementById("results"), problem = document.getElementById("query-error");
    if (server || problem) {
      // the server already ran it (the page works without scripts): run it here, in the editor's
      // result view (sortable, filterable, chart), and drop the plain table
      if (server) server.remove();
      if (problem) problem.remove();
      yasqe.query().catch(function () {});
    }
    window.itukgEditor = yasgui;  // for the browser tests and the curious
  }

  fetch(d.terms, { headers: { accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(start, function (e) { console.warn("editor terms", e); });
})();
