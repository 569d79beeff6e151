// The inbox: what the caller must do now, oldest due date first, with overdue marks and the
// escalation level; then the late items escalated to the caller (who is late, with what, by how
// much); below them, the PKs the caller may open (their own and their subordinates').
import { h, replace } from '../dom.js';
import { enc, get } from '../api.js';
import { escalationLabel, fmtDateTime, fmtLateness, fmtNumber, inboxTaskItem, positionTitle, taskLabel, taskPending } from '../format.js';
import { busy, dueInfo, notice, phaseBadge, section, table } from '../ui.js';
import { INBOX_TASKS_AT_MOST } from '/lib/limits.js';

const TASK_VIEW = { draft: 'draf', 'sign:first': 'tanda-tangan', 'sign:second': 'tanda-tangan' };

function taskHref(item) {
  const base = `#/pk/${enc(item.agreementId)}`;
  if (TASK_VIEW[item.task]) return `${base}/${TASK_VIEW[item.task]}`;
  return base;
}

// Whose PK and of which year: in January one official drafts the new year's PK while last year's
// fourth quarter is still due, two items with the same title; the organisation tells Pemdas apart.
const pkOf = (item) => `PK ${item.agreementOf.title} ${item.cycleOf.year}`;
const organisationOf = (item) => h('span', { class: 'muted', 'data-testid': 'organisation' }, ` · ${item.cycleOf.organisation}`);

// The inbox shows the oldest due first, a page's worth; "Tampilkan semua" asks for the API's most.
const TASKS_ON_PAGE = 20;

function taskList(tasks) {
  if (tasks.items.length === 0) return h('p', { class: 'muted' }, 'Tidak ada tugas saat ini.');
  return h('ul', { class: 'tasks', 'data-testid': 'tasks' }, tasks.items.map((item) =>
    h('li', { class: `task${item.overdue ? ' is-overdue' : ''}`, 'data-agreement': item.agreementId, 'data-task': item.task },
      h('a', { href: taskHref(item), class: 'task-title' }, taskLabel(inboxTaskItem(item))),
      h('div', null, pkOf(item), item.agreementOf.official ? ` — ${item.agreementOf.official}` : '', organisationOf(item)),
      // sent back by the superior: the same task again, with their reason, not a new one
      item.returned ? h('div', { class: 'returned', 'data-testid': 'returned' }, h('span', { class: 'badge returned' }, 'Dikembalikan atasan'), ` ${item.returned.reason}`) : null,
      dueInfo(item, item.cycleOf.utcOffsetHours))));
}

/** When the list is cut: how many of how many, and the way to the rest. */
function moreLine(tasks, { me, showAll }) {
  if (tasks.total <= tasks.items.length) return null;
  const shown = `Menampilkan ${fmtNumber(tasks.items.length)} dari ${fmtNumber(tasks.total)} tugas, yang paling dahulu jatuh tempo. `;
  if (tasks.items.length >= INBOX_TASKS_AT_MOST) {
    const rest = me.role === 'evaluator' ? h('a', { href: '#/dasbor' }, 'Semua PK ada di Dasbor.') : 'Sisanya muncul setelah tugas ini selesai.';
    return h('p', { class: 'muted', 'data-testid': 'tasks-more' }, shown, rest);
  }
  const button = h('button', { type: 'button', 'data-testid': 'tasks-all' }, 'Tampilkan semua');
  const status = h('div', { class: 'status' });
  // busy() shows a failed request under the button and keeps the list as it was
  button.addEventListener('click', () => busy(button, status, showAll).catch(() => {}));
  return h('div', null, h('p', { class: 'muted', 'data-testid': 'tasks-more' }, shown, button), status);
}

/** The API sends the most overdue escalations first, up to its limit: say how many there are in all. */
function escalationsMore(tasks, escalations) {
  if (!(tasks.escalationsTotal > escalations.length)) return null;
  return h('p', { class: 'muted', 'data-testid': 'escalations-more' },
    `Menampilkan ${fmtNumber(escalations.length)} dari ${fmtNumber(tasks.escalationsTotal)} eskalasi, yang paling lama terlambat. `,
    'Sisanya muncul setelah yang terlambat ini diselesaikan.');
}

