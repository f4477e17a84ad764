// The porteur space: signed in with an API key (kept in this tab's sessionStorage only, sent
// as X-API-Key to this server only), a porteur declares, changes or revokes a deliverable's
// storage, starts a scan and watches it, edits the project (project-form.js), sets a
// deliverable's licence with the guidance beside it, adds réutilisations, attaches extra
// metadata to the dalles and uploads an SLD style. Every change goes through the JSON API,
// whose RFC 7807 errors are shown next to the field they name (forms.js).

import { KEY, api, every, showErrors, clearErrors } from './forms.js';
import { projectForm, loadProject } from './project-form.js';

const $ = (id) => document.getElementById(id);
let current = { project: null, livrable: null };

async function signIn(event) {
  event.preventDefault();
  const form = $('signin');
  clearErrors(form);
  sessionStorage.setItem(KEY, $('key').value.trim());
  try {
    const me = await api('GET', '/api/me');
    $('who').textContent = `Connecté : ${me.name} (${me.role === 'admin' ? 'administrateur' : `porteur, SIREN ${me.sirens.join(', ')}`})`;
    const projects = [];
    if (me.role === 'admin') {
      projects.push(...(await every('/api/projects?q=')));
    } else {
      for (const siren of me.sirens) projects.push(...(await every(`/api/projects?siren=${siren}`)));
    }
    $('project').replaceChildren(...projects.map((p) => new Option(p.nom, p.slug)));
    $('workspace').hidden = false;
    $('key').value = '';
    await chooseProject();
  } catch (error) {
    sessionStorage.removeItem(KEY);
    showErrors(form, error);
  }
}

async function chooseProject() {
  const slug = $('project').value;
  if (!slug) return;
  current.project = await api('GET', `/api/projects/${slug}`);
  const livrables = await api('GET', `/api/projects/${slug}/livrables`);
  $('livrable').replaceChildren(...livrables.map((l) => new Option(l.nom, l.slug)));
  loadProject(current.project);
  await loadReuses();
  await chooseLivrable();
}

async function chooseLivrable() {
  const slug = $('livrable').value;
  if (!slug) return;
  current.livrable = await api('GET', `/api/livrables/${slug}`);
  $('licence').value = current.livrable.licence;
  showGuidance();
  const form = $('storage');
  clearErrors(form);
  try {
    const storage = await api('GET', `/api/livrables/${slug}/storage`);
    $('storage-state').textContent = storage.status === 'revoked'
      ? 'Stockage révoqué : déclarez-en un nouveau.'
      : `Stockage ${storage.type.toUpperCase()} déclaré.`;
    form.elements.type.value = storage.type === 'file' ? 'http' : storage.type;
    for (const name of ['url', 'host', 'port', 'path', 'username']) form.elements[name].value = storage[name] ?? '';
    form.elements.secure.checked = Boolean(storage.tls && storage.tls !== 'none');
    form.elements.credentials_public.checked = Boolean(storage.credentials_public);
    form.elements.download_allowed.checked = Boolean(storage.download_allowed);
  } catch (error) {
    if (error.status !== 404) throw error;
    $('storage-state').textContent = 'Aucun stockage déclaré pour ce livrable.';
    form.reset();
  }
  showProtocol();
  form.dataset.livrable = slug;
}

/** Only the fields of the chosen protocol are shown (and sent). */
function showProtocol() {
  const type = $('storage').elements.type.value;
  for (const block of document.querySelectorAll('[data-protocols]')) {
    block.hidden = !block.dataset.protocols.split(' ').includes(type);
  }
}

function storageBody(form) {
  const type = form.elements.type.value;
  const text = (name) => form.elements[name].value.trim() || undefined;
  const body = {
    type,
    credentials_public: form.elements.credentials_public.checked,
    download_allowed: form.elements.download_allowed.checked,
  };
  if (type === 'http') {
    body.url = text('url');
  } else {
    body.host = text('host');
    const port = text('port');
    body.port = port === undefined ? undefined : Number(port);
    body.path = text('path') || '/';
    body.username = text('username');
    body.password = text('password');
    if (type === 'ftp' && form.elements.secure.checked) body.secure = true;
  }
  return body;
}

