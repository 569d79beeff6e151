// Small pieces every view uses: notices, badges, a button that shows it is busy, a button that
// downloads a file from the API, and the server's per-field problems placed next to the field
// whose data-path is the problem's JSON pointer.
import { h, replace } from './dom.js';
import { getFile } from './api.js';
import { describePath, errorMessage, escalationLabel, fmtDateTime, fmtNumber, fmtNumberInput, parseNumberInput, PHASE, problemMessage } from './format.js';

export const notice = (kind, ...text) => h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...text);

export const phaseBadge = (phase) => h('span', { class: `badge phase-${phase}` }, PHASE[phase] ?? phase);

/** Due date, in the PK's zone (`utcOffsetHours` of its cycle), with the overdue mark and escalation level. */
export function dueInfo(item, utcOffsetHours) {
  if (!item.dueAt) return h('span', { class: 'muted' }, 'Tanpa tenggat');
  return h('span', { class: 'due' },
    h('span', null, `Tenggat ${fmtDateTime(item.dueAt, utcOffsetHours)}`),
    item.overdue ? h('span', { class: 'badge overdue', 'data-testid': 'overdue' }, 'Terlambat') : null,
    item.overdue || item.escalationLevel ? h('span', { class: 'badge escalation', 'data-level': item.escalationLevel }, escalationLabel(item.escalationLevel)) : null);
}

/** Runs an async action with the button disabled and a status line under it. */
export async function busy(button, status, action) {
  button.disabled = true;
  status.replaceChildren(h('span', { class: 'muted' }, 'Memproses…'));
  try {
    await action();
  } catch (err) {
    status.replaceChildren(notice('error', errorMessage(err)));
    throw err;
  } finally {
    button.disabled = false;
  }
}

/** Removes earlier messages, then puts each problem by its field; those with no field go in `summary`. */
/** A field inside folded sections (*Rentang, bobot, target triwulan*) is unfolded, so its message is seen. */
function openAround(el) {
  for (let details = el.closest('details'); details; details = details.parentElement?.closest('details')) details.open = true;
}

export function showProblems(form, problems, summary) {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const loose = [];
  for (const p of problems) {
    const field = findField(form, p.path);
    if (!field) {
      loose.push(p);
      continue;
    }
    const id = `err-${Math.random().toString(36).slice(2)}`;
    const message = h('div', { class: 'field-error', id, role: 'alert', 'data-path': p.path }, problemMessage(p));
    if (field.matches('input, select, textarea')) {
      field.setAttribute('aria-invalid', 'true');
      field.setAttribute('aria-describedby', id);
      field.after(message);
    } else {
      field.append(message);
    }
    openAround(field);
  }
  if (summary) {
    summary.replaceChildren(...(problems.length ? [notice('error', 'Ada isian yang perlu diperbaiki (lihat pesan di samping isian).',
      loose.length ? h('ul', null, loose.map((p) => h('li', null, `${describePath(p.path)}: ${problemMessage(p)}`))) : null)] : []));
  }
  form.querySelector('[aria-invalid], .field-error')?.scrollIntoView({ block: 'center' });
}

const numberReaders = new WeakMap();

/**
 * A number field that reads what an Indonesian official types (parseNumberInput in format.js):
 * type="text", as Chromium's type="number" turned "70,95" into 7095. `attrs`: the input's own
 * (data-path, aria-label…); `value`: the stored number, shown as fmtNumberInput shows it; `rupiah`:
 * a whole Rupiah amount; `max`: the API's limit, checked here. `onValue` gets the number (null when
 * empty or not readable) as the user types; an entry that is not a number is said beside the field
 * when the user leaves it, and by numberProblems before anything is sent. `onText` gets such an
 * entry (null once it reads), and `text` shows it again in a field drawn anew.
 */
export function numberField(attrs, value, { rupiah = false, max, onValue, text, onText } = {}) {
  const input = h('input', { type: 'text', inputmode: rupiah ? 'numeric' : 'decimal', autocomplete: 'off', ...attrs, value: text ?? fmtNumberInput(value, { rupiah }) });
  const read = () => {
    const result = parseNumberInput(input.value, { rupiah });
    if (result.error === undefined && max !== undefined && result.value !== null && result.value > max) return { error: `Nilai terlalu besar (maks. ${fmtNumber(max)}).` };
    return result;
  };
  numberReaders.set(input, read);
  const clear = () => {
    if (input.nextElementSibling?.classList.contains('field-error')) input.nextElementSibling.remove();
    input.removeAttribute('aria-invalid');
  };
  input.addEventListener('input', () => {
    const result = read();
    if (result.error === undefined) clear();
    onValue?.(result.error === undefined ? result.value : null);
    onText?.(result.error === undefined ? null : input.value);
  });
  input.addEventListener('change', () => {
    const result = read();
    clear();
    if (result.error === undefined) return;
    const id = `err-${Math.random().toString(36).slice(2)}`;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', id);
    input.after(h('div', { class: 'field-error', id, role: 'alert', 'data-path': input.dataset.path }, result.error));
  });
  // an entry kept from before a redraw is marked again once the field is on the page
  if (text !== undefined && text !== null) queueMicrotask(() => input.dispatchEvent(new Event('change')));
  return input;
}

/** A numberField's value: the number, or null when empty (or not readable: numberProblems says so). */
export function numberValue(input) {
  const result = numberReaders.get(input)();
  return result.error === undefined ? result.value : null;
}

/** The numberFields in `form` whose entry is not a number, as problems for showProblems (code unreadable_number, the sentence in `text`). */
export const numberProblems = (form) => [...form.querySelectorAll('input')]
  .filter((input) => numberReaders.has(input))
  .map((input) => ({ input, result: numberReaders.get(input)() }))
  .filter(({ result }) => result.error !== undefined)
  .map(({ input, result }) => ({ path: input.dataset.path, code: 'unreadable_number', text: result.error, message: '' }));

/** The element for a JSON pointer, or the nearest enclosing path that has one. */
function findField(form, path) {
  const parts = String(path ?? '').split('/');
  while (parts.length > 1) {
    const el = form.querySelector(`[data-path="${CSS.escape(parts.join('/'))}"]`);
    if (el) return el;
    parts.pop();
  }
  return null;
}

export const section = (title, ...children) => h('section', { class: 'card' }, h('h2', null, title), ...children);

export function table(headers, rows, attrs = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', attrs,
      h('thead', null, h('tr', null, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, rows)));
}

/**
 * A button that downloads `path` from the API (with the session's credentials, so not a plain
 * link) under the name the server gives it (Content-Disposition), or `fileName` when it gives
 * none; a failure is shown in `status`.
 */
export function downloadButton(label, path, fileName, status, attrs = {}) {
  const button = h('button', { type: 'button', ...attrs }, label);
  button.addEventListener('click', async () => {
    try {
      const file = await getFile(path);
      const url = URL.createObjectURL(file.blob);
      const link = h('a', { href: url, download: file.fileName ?? fileName });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      replace(status, notice('error', errorMessage(err)));
    }
  });
  return button;
}
