// The cache-size calculator: fills the form from /ogcapi and /api/boundaries, asks
// /api/livrables/{layer}/cache-size and shows the answer. The form's state lives in the
// page's query string, so an estimate can be shared as a link.
"use strict";

const $ = (id) => document.getElementById(id);
const numbers = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

function bytes(value) {
  const units = ["o", "Kio", "Mio", "Gio", "Tio", "Pio"];
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${numbers.format(value)} ${units[unit]}`;
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    // RFC 7807 problems say what is wrong in `detail`.
    throw new Error(body.detail || `${response.status} ${response.statusText}`);
  }
  return body;
}

function fill(select, items, wanted) {
  select.replaceChildren(...items.map(([value, label]) => new Option(label, value)));
  if (wanted && items.some(([value]) => value === wanted)) select.value = wanted;
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
}

async function loadChoices(query) {
  const [collections, sets] = await Promise.all([
    getJson("/ogcapi/collections"),
    getJson("/ogcapi/tileMatrixSets"),
  ]);
  fill($("layer"), collections.collections.map((c) => [c.id, c.title || c.id]), query.get("layer"));
  fill($("tms"), sets.tileMatrixSets.map((s) => [s.id, s.title ? `${s.id} — ${s.title}` : s.id]),
    query.get("tms") || "WebMercatorQuad");
  if (!collections.collections.length) showError("Aucune couche raster n'est publiée.");
}

function territoryKind() {
  return $("territory-kind").value;
}

async function suggest() {
  const kind = territoryKind();
  const text = $("territory-code").value.trim();
  if (!kind) return;
  const page = await getJson(`/api/boundaries?kind=${kind}&limit=20&q=${encodeURIComponent(text)}`);
  $("territories").replaceChildren(...page.items.map((b) => new Option(`${b.code} — ${b.nom}`, b.code)));
  const imported = Object.values(page.imported).reduce((sum, n) => sum + n, 0);
  $("territory-hint").textContent = imported
    ? ""
    : "Aucune limite administrative importée : voir dallage import-boundaries.";
}

function onKindChange() {
  const kind = territoryKind();
  $("territory-code").disabled = !kind;
  if (!kind) $("territory-code").value = "";
  suggest().catch((error) => showError(error.message));
}

function parameters() {
  const query = new URLSearchParams({
    layer: $("layer").value,
    tms: $("tms").value,
    levels: `${$("from").value}-${$("to").value}`,
    format: $("format").value,
    sample: $("sample").value,
  });
  const kind = territoryKind();
  // A suggestion reads "69123 — Lyon": the code is the first word.
  const code = $("territory-code").value.trim().split(/\s/)[0];
  if (kind && code) query.set(kind, code);
  return query;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const text of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.append(td);
  }
  return tr;
}

function show(estimate) {
  $("levels").replaceChildren(...estimate.levels.map((level) => row([
    level.level,
    `${numbers.format(level.cell_size)} m/px`,
    numbers.format(level.tiles),
    level.sampled ? bytes(level.mean_tile_bytes) : "—",
    bytes(level.bytes),
    `${bytes(level.bytes_low)} – ${bytes(level.bytes_high)}`,
  ])));
  $("total-tiles").textContent = numbers.format(estimate.tiles);
  $("total-bytes").textContent = bytes(estimate.bytes);
  $("total-interval").textContent = `${bytes(estimate.bytes_low)} – ${bytes(estimate.bytes_high)}`;
  const delivery = estimate.delivery;
  $("delivery").textContent = `${numbers.format(delivery.area_km2)} km² à ${numbers.format(delivery.resolution_cm)} cm : `
    + `${bytes(delivery.raw_bytes)} non compressés.`;
  $("compressions").replaceChildren(...delivery.by_compression.map(([name, size]) => {
    const item = document.createElement("li");
    item.textContent = `${name} : ${bytes(size)}`;
    return item;
  }));
  $("result").hidden = false;
}

async function compute(event) {
  event.preventDefault();
  showError("");
  $("result").hidden = true;
  const query = parameters();
  const layer = query.get("layer");
  query.delete("layer");
  if (!layer) {
    showError("Choisissez une couche.");
    return;
  }
  history.replaceState(null, "", `?${new URLSearchParams({ layer, ...Object.fromEntries(query) })}`);
  $("compute").disabled = true;
  $("status").textContent = "Calcul en cours : dessin de l'échantillon de tuiles…";
  try {
    show(await getJson(`/api/livrables/${encodeURIComponent(layer)}/cache-size?${query}`));
    $("status").textContent = "";
  } catch (error) {
    $("status").textContent = "";
    showError(error.message);
  } finally {
    $("compute").disabled = false;
  }
}

function restore(query) {
  const levels = (query.get("levels") || "").split("-");
  if (levels.length === 2) [$("from").value, $("to").value] = levels;
  for (const name of ["format", "sample"]) if (query.get(name)) $(name).value = query.get(name);
  for (const kind of ["commune", "epci", "departement"]) {
    if (query.get(kind)) {
      $("territory-kind").value = kind;
      $("territory-code").value = query.get(kind);
    }
  }
  $("territory-code").disabled = !territoryKind();
}

async function start() {
  const query = new URLSearchParams(location.search);
  restore(query);
  $("calculator").addEventListener("submit", compute);
  $("territory-kind").addEventListener("change", onKindChange);
  let pending;
  $("territory-code").addEventListener("input", () => {
    clearTimeout(pending);
    pending = setTimeout(() => suggest().catch((error) => showError(error.message)), 200);
  });
  try {
    await loadChoices(query);
    document.body.dataset.ready = "true";
  } catch (error) {
    showError(`Impossible de charger les couches : ${error.message}`);
  }
}

start();
