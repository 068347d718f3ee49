"""The heat overlay's browser code: a small Leaflet layer that paints on one canvas.

Each point leaves a soft spot whose strength grows with its weight (a group's
count); where spots overlap they add up, and the summed strength is coloured
from blue (few) to red (many). The canvas covers the map's view and is redrawn
after each move or zoom, so the cost is per visible point, not per event.
Written for newsmap; nothing is fetched at run time.
"""

from __future__ import annotations

HEAT_RADIUS_PX = 18
"""Radius of one point's spot on screen."""

HEAT_JS = """
L.nm.Heat = L.Layer.extend({
  options: {radius: RADIUS, pane: "nm-heat"},
  initialize: function (points, options) {
    this._points = points || [];  // [lat, lon, weight]
    L.setOptions(this, options);
  },
  setPoints: function (points) {
    this._points = points;
    if (this._map) { this._draw(); }
    return this;
  },
  onAdd: function (map) {
    var pane = map.getPane(this.options.pane) || map.createPane(this.options.pane);
    pane.style.zIndex = 380;  // above the tiles, below reference places (385) and events
    pane.style.pointerEvents = "none";
    this._canvas = L.DomUtil.create("canvas", "nm-heat leaflet-zoom-hide", pane);
    map.on("moveend resize", this._draw, this);
    this._draw();
  },
  onRemove: function (map) {
    map.off("moveend resize", this._draw, this);
    L.DomUtil.remove(this._canvas);
    this._canvas = null;
  },
  _spot: function (r) {
    // A disc fading from opaque at its centre to transparent at radius r.
    var spot = document.createElement("canvas");
    spot.width = spot.height = 2 * r;
    var ctx = spot.getContext("2d");
    var fade = ctx.createRadialGradient(r, r, 0, r, r, r);
    fade.addColorStop(0, "rgba(0,0,0,1)");
    fade.addColorStop(1, "rgba(0,0,0,0)");
    ctx.fillStyle = fade;
    ctx.fillRect(0, 0, 2 * r, 2 * r);
    return spot;
  },
  _palette: function () {
    // 256 colours, index = summed strength: blue, cyan, green, yellow, red.
    var strip = document.createElement("canvas");
    strip.width = 256; strip.height = 1;
    var ctx = strip.getContext("2d");
    var ramp = ctx.createLinearGradient(0, 0, 256, 0);
    [[0, "#3050c8"], [0.3, "#20b0d0"], [0.5, "#40c040"], [0.75, "#f0d020"], [1, "#d02010"]]
      .forEach(function (s) { ramp.addColorStop(s[0], s[1]); });
    ctx.fillStyle = ramp;
    ctx.fillRect(0, 0, 256, 1);
    return ctx.getImageData(0, 0, 256, 1).data;
  },
  _draw: function () {
    var map = this._map, canvas = this._canvas;
    if (!map || !canvas) { return; }
    var size = map.getSize(), r = this.options.radius;
    L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
    canvas.width = size.x;
    canvas.height = size.y;
    var ctx = canvas.getContext("2d", {willReadFrequently: true});
    this._spotImage = this._spotImage || this._spot(r);
    this._colours = this._colours || this._palette();
    var visible = [], heaviest = 0;
    this._points.forEach(function (p) {
      var at = map.latLngToContainerPoint([p[0], p[1]]);
      if (at.x < -r || at.y < -r || at.x > size.x + r || at.y > size.y + r) { return; }
      visible.push([at.x, at.y, p[2]]);
      heaviest = Math.max(heaviest, p[2]);
    });
    // A lone event is clearly visible; the heaviest points reach full strength.
    var scale = Math.max(heaviest / 4, 4);
    var spot = this._spotImage;
    visible.forEach(function (v) {
      ctx.globalAlpha = Math.min(1, Math.max(0.05, Math.sqrt(v[2] / scale)));
      ctx.drawImage(spot, v[0] - r, v[1] - r);
    });
    canvas.setAttribute("data-points", String(visible.length));
    if (!visible.length || !size.x || !size.y) { return; }
    var image = ctx.getImageData(0, 0, size.x, size.y), px = image.data, colours = this._colours;
    for (var i = 3; i < px.length; i += 4) {
      var a = px[i];
      if (!a) { continue; }
      var j = a * 4;
      px[i - 3] = colours[j]; px[i - 2] = colours[j + 1]; px[i - 1] = colours[j + 2];
      px[i] = Math.min(220, 60 + a);
    }
    ctx.putImageData(image, 0, 0);
  }
});
""".replace("RADIUS", str(HEAT_RADIUS_PX))
"""Defines ``L.nm.Heat``; run once per page, after ``L.nm`` exists."""
