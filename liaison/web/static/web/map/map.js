/* The map page: province boundaries (no tiles: the base map is the boundaries themselves),
   choropleth of cases, border gates, dual-function stations, project stations, hotspots and patrol routes. Data comes from
   the node's JSON endpoints named in #map-config; popups link to the records behind each
   feature. */
"use strict";
(function () {
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var L = window.L;
  var labels = config.labels;
  var status = document.getElementById("map-status");
  var map = L.map("map", { zoomSnap: 0.25, preferCanvas: false, attributionControl: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth");
  map.setView([17.5, 104.5], 6);
  window.liaisonMap = map;

  var COLOURS = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function link(text, href) { return el("a", text, { href: href }); }
  function popup(title, lines, links) {
    var box = el("div", "", { "class": "map-popup" });
    box.appendChild(el("strong", title));
    lines.forEach(function (line) { if (line) box.appendChild(el("div", line)); });
    (links || []).forEach(function (l) {
      if (!l.url) return;
      var row = el("div");
      row.appendChild(link(l.label, l.url));
      box.appendChild(row);
    });
    return box;
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }

  Promise.all([fetchJson(config.provincesUrl), fetchJson(config.layersUrl)]).then(function (all) {
    var provinces = all[0], layers = all[1];
    var max = layers.casesMax || 0;
    function colour(n) {
      if (!n || !max) return COLOURS[0];
      var step = Math.min(COLOURS.length - 1, 1 + Math.floor((n / max) * (COLOURS.length - 2)));
      return COLOURS[step];
    }
    function eraLayer(era) {
      return L.geoJSON(provinces, {
        filter: function (f) { return f.properties.era === "" || f.properties.era === era; },
        style: function (f) {
          var c = layers.cases[f.properties.code];
          return {
            color: f.properties.border ? "#0f2f4f" : "#7a8794",
            weight: f.properties.border ? 1.4 : 0.6,
            fillColor: colour(c ? c.n : 0),
            fillOpacity: 0.85
          };
        },
        onEachFeature: function (f, layer) {
          var c = layers.cases[f.properties.code];
          layer.options.className = "province province-" + f.properties.code;
          layer.bindPopup(function () {
            return popup(f.properties.name, [labels.cases + ": " + (c ? c.text : "0")], c ? [
              { label: labels.casesLink, url: c.casesUrl },
              { label: labels.hotspotsLink, url: c.hotspotsUrl }
            ] : []);
          });
          layer.bindTooltip(f.properties.name, { sticky: true });
        }
      });
    }
    var before = eraLayer("before"), after = eraLayer("after");
    var baseLayers = {};
    baseLayers[labels.before] = before;
    baseLayers[labels.after] = after;
    var shown = config.era === "before" ? before : after;
    shown.addTo(map);
    if (!provinces.features.length) status.textContent = labels.noBoundaries;

    function marker(lat, lon, style) { return L.circleMarker([lat, lon], style); }
    var gates = L.layerGroup(layers.gates.map(function (g) {
      return marker(g.lat, g.lon, { radius: 7, color: "#0f2f4f", fillColor: "#ffd166", fillOpacity: 1, weight: 2, className: "gate" })
        .bindTooltip(g.name)
        .bindPopup(function () {
          return popup(g.name, [g.provinces, g.approximate ? labels.approximate : ""],
            g.patrols.concat(g.channels));
        });
    }));
    var stations = L.layerGroup(layers.stations.map(function (s) {
      return marker(s.lat, s.lon, { radius: 6, color: "#3a0ca3", fillColor: "#b8c0ff", fillOpacity: 1, weight: 2, className: "station" })
        .bindPopup(function () {
          return popup(s.name, [s.location, s.statusText, s.approximate ? labels.approximate : ""], [{ label: labels.open, url: s.url }]);
        });
    }));
    var dualStations = L.layerGroup(layers.dualStations.map(function (s) {
      return L.marker([s.lat, s.lon], {
        // Drawn beside its gate (up and to the right) so that the gate stays visible.
        icon: L.divIcon({ className: "dual-station", html: "<span></span>", iconSize: [14, 14], iconAnchor: [-4, 18] })
      }).bindTooltip(s.name)
        .bindPopup(function () { return popup(s.name, [s.provinces, s.position], s.links); });
    }));
    function hotspotLayer(which) {
      return L.layerGroup(layers.hotspots.filter(function (h) { return h.status === which; }).map(function (h) {
        var active = which === "active";
        return marker(h.lat, h.lon, {
          radius: 5, weight: 1, fillOpacity: 0.9, className: "hotspot hotspot-" + which,
          color: active ? "#7f1d1d" : "#14532d", fillColor: active ? "#ef4444" : "#22c55e"
        }).bindPopup(function () {
          return popup(h.name, [h.ref + " · " + h.kindText, h.province, h.statusText + (h.eradicated ? " " + h.eradicated : ""),
            h.origin + " · TLP:" + h.tlp, h.approximate ? labels.approximate : ""], [{ label: labels.open, url: h.url }]);
        });
      }));
    }
    var patrols = L.layerGroup(layers.patrols.map(function (p) {
      var shape = p.route.length > 1
        ? L.polyline(p.route, { color: "#b45309", weight: 3, dashArray: "6 4", className: "patrol" })
        : marker(p.route[0][0], p.route[0][1], { radius: 11, color: "#b45309", fill: false, weight: 3, className: "patrol" });
      return shape.bindPopup(function () {
        return popup(p.title, [p.kindText + " · " + p.statusText, p.dates, p.gates.join(" → "), p.area,
          p.origin + " · TLP:" + p.tlp], [{ label: labels.open, url: p.url }]);
      });
    }));
    var overlays = {};
    overlays[labels.gates] = gates.addTo(map);
    overlays[labels.dualStations] = dualStations.addTo(map);
    overlays[labels.stations] = stations.addTo(map);
    overlays[labels.hotspotsActive] = hotspotLayer("active").addTo(map);
    overlays[labels.hotspotsEradicated] = hotspotLayer("eradicated").addTo(map);
    overlays[labels.patrols] = patrols.addTo(map);
    L.control.layers(baseLayers, overlays, { collapsed: false }).addTo(map);

    var legend = L.control({ position: "bottomleft" });
    legend.onAdd = function () {
      var box = el("div", "", { "class": "map-legend" });
      box.appendChild(el("strong", labels.legend));
      for (var i = 1; i < COLOURS.length; i++) {
        var low = Math.ceil(((i - 1) / (COLOURS.length - 2)) * max) || (i === 1 ? 1 : 0);
        var row = el("div");
        var swatch = el("span", "", { "class": "swatch" });
        swatch.style.background = COLOURS[i];
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(" ≥ " + low));
        box.appendChild(row);
      }
      return box;
    };
    if (max) legend.addTo(map);

    var border = L.geoJSON(provinces, { filter: function (f) { return f.properties.border; } });
    var bounds = border.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] });
    document.getElementById("map").setAttribute("data-ready", "1");
  }).catch(function (err) {
    status.textContent = String(err);
  });
})();
