/* The link chart page: cytoscape.js draws what the node's JSON endpoint returns, one step
   at a time. Own records have a solid border, received ones a dashed border; the border
   colour is the record's TLP. */
"use strict";
(function () {
  var config = JSON.parse(document.getElementById("chart-config").textContent);
  var labels = config.labels;
  var status = document.getElementById("chart-status");
  var info = document.getElementById("node-info");
  var filters = document.getElementById("chart-filters");
  var TLP = { RED: "#ff2b2b", AMBER: "#ffc000", "AMBER+STRICT": "#ffc000", GREEN: "#33cc00", CLEAR: "#999999" };
  var FILL = { person: "#cfe2f3", "case": "#fde9c9", ring: "#f4cccc", notice: "#ead1dc", phone: "#e6e6e6", vehicle: "#e6e6e6", document: "#e6e6e6" };
  var SHAPE = { person: "ellipse", "case": "round-rectangle", ring: "hexagon", notice: "star", phone: "diamond", vehicle: "diamond", document: "diamond" };
  var expanded = {};

  var cy = window.cytoscape({
    container: document.getElementById("chart"),
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
        "label": "data(caption)", "text-wrap": "wrap", "text-max-width": 150, "font-size": 9,
        "text-valign": "bottom", "text-margin-y": 4, "width": 28, "height": 28,
        "font-family": "Noto Sans, Noto Sans Lao, DejaVu Sans, sans-serif",
        "background-color": function (n) { return FILL[n.data("kind")] || "#eee"; },
        "shape": function (n) { return SHAPE[n.data("kind")] || "ellipse"; },
        "border-width": 4,
        "border-color": function (n) { return TLP[n.data("tlp")] || "#777"; },
        "border-style": function (n) { return n.data("own") ? "solid" : "dashed"; }
      } },
      { selector: "node.expanded", style: { "font-weight": "bold" } },
      { selector: "node:selected", style: { "overlay-color": "#0b5394", "overlay-opacity": 0.2 } },
      { selector: "edge", style: { "width": 1.5, "line-color": "#9aa5b1", "curve-style": "bezier" } },
      { selector: ".hidden", style: { "display": "none" } }
    ],
    layout: { name: "grid" }
  });
  window.liaisonChart = cy;

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function query() {
    var params = new URLSearchParams(new FormData(filters));
    return params.toString();
  }
  function caption(n) {
    var parts = [n.label];
    var kind = config.kinds[n.kind] || n.kind;
    if (n.origin) parts.push(kind + " · " + n.origin + " · TLP:" + n.tlp);
    else parts.push(kind);
    return parts.join("\n");
  }
  function add(data) {
    var added = cy.collection();
    data.nodes.forEach(function (n) {
      if (cy.getElementById(n.id).length) return;
      var d = Object.assign({}, n, { caption: caption(n) });
      added = added.union(cy.add({ group: "nodes", data: d }));
    });
    data.edges.forEach(function (e) {
      if (cy.getElementById(e.id).length) return;
      cy.add({ group: "edges", data: { id: e.id, source: e.source, target: e.target } });
    });
    return added;
  }
  function layout() {
    cy.layout({ name: "cose", animate: false, nodeRepulsion: 400000, idealEdgeLength: 150, nodeOverlap: 40, padding: 40, randomize: false }).run();
    cy.fit(undefined, 30);
  }
  function applyFilters() {
    var params = new URLSearchParams(new FormData(filters));
    var kinds = params.getAll("kind");
    var from = params.get("date_from") || "", to = params.get("date_to") || "";
    cy.nodes().forEach(function (n) {
      var day = n.data("day") || "";
      var keep = kinds.indexOf(n.data("kind")) >= 0 && (!day || ((!from || day >= from) && (!to || day <= to)));
      if (n.data("root")) keep = true;
      n.toggleClass("hidden", !keep);
    });
  }
  function expand(id) {
    status.textContent = "…";
    return fetch(config.expandUrl + "?node=" + encodeURIComponent(id) + "&" + query(), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { status.textContent = res.body.error || labels.nothing; return; }
        var first = cy.nodes().length === 0;
        add(res.body);
        if (first) cy.getElementById(id).data("root", true);
        expanded[id] = true;
        cy.getElementById(id).addClass("expanded");
        applyFilters();
        layout();
        status.textContent = res.body.truncated ? labels.truncated : "";
        document.getElementById("chart").setAttribute("data-nodes", String(cy.nodes().length));
        show(cy.getElementById(id));
      })
      .catch(function (err) { status.textContent = String(err); });
  }
  function show(node) {
    if (!node || !node.length) return;
    var d = node.data();
    info.textContent = "";
    info.classList.remove("muted");
    info.appendChild(el("strong", d.label));
    info.appendChild(el("div", config.kinds[d.kind] || d.kind));
    if (d.origin) {
      info.appendChild(el("div", d.own ? labels.own : labels.received.replace("%(country)s", d.originName)));
      info.appendChild(el("div", "TLP:" + d.tlp));
    } else {
      info.appendChild(el("div", labels.identifier));
    }
    if (d.date) info.appendChild(el("div", d.date));
    var actions = el("p");
    if (d.url) actions.appendChild(el("a", labels.open, { href: d.url, "class": "btn" }));
    if (d.timeline) actions.appendChild(el("a", labels.timeline, { href: d.timeline, "class": "btn" }));
    if (!expanded[d.id]) {
      var button = el("button", labels.expand, { type: "button", "class": "btn btn-primary" });
      button.addEventListener("click", function () { expand(d.id); });
      actions.appendChild(button);
    }
    info.appendChild(actions);
  }

  cy.on("tap", "node", function (evt) { show(evt.target); });
  cy.on("dbltap", "node", function (evt) { if (!expanded[evt.target.id()]) expand(evt.target.id()); });
  filters.addEventListener("change", applyFilters);

  document.getElementById("export-png").addEventListener("click", function () {
    var data = cy.png({ full: true, scale: 2, bg: "#ffffff" });
    var a = el("a", "", { href: data, download: "link-chart.png" });
    document.body.appendChild(a);
    a.click();
    a.remove();
  });
  document.getElementById("clear-chart").addEventListener("click", function () {
    cy.elements().remove();
    expanded = {};
    info.textContent = "";
  });

  var results = document.getElementById("start-results");
  document.getElementById("start-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var params = new URLSearchParams(new FormData(event.target));
    fetch(config.startUrl + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        results.textContent = "";
        if (!body.results.length) { results.appendChild(el("li", labels.nothing)); return; }
        body.results.forEach(function (n) {
          var li = el("li");
          var button = el("button", n.label + (n.origin ? " · " + n.origin : ""), { type: "button", "class": "btn" });
          button.addEventListener("click", function () {
            cy.elements().remove();
            expanded = {};
            results.textContent = "";
            expand(n.id);
          });
          li.appendChild(button);
          results.appendChild(li);
        });
      });
  });

  if (config.start) expand(config.start);
})();
