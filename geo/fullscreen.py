"""The map's full-screen button: browser code and style.

It asks the browser for full screen on the map's container (the Fullscreen
API). Where that is refused (the dashboard's map sits in an iframe that may
not allow it, or the browser has no such API) the container is made to fill
the window with CSS instead, which Escape or the button undoes. Either way the
container says which it is in ``data-fullscreen`` ("api", "css" or empty).
"""

from __future__ import annotations

FULLSCREEN_JS = """
(function (map) {
  var box = map.getContainer();
  function set(on, how) {
    box.classList.toggle("nm-fullscreen", on);
    box.setAttribute("data-fullscreen", on ? how : "");
    button.title = on ? "Leave full screen" : "Full screen";
    button.setAttribute("aria-pressed", on ? "true" : "false");
    map.invalidateSize();
  }
  function toggle() {
    if (document.fullscreenElement === box) { document.exitFullscreen(); return; }
    if (box.classList.contains("nm-fullscreen")) { set(false, ""); return; }
    var refused = function () { set(true, "css"); };
    if (box.requestFullscreen && document.fullscreenEnabled) {
      try { box.requestFullscreen().then(null, refused); } catch (err) { refused(); }
    } else {
      refused();
    }
  }
  var button = null;
  var control = L.control({position: "topleft"});
  control.onAdd = function () {
    var bar = L.DomUtil.create("div", "leaflet-bar nm-fullscreen-control");
    button = L.DomUtil.create("a", "nm-fullscreen-button", bar);
    button.href = "#";
    button.setAttribute("role", "button");
    button.setAttribute("aria-label", "Full screen");
    button.title = "Full screen";
    // Four corner brackets, drawn: no icon font or image to load.
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", "M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4");
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "#333");
    path.setAttribute("stroke-width", "2");
    svg.appendChild(path);
    button.appendChild(svg);
    L.DomEvent.disableClickPropagation(bar);
    L.DomEvent.on(button, "click", function (ev) { L.DomEvent.preventDefault(ev); toggle(); });
    return bar;
  };
  control.addTo(map);
  document.addEventListener("fullscreenchange", function () {
    if (document.fullscreenElement === box) { set(true, "api"); }
    else if (box.getAttribute("data-fullscreen") === "api") { set(false, ""); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && box.getAttribute("data-fullscreen") === "css") { set(false, ""); }
  });
  map.nmFullscreen = toggle;
})
"""
"""A function of the Leaflet map: call it with the map to add the button."""

FULLSCREEN_CSS = """
.nm-fullscreen-button { display: flex !important; align-items: center;
                        justify-content: center; cursor: pointer; }
.leaflet-container.nm-fullscreen { width: 100% !important; height: 100% !important; }
.leaflet-container.nm-fullscreen[data-fullscreen="css"] {
  position: fixed !important; left: 0; top: 0; width: 100vw !important;
  height: 100vh !important; z-index: 10000; }
"""