async function saveStorage(event) {
  event.preventDefault();
  const form = $('storage');
  clearErrors(form);
  try {
    await api('PUT', `/api/livrables/${current.livrable.slug}/storage`, storageBody(form));
    $('storage-state').textContent = 'Stockage enregistré. Lancez un scan pour voir ce qu\'il contient.';
  } catch (error) {
    showErrors(form, error);
  }
}

async function revokeStorage() {
  if (!window.confirm('Révoquer ce stockage ? Ses identifiants seront oubliés ; ses métadonnées restent.')) return;
  const form = $('storage');
  try {
    await api('DELETE', `/api/livrables/${current.livrable.slug}/storage`);
    $('storage-state').textContent = 'Stockage révoqué.';
  } catch (error) {
    showErrors(form, error);
  }
}

// The scan's file classes in words; LiDAR clouds, archives and the rest are the intermediate
// deliverables (seed 000) a depot may hold beside the dalles.
const FILE_CLASSES = {
  jpeg2000: 'Dalles JPEG 2000',
  geotiff: 'Dalles GeoTIFF',
  world_file: 'Fichiers de géoréférencement (world files)',
  tab: 'Géoréférencements MapInfo (.tab)',
  prj: 'Projections (.prj)',
  aux_xml: 'Fichiers annexes GDAL (.aux.xml)',
  gml: 'PCRS vecteur GML',
  xml: 'Métadonnées XML',
  shapefile: 'Fichiers Shapefile (plans de vol, tableaux d\'assemblage…)',
  geopackage: 'GeoPackage',
  dxf: 'Dessins DXF',
  dwg: 'Dessins DWG',
  las: 'Nuages de points LiDAR (LAS)',
  laz: 'Nuages de points LiDAR (LAZ)',
  archive: 'Archives',
  other: 'Autres fichiers',
};

/** What the finished scan found, per kind of file, and the files it could not read. */
function showScanFiles(summary) {
  const byClass = Object.entries(summary.files_by_class || {});
  const items = byClass.map(([kind, count]) => {
    const item = document.createElement('li');
    item.dataset.class = kind;
    item.textContent = `${FILE_CLASSES[kind] || kind} : ${count.toLocaleString('fr-FR')}`;
    return item;
  });
  for (const broken of (summary.broken || []).slice(0, 20)) {
    const item = document.createElement('li');
    item.className = 'broken';
    item.textContent = `Illisible : ${broken.path} — ${broken.reason}`;
    items.push(item);
  }
  $('scan-files').replaceChildren(...items);
  $('scan-files').hidden = items.length === 0;
}

