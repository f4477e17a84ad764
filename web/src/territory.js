// The territory download page: pick a commune, an EPCI or a département (suggested from the
// imported boundaries) or draw a polygon on the map, see the dalles selected and the API's
// preview (per deliverable: dalles, files, bytes, features, permission), then download the
// ZIP or the Metalink with the same selection. Everything shown comes from the download API.
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import Draw from 'ol/interaction/Draw.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import { Fill, Stroke, Style } from 'ol/style.js';
import { newMap, readFeatures, getJson, bytes, number, say, link } from './common.js';

const PLACE = new Style({
  stroke: new Stroke({ color: '#e1000f', width: 2, lineDash: [6, 4] }),
  fill: new Fill({ color: 'rgba(225, 0, 15, 0.06)' }),
});
const CHOSEN = new Style({
  stroke: new Stroke({ color: '#000091', width: 1.5 }),
  fill: new Fill({ color: 'rgba(0, 0, 145, 0.35)' }),
});
const OTHER = new Style({
  stroke: new Stroke({ color: '#7b7b7b', width: 1 }),
  fill: new Fill({ color: 'rgba(120, 120, 120, 0.08)' }),
});

const $ = (id) => document.getElementById(id);

/** The query of the selection the form and the drawing describe, or an error in words. */
function selection(drawn) {
  const query = new URLSearchParams();
  const kind = $('kind').value;
  if (kind === 'area') {
    if (!drawn) throw new Error('Dessinez une zone sur la carte (cliquez ses sommets, double-cliquez pour finir).');
    query.set('area', JSON.stringify(drawn));
  } else {
    const code = $('code').value.trim();
    if (!code) throw new Error('Indiquez le code du territoire (ou choisissez-le parmi les suggestions).');
    query.set(kind, code);
  }
  if ($('livrable').value) query.set('livrable', $('livrable').value);
  query.set('format', $('format').value);
  return query;
}

async function suggest() {
  const kind = $('kind').value;
  const text = $('code').value.trim();
  if (kind === 'area' || text.length < 2) return;
  const found = await getJson(`/api/boundaries?kind=${kind}&q=${encodeURIComponent(text)}&limit=20`);
  $('territories').replaceChildren(...found.items.map((b) => new Option(`${b.nom} (${b.code})`, b.code)));
}

/** The API's refusals (English) in the page's language. */
function french(reason) {
  if (!reason) return 'non précisé';
  if (reason.includes('download_allowed')) return 'le porteur n\'a pas autorisé le téléchargement';
  if (reason.includes('licence is closed')) return 'licence fermée : seul le porteur peut télécharger';
  return reason;
}

function previewTable(preview) {
  const rows = preview.livrables.map((l) => {
    const row = document.createElement('tr');
    const cells = [
      l.nom,
      number(l.dalles),
      number(l.files),
      bytes(l.bytes + (l.estimated_vector_bytes || 0)),
      Object.values(l.features || {}).reduce((a, b) => a + b, 0) ? number(Object.values(l.features).reduce((a, b) => a + b, 0)) : '—',
      l.allowed ? 'oui' : `non : ${french(l.reason)}`,
    ];
    for (const value of cells) {
      const cell = document.createElement('td');
      cell.textContent = value;
      row.append(cell);
    }
    return row;
  });
  $('preview-rows').replaceChildren(...rows);
}

export async function territory(data) {
  const place = new VectorSource();
  const dalles = new VectorSource();
  const map = newMap('map', [
    new VectorLayer({ source: dalles, style: (f) => (f.get('chosen') ? CHOSEN : OTHER) }),
    new VectorLayer({ source: place, style: PLACE }),
  ], data.bbox);
  // The dalles of the deliverables a selection meets, read once each, greyed when left out.
  const loaded = new Set();
  const loadDalles = async (slug) => {
    if (loaded.has(slug)) return;
    loaded.add(slug);
    const collection = await getJson(`/api/livrables/${encodeURIComponent(slug)}/dalles.geojson`);
    dalles.addFeatures(readFeatures(collection).filter((f) => f.getGeometry()));
  };
  let drawn = null;
  let draw = null;
  const format = new GeoJSON();
  const setKind = () => {
    const area = $('kind').value === 'area';
    $('code').disabled = area;
    if (area && !draw) {
      draw = new Draw({ source: place, type: 'Polygon' });
      draw.on('drawstart', () => place.clear());
      draw.on('drawend', (event) => {
        drawn = format.writeGeometryObject(event.feature.getGeometry(), {
          dataProjection: 'EPSG:4326',
          featureProjection: 'EPSG:3857',
          decimals: 7,
        });
        say('draw-status', 'Zone dessinée : cliquez « Voir la sélection ».');
      });
      map.addInteraction(draw);
    } else if (!area && draw) {
      map.removeInteraction(draw);
      draw = null;
    }
  };
  $('kind').addEventListener('change', setKind);
  $('code').addEventListener('input', () => suggest().catch(() => {}));
  setKind();
  $('selection').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('error').hidden = true;
    $('result').hidden = true;
    try {
      const query = selection(drawn);
      $('preview-button').disabled = true;
      say('status', 'Sélection en cours…');
      if ($('kind').value !== 'area') {
        place.clear();
        const shape = await getJson(`/api/boundaries/${$('kind').value}/${encodeURIComponent($('code').value.trim())}`);
        place.addFeatures(readFeatures(shape));
      }
      const preview = await getJson(`/api/downloads/preview?${query}`);
      const chosen = new Set();
      for (const l of preview.livrables) {
        for (const path of l.paths) chosen.add(`${l.livrable}/${path}`);
        if (l.dalles) await loadDalles(l.livrable);
      }
      for (const f of dalles.getFeatures()) f.set('chosen', chosen.has(`${f.get('livrable')}/${f.get('path')}`));
      const shown = place.getFeatures().length ? place : dalles;
      if (shown.getFeatures().length) map.getView().fit(shown.getExtent(), { padding: [24, 24, 24, 24], maxZoom: 18 });
      previewTable(preview);
      const d = preview.download;
      say('total', `${number(d.dalles)} dalles, ${bytes(d.bytes)}${d.bytes_exact ? '' : ' (estimation : les fichiers vecteur sont écrits à la demande)'}`);
      const allowed = preview.livrables.every((l) => l.allowed);
      const links = $('links');
      links.replaceChildren();
      if (allowed && preview.livrables.length) {
        links.append(link(d.zip, 'Télécharger le ZIP', { id: 'zip-link' }), ' ',
          link(`/download/metalink.meta4?${query}`, 'Metalink (gestionnaires de téléchargement)', { id: 'metalink-link' }), ' ',
          link(`/download/list.txt?${query}`, 'Liste des adresses', { id: 'list-link' }));
      } else {
        links.textContent = 'Le téléchargement de cette sélection n\'est pas autorisé pour tous ses livrables (voir le tableau).';
      }
      $('result').hidden = false;
      say('status', `${number(chosen.size)} fichiers sélectionnés.`);
    } catch (error) {
      $('error').textContent = error.message;
      $('error').hidden = false;
      say('status', '');
    } finally {
      $('preview-button').disabled = false;
    }
  });
  await new Promise((resolve) => map.once('rendercomplete', resolve));
  window.dallageMap = map;
}
