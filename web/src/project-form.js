// The porteur's project form: name, régime, nature, territories, status steps (the
// investigation step detailed in milestones: constitution de la convention, préparation du
// marché, appel d'offres), actors and grants. The form edits a draft of the project and saves
// it whole in one PATCH; the API's errors land beside the field they name (`acteurs[1].siren`)
// or beside the list that holds it. Adding or removing a row moves the focus to a control
// that still exists, so the form is usable with the keyboard alone.

import { api, showErrors, clearErrors } from './forms.js';

const $ = (id) => document.getElementById(id);
let labels = {};
let project = null;
let draft = null;

/** An element with properties and children. */
function el(tag, properties = {}, ...children) {
  const element = Object.assign(document.createElement(tag), properties);
  element.append(...children);
  return element;
}

/** A page-wide id for the control of field `name` (`acteurs[1].siren` → `pf-acteurs-1-siren`). */
const idOf = (name) => `pf-${name.replace(/[^A-Za-z0-9_]+/g, '-').replace(/-$/, '')}`;

/** Where the API's error about `name` is written. */
function errorSlot(name) {
  const slot = el('p', { className: 'field-error' });
  slot.dataset.errorFor = name;
  slot.setAttribute('aria-live', 'polite');
  return slot;
}

/** A labelled control for field `name`, with its error slot; `control` edits `object[key]`. */
function field(name, label, control, object, key, read) {
  control.id = idOf(name);
  control.name = name;
  const update = () => { object[key] = read(control); };
  control.addEventListener('input', update);
  control.addEventListener('change', update);
  return el('div', { className: 'field' }, el('label', { htmlFor: control.id, textContent: label }), control, errorSlot(name));
}

const text = (value, type = 'text') => el('input', { type, value: value ?? '' });

function choice(options, value) {
  const select = el('select');
  select.append(...Object.entries(options).map(([v, label]) => new Option(label, v)));
  select.value = value;
  return select;
}

