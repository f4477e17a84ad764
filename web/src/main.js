// The maps of dallage's pages, bundled by esbuild with OpenLayers (Canvas 2D) into
// target/web/map.js. Each page names itself in <body data-page> and gives its data in a JSON
// block (<script type="application/json" id="page-data">, not executed, so the strict CSP
// holds); the textual content is already in the HTML, the maps only add to it.
import 'ol/ol.css';
import { home } from './home.js';
import { explorer } from './explorer.js';
import { territory } from './territory.js';
import { porteur } from './porteur.js';

const pages = { home, explorer, territory, porteur };

function pageData() {
  const block = document.getElementById('page-data');
  return block ? JSON.parse(block.textContent) : {};
}

/** "Copier" buttons: the address of their field to the clipboard, or selected for Ctrl+C. */
function copyButtons() {
  for (const button of document.querySelectorAll('button[data-copy]')) {
    button.addEventListener('click', async () => {
      const field = document.getElementById(button.dataset.copy);
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        button.textContent = 'Copié';
      } catch (refused) {
        button.textContent = 'Sélectionné : Ctrl+C';
      }
    });
  }
}

function start() {
  copyButtons();
  const page = pages[document.body.dataset.page];
  if (!page) return;
  Promise.resolve(page(pageData()))
    .then(() => { document.body.dataset.mapReady = 'yes'; })
    .catch((error) => {
      const status = document.getElementById('map-status');
      if (status) status.textContent = `La carte n'a pas pu être dessinée : ${error.message}`;
      document.body.dataset.mapReady = 'error';
    });
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
