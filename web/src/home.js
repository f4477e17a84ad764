// The home page's map: each listed project where its deliverables lie (their scanned
// footprints) or, before any deliverable, over its territories (when their boundaries are
// imported), coloured by its current status as the legend says. A click shows the project and
// links to its page; the list beside the map says the same without JavaScript.
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import { Fill, Stroke, Style } from 'ol/style.js';
import { newMap, readFeatures, getJson, link, say } from './common.js';

function styles(statuts) {
  const cache = {};
  return (feature) => {
    const statut = feature.get('statut') || 'none';
    if (!cache[statut]) {
      const colour = (statuts[statut] || { colour: '#666666' }).colour;
      cache[statut] = new Style({
        fill: new Fill({ color: `${colour}88` }),
        stroke: new Stroke({ color: colour, width: 2 }),
      });
    }
    return cache[statut];
  };
}

async function footprints(projects) {
  const byLivrable = new Map();
  for (const project of projects) {
    for (const slug of project.livrables) byLivrable.set(slug, project);
  }
  const features = [];
  const placed = new Set();
  const collection = await getJson('/api/livrables.geojson');
  for (const feature of readFeatures(collection)) {
    const project = byLivrable.get(feature.get('slug'));
    if (!project || !feature.getGeometry()) continue;
    feature.setProperties({ project: project.slug, nom: project.nom, statut: project.statut, livrable: feature.get('slug') });
    features.push(feature);
    placed.add(project.slug);
  }
  // Projects without a scanned deliverable: their imported territories.
  for (const project of projects) {
    if (placed.has(project.slug)) continue;
    for (const outline of project.outlines) {
      const shape = await getJson(`/api/boundaries/${outline}`);
      for (const feature of readFeatures(shape)) {
        feature.setProperties({ project: project.slug, nom: project.nom, statut: project.statut });
        features.push(feature);
      }
    }
  }
  return features;
}

function show(panel, feature, statuts) {
  panel.replaceChildren();
  const title = document.createElement('h3');
  title.textContent = feature.get('nom');
  const statut = statuts[feature.get('statut')];
  const state = document.createElement('p');
  state.textContent = `État d'avancement : ${statut ? statut.label : 'non renseigné'}`;
  panel.append(title, state, link(`/projets/${feature.get('project')}`, '→ Consulter le projet'));
  if (feature.get('livrable')) {
    panel.append(document.createElement('br'), link(`/livrables/${feature.get('livrable')}`, '→ Explorer le livrable'));
  }
  panel.hidden = false;
}

export async function home(data) {
  const source = new VectorSource({ features: await footprints(data.projects) });
  const layer = new VectorLayer({ source, style: styles(data.statuts) });
  const map = newMap('map', [layer]);
  if (source.getFeatures().length) {
    map.getView().fit(source.getExtent(), { padding: [24, 24, 24, 24], maxZoom: 16 });
  }
  say('map-status', `${source.getFeatures().length} emprises sur la carte.`);
  const panel = document.getElementById('map-panel');
  map.on('singleclick', (event) => {
    const feature = map.forEachFeatureAtPixel(event.pixel, (found) => found);
    if (feature) show(panel, feature, data.statuts);
  });
  map.on('pointermove', (event) => {
    map.getTargetElement().style.cursor = map.hasFeatureAtPixel(event.pixel) ? 'pointer' : '';
  });
  await new Promise((resolve) => map.once('rendercomplete', resolve));
  window.dallageMap = map;
}
