// The inbox: what the caller must do now, oldest due date first, with overdue marks and the
// escalation level; then the late items escalated to the caller (who is late, with what, by how
// much); below them, the PKs the caller may open (their own and their subordinates').
import { h, replace } from '../dom.js';
import { enc, get } from '../api.js';
import { escalationLabel, fmtDateTime, fmtLateness, fmtNumber, taskLabel } from '../format.js';
import { dueInfo, notice, phaseBadge, section, table } from '../ui.js';

const TASK_VIEW = { draft: 'draf', 'sign:first': 'tanda-tangan', 'sign:second': 'tanda-tangan' };

function taskHref(item) {
  const base = `#/pk/${enc(item.agreementId)}`;
  if (TASK_VIEW[item.task]) return `${base}/${TASK_VIEW[item.task]}`;
  return base;
}

export async function renderInbox(main, { me }) {
  const [tasks, list] = await Promise.all([get('/api/me/tasks'), get('/api/agreements?limit=50')]);
  const inbox = tasks.items.length === 0
    ? h('p', { class: 'muted' }, 'Tidak ada tugas saat ini.')
    : h('ul', { class: 'tasks', 'data-testid': 'tasks' }, tasks.items.map((item) =>
        h('li', { class: `task${item.overdue ? ' is-overdue' : ''}`, 'data-agreement': item.agreementId, 'data-task': item.task },
          h('a', { href: taskHref(item), class: 'task-title' }, taskLabel(item.task)),
          h('div', null, `PK ${item.agreementOf.title}`, item.agreementOf.official ? ` — ${item.agreementOf.official}` : ''),
          dueInfo(item))));
  // the API sends the oldest due first, up to its limit: say so when there are more
  const more = tasks.total > tasks.items.length
    ? h('p', { class: 'muted', 'data-testid': 'tasks-more' },
      `Menampilkan ${fmtNumber(tasks.items.length)} dari ${fmtNumber(tasks.total)} tugas, yang paling dahulu jatuh tempo. `,
      me.role === 'evaluator' ? h('a', { href: '#/dasbor' }, 'Semua PK ada di Dasbor.') : 'Sisanya muncul setelah tugas ini selesai.')
    : null;
  const escalations = tasks.escalations ?? [];
  const escalated = h('ul', { class: 'tasks', 'data-testid': 'escalations' }, escalations.map((item) =>
    h('li', { class: 'task is-overdue', 'data-agreement': item.agreementId, 'data-task': item.task },
      h('a', { href: `#/pk/${enc(item.agreementId)}`, class: 'task-title' },
        `${item.lateOfficial.official} — ${item.lateOfficial.title}`),
      h('div', null, `Belum: ${taskLabel(item.task)}`, ` (PK ${item.agreementOf.title})`),
      h('div', { class: 'due' },
        h('span', null, `Tenggat ${fmtDateTime(item.dueAt)}`),
        h('span', { class: 'badge overdue', 'data-testid': 'lateness' }, `Terlambat ${fmtLateness(item.lateSeconds)}`),
        h('span', { class: 'badge escalation', 'data-level': item.escalationLevel }, escalationLabel(item.escalationLevel))))));
  const rows = list.items.map((a) =>
    h('tr', null,
      h('td', null, h('a', { href: `#/pk/${enc(a.id)}` }, a.position?.title ?? a.positionId)),
      h('td', null, a.position?.official?.name ?? '—'),
      h('td', null, phaseBadge(a.phase)),
      h('td', null, a.overdue ? h('span', { class: 'badge overdue' }, 'Terlambat') : '—')));
  replace(main,
    h('h1', null, me.role === 'evaluator' ? 'Tugas evaluasi' : 'Kotak tugas'),
    section('Yang perlu dikerjakan sekarang', inbox, more),
    escalations.length ? section('Eskalasi kepada Anda', escalated) : null,
    me.role === 'official'
      ? section('PK saya dan bawahan', rows.length ? table(['Jabatan', 'Pejabat', 'Tahap', 'Status'], rows) : notice('info', 'Belum ada PK.'))
      : null);
}