/**
 * The official's PKs as their organisation reads: each one's own first, then the PKs under it,
 * each beneath its superior's and indented by how far below, siblings by title. (The API lists
 * them by id, for a stable cursor.)
 */
function treeOrder(items) {
  const key = (cycleId, positionId) => `${cycleId}\u0000${positionId}`;
  const listed = new Set(items.map((a) => key(a.cycleId, a.positionId)));
  const children = new Map();
  const tops = [];
  for (const a of items) {
    const parent = a.position?.parentId;
    if (parent && listed.has(key(a.cycleId, parent))) {
      const k = key(a.cycleId, parent);
      children.set(k, [...(children.get(k) ?? []), a]);
    } else tops.push(a);
  }
  const byTitle = (x, y) => positionTitle(x).localeCompare(positionTitle(y), 'id') || x.id.localeCompare(y.id);
  const out = [];
  const visit = (a, depth) => {
    out.push({ a, depth });
    for (const child of (children.get(key(a.cycleId, a.positionId)) ?? []).sort(byTitle)) visit(child, depth + 1);
  };
  for (const top of tops.sort(byTitle)) visit(top, 0);
  return out;
}

export async function renderInbox(main, { me }) {
  const [tasks, list] = await Promise.all([get(`/api/me/tasks?limit=${TASKS_ON_PAGE}`), get('/api/agreements?limit=50')]);
  const todo = h('div', { 'data-testid': 'todo' });
  const show = (shown) => replace(todo, taskList(shown), moreLine(shown, { me, showAll }));
  const showAll = async () => show(await get(`/api/me/tasks?limit=${INBOX_TASKS_AT_MOST}`));
  show(tasks);
  const escalations = tasks.escalations ?? [];
  const escalated = h('ul', { class: 'tasks', 'data-testid': 'escalations' }, escalations.map((item) =>
    h('li', { class: 'task is-overdue', 'data-agreement': item.agreementId, 'data-task': item.task },
      h('a', { href: `#/pk/${enc(item.agreementId)}`, class: 'task-title' },
        `${item.lateOfficial.official} — ${item.lateOfficial.title}`),
      h('div', null, `Belum ${taskPending(inboxTaskItem(item))}`, ` (${pkOf(item)})`, organisationOf(item)),
      h('div', { class: 'due' },
        h('span', null, `Tenggat ${fmtDateTime(item.dueAt, item.cycleOf.utcOffsetHours)}`),
        h('span', { class: 'badge overdue', 'data-testid': 'lateness' }, `Terlambat ${fmtLateness(item.lateSeconds)}`),
        h('span', { class: 'badge escalation', 'data-level': item.escalationLevel }, escalationLabel(item.escalationLevel))))));
  const rows = treeOrder(list.items).map(({ a, depth }) =>
    h('tr', { 'data-agreement': a.id, 'data-depth': depth },
      h('td', { class: depth ? `tree-depth-${Math.min(depth, 4)}` : null }, h('a', { href: `#/pk/${enc(a.id)}` }, positionTitle(a))),
      h('td', null, a.position?.official?.name ?? '—'),
      h('td', null, phaseBadge(a.phase)),
      h('td', null, a.overdue ? h('span', { class: 'badge overdue' }, 'Terlambat') : '—')));
  replace(main,
    h('h1', null, me.role === 'evaluator' ? 'Tugas evaluasi' : 'Kotak tugas'),
    section('Yang perlu dikerjakan sekarang', todo),
    escalations.length ? section('Eskalasi kepada Anda', escalated, escalationsMore(tasks, escalations)) : null,
    me.role === 'official'
      ? section('PK saya dan bawahan', rows.length ? table(['Jabatan', 'Pejabat', 'Tahap', 'Keterlambatan'], rows) : notice('info', 'Belum ada PK.'))
      : null);
}
