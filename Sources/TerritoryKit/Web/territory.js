// The web map of a TerritoryKit analysis. It reads site.json (scales,
// indicators with the classes, colours and legend labels of the print maps,
// the scale report's figures) and draws the tiles beside it with MapLibre GL
// JS. Everything it loads is in this folder: it works offline.
//
// For tests and scripts: document.documentElement.dataset.state is "ready" once
// the first view is drawn, and window.territoryMap is the MapLibre map.
"use strict";

(async function () {
  const words = {
    fr: { scale: "Échelle", indicator: "Indicateur", present: "Présentation", leave: "Quitter",
          gini: "Gini", top10: "Part des 10 %", moran: "I de Moran", report: "Selon l'échelle",
          sources: "Sources" },
    en: { scale: "Scale", indicator: "Indicator", present: "Presentation", leave: "Leave",
          gini: "Gini", top10: "Top 10% share", moran: "Moran's I", report: "Across scales",
          sources: "Sources" },
    ar: { scale: "المقياس", indicator: "المؤشر", present: "وضع العرض", leave: "خروج",
          gini: "جيني", top10: "حصة أعلى 10٪", moran: "موران I", report: "حسب المقياس",
          sources: "المصادر" },
  };
  const root = document.documentElement;
  const site = await (await fetch("site.json")).json();
  const tileIndex = new Set(site.tileIndex);
  const state = { scale: site.scales[0].name, indicator: site.indicators[0].name,
                  lang: site.languages[0], view: null };
  readHash();

  // Tiles are asked for through a protocol of our own, so that a tile the
  // tilers left out (nothing there) is answered as empty instead of as a 404.
  const transparentPNG = Uint8Array.from(atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
    (c) => c.charCodeAt(0));
  const base = new URL(".", location.href).href;
  maplibregl.addProtocol("territory", async (params) => {
    const path = params.url.slice("territory://".length);
    if (!tileIndex.has(path)) {
      return { data: path.endsWith(".png") ? transparentPNG.buffer.slice(0) : new ArrayBuffer(0) };
    }
    const response = await fetch(base + path);
    return { data: await response.arrayBuffer() };
  });

  const indicator = () => site.indicators.find((i) => i.name === state.indicator);
  const scaleIndex = () => site.scales.findIndex((s) => s.name === state.scale);
  const label = (labels, fallback) => (labels && (labels[state.lang] || labels.en)) || fallback;

  function format(value, decimals) {
    if (value === null || value === undefined || Number.isNaN(value)) return "–";
    const separators = site.numbers[state.lang] || { group: ",", decimal: "." };
    const fixed = Math.abs(value).toFixed(decimals);
    const [whole, fraction] = fixed.split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, separators.group);
    const sign = value < 0 && /[1-9]/.test(fixed) ? "-" : "";
    return sign + grouped + (fraction ? separators.decimal + fraction : "");
  }

  // The class colour of a value: the first class whose upper bound it does not
  // exceed, as the print maps class it; grey where there is no value.
  function fillColour(item) {
    const value = ["get", item.name];
    const classes = ["case"];
    item.breaks.forEach((bound, index) => {
      if (index < item.breaks.length - 1) classes.push(["<=", value, bound], item.colours[index]);
    });
    classes.push(item.colours[item.colours.length - 1]);
    return ["case", ["==", ["typeof", value], "number"], classes, "#d9d9d9"];
  }

  const style = {
    version: 8,
    sources: {
      units: { type: "vector", tiles: ["territory://tiles/{z}/{x}/{y}.pbf"], bounds: site.bounds,
               minzoom: site.minZoom, maxzoom: site.maxZoom },
    },
    layers: [{ id: "background", type: "background", paint: { "background-color": "#f4f3ef" } }],
  };
  if (site.hillshade) {
    style.sources.relief = { type: "raster", tiles: ["territory://hillshade/{z}/{x}/{y}.png"],
                             tileSize: 256, bounds: site.bounds, minzoom: site.minZoom,
                             maxzoom: site.hillshade.maxZoom };
    style.layers.push({ id: "relief", type: "raster", source: "relief" });
  }
  for (const scale of site.scales) {
    const dense = scale.units >= 5000;
    style.layers.push({
      id: "fill-" + scale.name, type: "fill", source: "units", "source-layer": scale.name,
      layout: { visibility: "none" },
      paint: { "fill-color": fillColour(indicator()), "fill-opacity": site.hillshade ? 0.8 : 1,
               "fill-antialias": !dense },
    });
    style.layers.push({
      id: "line-" + scale.name, type: "line", source: "units", "source-layer": scale.name,
      layout: { visibility: "none" },
      paint: { "line-color": "#ffffff", "line-opacity": dense ? 0 : 0.7, "line-width": 0.4 },
    });
  }

  const view = state.view || { zoom: null, center: null };
  const map = new maplibregl.Map({
    container: "map", style, attributionControl: false,
    canvasContextAttributes: { preserveDrawingBuffer: true },
    ...(view.center ? { center: view.center, zoom: view.zoom }
                    : { bounds: [[site.bounds[0], site.bounds[1]], [site.bounds[2], site.bounds[3]]],
                        fitBoundsOptions: { padding: 24 } }),
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }));
  window.territoryMap = map;

  const hover = document.getElementById("hover");

  function readHash() {
    const fields = new URLSearchParams(location.hash.slice(1));
    if (site.scales.some((s) => s.name === fields.get("scale"))) state.scale = fields.get("scale");
    if (site.indicators.some((i) => i.name === fields.get("indicator"))) {
      state.indicator = fields.get("indicator");
    }
    if (site.languages.includes(fields.get("lang"))) state.lang = fields.get("lang");
    const z = (fields.get("z") || "").split("/").map(Number);
    if (z.length === 3 && z.every(Number.isFinite)) state.view = { zoom: z[0], center: [z[2], z[1]] };
  }

  function writeHash() {
    const c = map.getCenter();
    const hash = `#scale=${state.scale}&indicator=${state.indicator}&lang=${state.lang}` +
      `&z=${map.getZoom().toFixed(2)}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}`;
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }

  function showScale() {
    for (const scale of site.scales) {
      const visibility = scale.name === state.scale ? "visible" : "none";
      map.setLayoutProperty("fill-" + scale.name, "visibility", visibility);
      map.setLayoutProperty("line-" + scale.name, "visibility", visibility);
    }
    const select = document.getElementById("scale");
    select.value = state.scale;
  }

  function showIndicator() {
    for (const scale of site.scales) {
      map.setPaintProperty("fill-" + scale.name, "fill-color", fillColour(indicator()));
    }
    document.getElementById("indicator").value = state.indicator;
  }

  function drawWords() {
    const w = words[state.lang] || words.en;
    const rtl = state.lang === "ar";
    root.lang = state.lang;
    root.dir = rtl ? "rtl" : "ltr";
    document.title = label(site.title, "TerritoryKit");
    document.getElementById("title").textContent = label(site.title, "");
    document.getElementById("scale-label").textContent = w.scale;
    document.getElementById("indicator-label").textContent = w.indicator;
    document.getElementById("present").textContent =
      root.classList.contains("presenting") ? w.leave : w.present;
    const scales = document.getElementById("scale");
    scales.replaceChildren(...site.scales.map((s) => new Option(label(s.label, s.name), s.name)));
    scales.value = state.scale;
    const indicators = document.getElementById("indicator");
    indicators.replaceChildren(...site.indicators.map((i) => new Option(label(i.label, i.name), i.name)));
    indicators.value = state.indicator;
    const languages = document.getElementById("languages");
    languages.replaceChildren(...site.languages.map((code) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = { fr: "FR", en: "EN", ar: "عربي" }[code] || code;
      button.lang = code;
      button.setAttribute("aria-pressed", String(code === state.lang));
      button.addEventListener("click", () => { state.lang = code; refresh(); });
      return button;
    }));
    document.getElementById("sources").textContent = `${w.sources}: ${site.sources}`;
  }

  function drawLegend() {
    const item = indicator();
    const legend = document.getElementById("legend");
    const heading = document.createElement("h2");
    heading.textContent = label(item.label, item.name);
    const scale = document.createElement("p");
    scale.className = "scale-name";
    scale.textContent = label(site.scales[scaleIndex()].label, state.scale);
    const entries = item.colours.map((colour, index) => [colour, item.legend[state.lang][index]]);
    if (item.hasNoData) entries.unshift(["#d9d9d9", site.noData[state.lang]]);
    legend.replaceChildren(heading, scale, ...entries.reverse().map(([colour, text]) => {
      const entry = document.createElement("div");
      entry.className = "entry";
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = colour;
      const words = document.createElement("span");
      words.textContent = text;
      entry.append(swatch, words);
      return entry;
    }));
  }

  function drawReport() {
    const w = words[state.lang] || words.en;
    const item = indicator();
    const section = document.getElementById("report");
    const heading = document.createElement("h2");
    heading.textContent = w.report;
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const text of [w.scale, w.gini, w.top10, w.moran]) {
      const cell = document.createElement("th");
      cell.textContent = text;
      head.append(cell);
    }
    const body = table.createTBody();
    for (const scale of site.scales) {
      const figures = item.statistics[scale.name] || {};
      const row = body.insertRow();
      row.dataset.scale = scale.name;
      if (scale.name === state.scale) row.className = "current";
      row.insertCell().textContent = label(scale.label, scale.name);
      row.insertCell().textContent = format(figures.gini, 2);
      row.insertCell().textContent = format(figures.top10Share, 2);
      row.insertCell().textContent = format(figures.moransI, 2);
    }
    section.replaceChildren(heading, table);
  }

  function drawUnit(properties) {
    const section = document.getElementById("unit");
    const heading = document.createElement("h2");
    heading.textContent = label(site.scales[scaleIndex()].label, state.scale);
    const list = document.createElement("dl");
    for (const item of site.indicators) {
      const term = document.createElement("dt");
      term.textContent = label(item.label, item.name);
      const value = document.createElement("dd");
      value.textContent = format(properties[item.name], item.decimals);
      list.append(term, value);
    }
    section.replaceChildren(heading, list);
    section.hidden = false;
  }

  function refresh() {
    drawWords();
    drawLegend();
    drawReport();
    showScale();
    showIndicator();
    writeHash();
  }

  function step(by) {
    const next = Math.min(site.scales.length - 1, Math.max(0, scaleIndex() + by));
    state.scale = site.scales[next].name;
    document.getElementById("unit").hidden = true;
    refresh();
  }

  map.on("load", () => {
    refresh();
    document.getElementById("scale").addEventListener("change", (event) => {
      state.scale = event.target.value;
      refresh();
    });
    document.getElementById("indicator").addEventListener("change", (event) => {
      state.indicator = event.target.value;
      refresh();
    });
    document.getElementById("present").addEventListener("click", () => {
      const presenting = root.classList.toggle("presenting");
      if (presenting && root.requestFullscreen) root.requestFullscreen().catch(() => {});
      if (!presenting && document.fullscreenElement) document.exitFullscreen().catch(() => {});
      drawWords();
      map.resize();
    });
    document.addEventListener("keydown", (event) => {
      if (!root.classList.contains("presenting")) return;
      const forward = state.lang === "ar" ? "ArrowLeft" : "ArrowRight";
      const backward = state.lang === "ar" ? "ArrowRight" : "ArrowLeft";
      if (event.key === forward || event.key === "ArrowDown") step(1);
      if (event.key === backward || event.key === "ArrowUp") step(-1);
    });
    for (const scale of site.scales) {
      const layer = "fill-" + scale.name;
      map.on("mousemove", layer, (event) => {
        const item = indicator();
        const value = event.features[0].properties[item.name];
        hover.textContent = `${label(item.label, item.name)}: ${format(value, item.decimals)}`;
        hover.style.left = `${event.originalEvent.clientX + 12}px`;
        hover.style.top = `${event.originalEvent.clientY + 12}px`;
        hover.hidden = false;
      });
      map.on("mouseleave", layer, () => { hover.hidden = true; });
      map.on("click", layer, (event) => drawUnit(event.features[0].properties));
    }
    map.on("moveend", writeHash);
    map.once("idle", () => { root.dataset.state = "ready"; });
  });
  window.addEventListener("hashchange", () => {
    readHash();
    refresh();
    if (state.view) map.jumpTo({ center: state.view.center, zoom: state.view.zoom });
  });
})();
