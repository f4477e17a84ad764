// The deliverable explorer: its own tiles (the orthophoto read from our WMTS capabilities in
// Web Mercator, or the vector PCRS as vector tiles styled by the MapLibre style generated from
// its SLD) with the dalles' footprints on top; a click (or Enter on a dalle of the list) shows
// the dalle's metadata and, when downloads are allowed, its download link.
import TileLayer from 'ol/layer/Tile.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorTileLayer from 'ol/layer/VectorTile.js';
import VectorSource from 'ol/source/Vector.js';
import WMTS, { optionsFromCapabilities } from 'ol/source/WMTS.js';
import WMTSCapabilities from 'ol/format/WMTSCapabilities.js';
import { Fill, Stroke, Style } from 'ol/style.js';
import { applyStyle } from 'ol-mapbox-style';
import { newMap, readFeatures, getJson, definitions, link, bytes, number, say } from './common.js';

const OUTLINE = new Style({
  stroke: new Stroke({ color: '#000091', width: 1.5 }),
  fill: new Fill({ color: 'rgba(0, 0, 145, 0.04)' }),
});
const SELECTED = new Style({
  stroke: new Stroke({ color: '#e1000f', width: 3 }),
  fill: new Fill({ color: 'rgba(225, 0, 15, 0.12)' }),
});

async function orthophoto(slug) {
  const response = await fetch('/wmts/1.0.0/WMTSCapabilities.xml');
  if (!response.ok) throw new Error(`capacités WMTS : ${response.status}`);
  const capabilities = new WMTSCapabilities().read(await response.text());
  const options = optionsFromCapabilities(capabilities, { layer: slug, matrixSet: 'WebMercatorQuad' });
  if (!options) throw new Error(`la couche ${slug} manque aux capacités WMTS`);
  return new TileLayer({ source: new WMTS(options) });
}

async function vectorTiles(slug) {
  const layer = new VectorTileLayer({ declutter: true });
  // Labels use DejaVu Sans, declared in dallage.css and served by this server: nothing is
  // fetched from a font CDN.
  await applyStyle(layer, `/tiles/${slug}/style.json`, { webfonts: '/assets/dallage.css' });
  return layer;
}

/** The URL of one file of the deliverable, each path segment encoded. */
function fileUrl(slug, path) {
  return `/download/file/${encodeURIComponent(slug)}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

function describe(panel, feature, data) {
  const p = feature.getProperties();
  panel.replaceChildren();
  const title = document.createElement('h3');
  title.textContent = p.name;
  panel.append(title, definitions([
    ['Chemin', p.path],
    ['Format', p.format],
    ['Taille', bytes(p.size)],
    ['Dimensions', p.width && p.height ? `${number(p.width)} × ${number(p.height)} px` : ''],
    ['Projection', p.epsg ? `EPSG:${p.epsg}` : ''],
    ['Résolution', p.resolution ? `${number(p.resolution)} m` : ''],
    ['Compression', p.compression],
    ['Modifié le', p.mtime],
    ['Erreur', p.error],
  ]));
  const extra = p.extra || {};
  if (Object.keys(extra).length) {
    const heading = document.createElement('h4');
    heading.textContent = 'Métadonnées complémentaires';
    panel.append(heading, definitions(Object.entries(extra)));
  }
  if (data.download_allowed) {
    panel.append(link(fileUrl(data.slug, p.path), `Télécharger ${p.name}`, { id: 'dalle-download', download: p.name }));
  } else {
    const refused = document.createElement('p');
    refused.textContent = data.download_reason || 'Le téléchargement de ce livrable n\'est pas autorisé.';
    panel.append(refused);
  }
  panel.hidden = false;
}

export async function explorer(data) {
  const layers = [];
  if (data.raster) layers.push(await orthophoto(data.slug));
  if (data.vector) layers.push(await vectorTiles(data.slug));
  const collection = await getJson(`/api/livrables/${encodeURIComponent(data.slug)}/dalles.geojson`);
  const features = readFeatures(collection).filter((f) => f.getGeometry());
  const dalles = new VectorLayer({ source: new VectorSource({ features }), style: OUTLINE });
  layers.push(dalles);
  const map = newMap('map', layers, data.bbox);
  const panel = document.getElementById('map-panel');
  let selected = null;
  const select = (feature) => {
    if (selected) selected.setStyle(undefined);
    selected = feature;
    feature.setStyle(SELECTED);
    describe(panel, feature, data);
  };
  map.on('singleclick', (event) => {
    const feature = map.forEachFeatureAtPixel(event.pixel, (found) => found, {
      layerFilter: (layer) => layer === dalles,
    });
    if (feature) select(feature);
  });
  // The same choice from the keyboard: a button per dalle.
  const list = document.getElementById('dalle-list');
  if (list) {
    for (const feature of features) {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = feature.get('name');
      button.addEventListener('click', () => {
        select(feature);
        map.getView().fit(feature.getGeometry().getExtent(), { padding: [48, 48, 48, 48], maxZoom: 19 });
      });
      item.append(button);
      list.append(item);
    }
  }
  say('map-status', features.length || !data.vector
    ? `${number(features.length)} dalles sur la carte.`
    : 'Le livrable en tuiles vectorielles, dessiné avec ses styles SLD.');
  if (!data.bbox && features.length) {
    map.getView().fit(dalles.getSource().getExtent(), { padding: [24, 24, 24, 24], maxZoom: 19 });
  }
  await new Promise((resolve) => map.once('rendercomplete', resolve));
  window.dallageMap = map;
}
