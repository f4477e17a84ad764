// What the maps share: a map in Web Mercator without any external background (the pages load
// nothing from elsewhere), GeoJSON in CRS:84, a keyboard-reachable feature list, and numbers
// written the French way.
import Map from 'ol/Map.js';
import View from 'ol/View.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import { transformExtent } from 'ol/proj.js';
import { defaults as defaultControls, ScaleLine } from 'ol/control.js';

/** A map in the element `target`, fitted to `bbox` (CRS:84) when given. */
export function newMap(target, layers, bbox) {
  const map = new Map({
    target,
    layers,
    controls: defaultControls().extend([new ScaleLine({ units: 'metric' })]),
    view: new View({ center: [260000, 6250000], zoom: 5, maxZoom: 23 }),
  });
  if (bbox) fit(map, bbox);
  return map;
}

/** Fits the view to a CRS:84 box, with a margin. */
export function fit(map, bbox) {
  const extent = transformExtent(bbox, 'EPSG:4326', 'EPSG:3857');
  map.getView().fit(extent, { padding: [24, 24, 24, 24], maxZoom: 19 });
}

/** Features of a GeoJSON document (CRS:84) in the map's projection. */
export function readFeatures(document) {
  return new GeoJSON().readFeatures(document, {
    dataProjection: 'EPSG:4326',
    featureProjection: 'EPSG:3857',
  });
}

/** GET a JSON document of this server; an error says which and why. */
export async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      detail = (await response.json()).detail || detail;
    } catch (ignored) {
      // not a problem document
    }
    throw new Error(`${url} : ${response.status} ${detail}`);
  }
  return response.json();
}

const numbers = new Intl.NumberFormat('fr-FR');

/** A number with French grouping. */
export function number(value) {
  return numbers.format(value);
}

/** A size in bytes, in words (Ko, Mo, Go as the seed writes them). */
export function bytes(value) {
  const units = ['o', 'Ko', 'Mo', 'Go', 'To'];
  let size = Number(value) || 0;
  let unit = 0;
  while (size >= 1000 && unit < units.length - 1) {
    size /= 1000;
    unit += 1;
  }
  return `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: unit ? 2 : 0 }).format(size)} ${units[unit]}`;
}

/** Writes `text` into the element `id` when it exists. */
export function say(id, text) {
  const element = document.getElementById(id);
  if (element) element.textContent = text;
}

/** A definition list of `[term, value]` pairs (values as text, never as HTML). */
export function definitions(pairs) {
  const list = document.createElement('dl');
  for (const [term, value] of pairs) {
    if (value === null || value === undefined || value === '') continue;
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = String(value);
    list.append(dt, dd);
  }
  return list;
}

/** A link element. */
export function link(href, text, attributes = {}) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  for (const [name, value] of Object.entries(attributes)) a.setAttribute(name, value);
  return a;
}
