// What the porteur space's forms share: calls to this server's JSON API with the API key of
// the tab (sessionStorage only), and the API's RFC 7807 errors shown beside the fields they
// name, or in the form's alert when no field is named.

export const KEY = 'dallage-api-key';

export async function api(method, url, body, contentType = 'application/json') {
  const headers = { Accept: 'application/json', 'X-API-Key': sessionStorage.getItem(KEY) || '' };
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    init.body = contentType === 'application/json' ? JSON.stringify(body) : body;
  }
  const response = await fetch(url, init);
  const text = await response.text();
  const value = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error((value && value.detail) || `${response.status} ${response.statusText}`);
    error.fields = (value && value.errors) || [];
    error.status = response.status;
    throw error;
  }
  return value;
}

/** Every item of a paged API list (`url` has a query already), twenty at a time. */
export async function every(url) {
  const items = [];
  for (let offset = 0; offset < 100000; offset += 20) {
    const page = await api('GET', `${url}&limit=20&offset=${offset}`);
    items.push(...page.items);
    if (page.items.length < 20) break;
  }
  return items;
}

/** The error slot for `field` in `form`, or that of the nearest list holding it
 * (`perimetres[2]` falls back to `perimetres`, `etapes[1].jalons[0].date` to
 * `etapes[1].jalons[0]`, then `etapes[1].jalons`...). */
function slotFor(form, field) {
  let name = field;
  for (;;) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    if (slot) return slot;
    const shorter = name.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    if (shorter === name) return null;
    name = shorter;
  }
}

/** Shows `error` in the form `form`: each field's message beside it, the rest in its alert. */
export function showErrors(form, error) {
  for (const old of form.querySelectorAll('.field-error')) old.textContent = '';
  for (const old of form.querySelectorAll('[aria-invalid]')) old.removeAttribute('aria-invalid');
  let placed = false;
  for (const { field, message } of error.fields || []) {
    const input = form.querySelector(`[name="${CSS.escape(field)}"]`);
    const slot = slotFor(form, field);
    if (slot) {
      slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
      placed = true;
    }
    if (input) input.setAttribute('aria-invalid', 'true');
  }
  const alert = form.querySelector('[role="alert"]');
  alert.textContent = placed ? 'Le formulaire contient des erreurs : voir les champs signalés.' : error.message;
  alert.hidden = false;
}

export function clearErrors(form) {
  for (const old of form.querySelectorAll('.field-error')) old.textContent = '';
  for (const old of form.querySelectorAll('[aria-invalid]')) old.removeAttribute('aria-invalid');
  const alert = form.querySelector('[role="alert"]');
  alert.hidden = true;
}