const readText = (control) => control.value.trim();
const readOptional = (control) => control.value.trim() || undefined;
/** A number as the French write it (a comma for the decimals), or the text when it is none. */
function readNumber(control) {
  const written = control.value.trim().replace(/\s/g, '').replace(',', '.');
  if (written === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(written) ? Number(written) : control.value;
}

/**
 * A list of rows for `items` (the draft's array at `name`): each row drawn by `row(item, at)`
 * with a button removing it, then a button adding `blank()`.
 */
function list(name, title, items, row, blank, words) {
  const rows = el('ol', { className: 'rows' });
  items.forEach((item, index) => {
    const at = `${name}[${index}]`;
    const remove = el('button', { type: 'button', id: `${idOf(at)}-remove`, className: 'secondary', textContent: `${words.remove} ${index + 1}` });
    remove.addEventListener('click', () => {
      items.splice(index, 1);
      // The list's own "add" button, or (a list no longer drawn once empty, as a step's
      // milestones once it is no longer the investigation) the control holding the list.
      render(`${idOf(name)}-add`, idOf(name.replace(/\.jalons$/, '.statut')));
    });
    rows.append(el('li', {}, el('div', { className: 'row-fields' }, ...row(item, at)), errorSlot(at), remove));
  });
  const add = el('button', { type: 'button', id: `${idOf(name)}-add`, textContent: words.add });
  add.addEventListener('click', () => {
    items.push(blank());
    render(`${idOf(`${name}[${items.length - 1}]`)}-first`);
  });
  return el('fieldset', { className: 'list' }, el('legend', { textContent: title }), rows, errorSlot(name), add);
}

/** Marks the first control of a row, where the focus goes when the row is added. */
function first(control, at) {
  control.firstElementChild.nextElementSibling.dataset.first = idOf(at);
  return control;
}

function stepRow(etape, at) {
  const statut = choice(labels.statut, etape.statut);
  const controls = [
    first(field(`${at}.statut`, 'Avancement', statut, etape, 'statut', readText), at),
    field(`${at}.date_debut`, 'Date de début', text(etape.date_debut, 'date'), etape, 'date_debut', readText),
  ];
  // The milestones show on the investigation step, or on any step holding some (the API says
  // why they may not stay there): drawn again once the draft has the new status.
  statut.addEventListener('change', () => render(idOf(`${at}.statut`)));
  if (etape.statut === 'investigation' || (etape.jalons || []).length) {
    etape.jalons = etape.jalons || [];
    controls.push(list(`${at}.jalons`, 'Jalons de l\'investigation', etape.jalons, milestoneRow,
      () => ({ nature: 'constitution_convention', date: etape.date_debut }),
      { add: 'Ajouter un jalon', remove: 'Retirer le jalon' }));
  }
  return controls;
}

function milestoneRow(jalon, at) {
  return [
    first(field(`${at}.nature`, 'Jalon', choice(labels.jalon, jalon.nature), jalon, 'nature', readText), at),
    field(`${at}.date`, 'Date', text(jalon.date, 'date'), jalon, 'date', readText),
    field(`${at}.note`, 'Précision (requise pour « Autre »)', text(jalon.note), jalon, 'note', readOptional),
  ];
}

function actorRow(acteur, at) {
  const siren = text(acteur.siren);
  siren.inputMode = 'numeric';
  return [
    first(field(`${at}.siren`, 'SIREN', siren, acteur, 'siren', readText), at),
    field(`${at}.nom`, 'Organisation', text(acteur.nom), acteur, 'nom', readOptional),
    field(`${at}.role`, 'Rôle', choice(labels.role, acteur.role), acteur, 'role', readText),
    field(`${at}.interlocuteur`, 'Interlocuteur', text(acteur.interlocuteur), acteur, 'interlocuteur', readOptional),
    field(`${at}.mail`, 'Courriel', text(acteur.mail, 'email'), acteur, 'mail', readOptional),
    field(`${at}.telephone`, 'Téléphone', text(acteur.telephone, 'tel'), acteur, 'telephone', readOptional),
    field(`${at}.finance_part_perc`, 'Part du financement (%)', text(acteur.finance_part_perc), acteur,
      'finance_part_perc', readNumber),
    field(`${at}.finance_part_euro`, 'Part du financement (€)', text(acteur.finance_part_euro), acteur,
      'finance_part_euro', readNumber),
  ];
}

function grantRow(subvention, at) {
  return [
    first(field(`${at}.nom`, 'Intitulé', text(subvention.nom), subvention, 'nom', readText), at),
    field(`${at}.nature`, 'Nature', choice(labels.subvention, subvention.nature), subvention, 'nature', readText),
    field(`${at}.montant`, 'Montant (€)', text(subvention.montant), subvention, 'montant', readNumber),
    field(`${at}.echeance`, 'Échéance', text(subvention.echeance, 'date'), subvention, 'echeance', readOptional),
  ];
}

/** Draws the draft; then focuses the control whose id (or `data-first` mark) is `focus`, else
 * the one whose id is `fallback`. */
function render(focus, fallback) {
  const territories = el('textarea', { rows: 3, value: draft.perimetres.join('\n') });
  territories.setAttribute('aria-describedby', 'pf-perimetres-hint');
  const territoryField = field('perimetres', 'Territoires, un par ligne', territories, draft, 'perimetres',
    (control) => control.value.split(/[\n,;]+/).map((t) => t.trim()).filter(Boolean));
  territoryField.insertBefore(
    el('p', { className: 'hint', id: 'pf-perimetres-hint', textContent: 'commune:code INSEE, epci:SIREN ou departement:code, par exemple commune:69123.' }),
    territoryField.lastElementChild,
  );
  // The visitor's own day (toISOString would give UTC's, yesterday's just after midnight in France).
  const now = new Date();
  const today = [now.getFullYear(), now.getMonth() + 1, now.getDate()].map((n) => String(n).padStart(2, '0')).join('-');
  $('project-fields').replaceChildren(
    field('nom', 'Nom du projet', text(draft.nom), draft, 'nom', readText),
    field('regime', 'Régime', choice(labels.regime, draft.regime), draft, 'regime', readText),
    field('nature', 'Nature', choice(labels.nature, draft.nature), draft, 'nature', readText),
    territoryField,
    list('etapes', 'Étapes d\'avancement', draft.etapes, stepRow,
      () => ({ statut: 'investigation', date_debut: today, jalons: [] }),
      { add: 'Ajouter une étape', remove: 'Retirer l\'étape' }),
    list('acteurs', 'Acteurs', draft.acteurs, actorRow, () => ({ siren: '', role: 'financeur' }),
      { add: 'Ajouter un acteur', remove: 'Retirer l\'acteur' }),
    list('subventions', 'Subventions', draft.subventions, grantRow, () => ({ nom: '', nature: 'feder' }),
      { add: 'Ajouter une subvention', remove: 'Retirer la subvention' }),
  );
  if (focus) {
    const target = $(focus) || document.querySelector(`[data-first="${CSS.escape(focus.replace(/-first$/, ''))}"]`)
      || (fallback && $(fallback));
    if (target) target.focus();
  }
}

/** What the API takes: the draft without empty optional values and empty milestone lists. */
function submitted() {
  const copy = JSON.parse(JSON.stringify(draft));
  for (const etape of copy.etapes) {
    if (!etape.jalons || etape.jalons.length === 0) delete etape.jalons;
  }
  return copy;
}

/** Numbers that are not: said beside their field before anything is sent. */
function unreadNumbers(body) {
  const fields = [];
  body.acteurs.forEach((acteur, index) => {
    for (const key of ['finance_part_perc', 'finance_part_euro']) {
      if (typeof acteur[key] === 'string') fields.push({ field: `acteurs[${index}].${key}`, message: 'Un nombre est attendu.' });
    }
  });
  body.subventions.forEach((subvention, index) => {
    if (typeof subvention.montant === 'string') fields.push({ field: `subventions[${index}].montant`, message: 'Un nombre est attendu.' });
  });
  return fields;
}

async function save(event) {
  event.preventDefault();
  const form = $('project-form');
  clearErrors(form);
  const body = submitted();
  const fields = unreadNumbers(body);
  try {
    if (fields.length) throw Object.assign(new Error('Des nombres sont mal écrits.'), { fields });
    project = await api('PATCH', `/api/projects/${project.slug}`, body);
    loadProject(project);
    $('project-state').textContent = 'Projet enregistré.';
    const option = $('project').selectedOptions[0];
    if (option) option.textContent = project.nom;
  } catch (error) {
    $('project-state').textContent = '';
    showErrors(form, error);
  }
}

/** Shows `loaded` (a project of the API) in the form. */
export function loadProject(loaded) {
  project = loaded;
  const { nom, regime, nature, perimetres, etapes, acteurs, subventions } = loaded;
  draft = JSON.parse(JSON.stringify({ nom, regime, nature, perimetres, etapes, acteurs, subventions }));
  $('project-link').href = `/projets/${encodeURIComponent(loaded.slug)}`;
  $('project-state').textContent = '';
  clearErrors($('project-form'));
  render();
}

/** Wires the form; `pageLabels` names each value of the catalogue's lists in French. */
export function projectForm(pageLabels) {
  labels = pageLabels;
  $('project-form').addEventListener('submit', save);
}