async function startScan() {
  $('scan-files').hidden = true;
  try {
    const scan = await api('POST', `/api/livrables/${current.livrable.slug}/scan`);
    $('scan-state').textContent = `Scan ${scan.id} : en file d'attente…`;
    for (let i = 0; i < 3600; i += 1) {
      const now = await api('GET', `/api/scans/${scan.id}`);
      $('scan-state').textContent = `Scan ${now.id} : ${now.state} — ${now.files_listed} fichiers listés, ${now.files_probed} analysés, ${now.errors} erreurs`;
      $('scan-state').dataset.state = now.state;
      if (['done', 'failed', 'partial'].includes(now.state)) {
        const summary = now.summary || {};
        if (summary.dalles !== undefined) $('scan-state').textContent += ` ; ${summary.dalles} dalles (${summary.nature || ''})`;
        if (now.message) $('scan-state').textContent += ` ; ${now.message}`;
        showScanFiles(summary);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } catch (error) {
    $('scan-state').textContent = `Le scan n'a pas pu être lancé : ${error.message}`;
  }
}

const GUIDANCE = {
  ouvert_lo: 'Licence Ouverte 2.0 (Etalab) : réutilisation libre, y compris commerciale, avec mention de la source. Recommandée pour l\'orthophotographie et le PCRS vecteur diffusés en open data ; elle permet les flux publics et le téléchargement.',
  ouvert_odbl: 'ODbL : réutilisation libre, mais les bases dérivées doivent rester ouvertes sous la même licence. À choisir si vous tenez à ce que les améliorations (corrections, compléments) reviennent à tous.',
  ferme: 'Fermée : ni flux publics ni téléchargement ; seuls le porteur et les administrateurs voient le livrable. Pour les données sensibles (réseaux, sites protégés) ou en attente de contrôle.',
};

function showGuidance() {
  $('licence-guidance').textContent = GUIDANCE[$('licence').value] || '';
}

async function saveLicence(event) {
  event.preventDefault();
  const form = $('licence-form');
  clearErrors(form);
  try {
    await api('PATCH', `/api/livrables/${current.livrable.slug}`, { licence: $('licence').value });
    $('licence-state').textContent = 'Licence enregistrée.';
  } catch (error) {
    showErrors(form, error);
  }
}

async function loadReuses() {
  const reuses = await api('GET', `/api/projects/${current.project.slug}/reutilisations`);
  $('reuses').replaceChildren(...reuses.map((reuse) => {
    const item = document.createElement('li');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'secondary';
    remove.textContent = `Retirer « ${reuse.titre} »`;
    remove.addEventListener('click', async () => {
      await api('DELETE', `/api/projects/${current.project.slug}/reutilisations/${reuse.id}`);
      await loadReuses();
    });
    item.append(`${reuse.titre} — ${reuse.lien} `, remove);
    return item;
  }));
}

async function addReuse(event) {
  event.preventDefault();
  const form = $('reuse-form');
  clearErrors(form);
  const text = (id) => $(id).value.trim();
  const body = { titre: text('reuse-titre'), lien: text('reuse-lien'), description: text('reuse-description') };
  if (text('reuse-image')) body.image = text('reuse-image');
  try {
    await api('POST', `/api/projects/${current.project.slug}/reutilisations`, body);
    $('reuse-state').textContent = `Réutilisation « ${body.titre} » ajoutée.`;
    form.reset();
    await loadReuses();
  } catch (error) {
    showErrors(form, error);
  }
}

const TABLE_TYPES = {
  csv: 'text/csv',
  geojson: 'application/geo+json',
  json: 'application/geo+json',
  zip: 'application/zip',
  gpkg: 'application/geopackage+sqlite3',
};

async function uploadExtras(event) {
  event.preventDefault();
  const form = $('extras-form');
  clearErrors(form);
  const file = $('extras-file').files[0];
  try {
    if (!file) throw new Error('Choisissez un fichier.');
    const type = TABLE_TYPES[file.name.split('.').pop().toLowerCase()];
    if (!type) throw new Error('Un fichier .csv, .geojson, .zip (Shapefile) ou .gpkg est attendu.');
    const report = await api('PUT', `/api/livrables/${current.livrable.slug}/extras`, file, type);
    $('extras-state').textContent = `${report.matched} dalles complétées`
      + (report.unmatched ? ` ; ${report.unmatched} lignes sans dalle (${report.unmatched_rows.slice(0, 3).join(' ; ')})` : '.');
  } catch (error) {
    showErrors(form, error);
  }
}

async function uploadStyle(event) {
  event.preventDefault();
  const form = $('style-form');
  clearErrors(form);
  const file = $('style-file').files[0];
  const name = $('style-name').value.trim();
  try {
    if (!file || !name) throw new Error('Choisissez un fichier SLD et donnez-lui un nom.');
    await api('PUT', `/api/styles/${encodeURIComponent(name)}`, await file.text(), 'application/vnd.ogc.sld+xml');
    $('style-state').textContent = `Style « ${name} » enregistré.`;
  } catch (error) {
    showErrors(form, error);
  }
}

export async function porteur(data) {
  projectForm(data.labels);
  $('signin').addEventListener('submit', signIn);
  $('project').addEventListener('change', () => chooseProject());
  $('livrable').addEventListener('change', () => chooseLivrable());
  $('storage').elements.type.addEventListener('change', showProtocol);
  $('storage').addEventListener('submit', saveStorage);
  $('revoke').addEventListener('click', revokeStorage);
  $('scan').addEventListener('click', startScan);
  $('licence').addEventListener('change', showGuidance);
  $('licence-form').addEventListener('submit', saveLicence);
  $('style-form').addEventListener('submit', uploadStyle);
  $('extras-form').addEventListener('submit', uploadExtras);
  $('reuse-form').addEventListener('submit', addReuse);
  showProtocol();
}
