// The inbox: what the caller must do now, oldest due date first, with overdue marks and the
// escalation level; below it, the PKs the caller may open (their own and their subordinates').
import { h, replace } from '../dom.js';
import { enc, get } from '../api.js';
import { taskLabel } from '../format.js';
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
  const rows = list.items.map((a) =>
    h('tr', null,
      h('td', null, h('a', { href: `#/pk/${enc(a.id)}` }, a.position?.title ?? a.positionId)),
      h('td', null, a.position?.official?.name ?? '—'),
      h('td', null, phaseBadge(a.phase)),
      h('td', null, a.overdue ? h('span', { class: 'badge overdue' }, 'Terlambat') : '—')));
  replace(main,
    h('h1', null, me.role === 'evaluator' ? 'Tugas evaluasi' : 'Kotak tugas'),
    section('Yang perlu dikerjakan sekarang', inbox),
    me.role === 'official'
      ? section('PK saya dan bawahan', rows.length ? table(['Jabatan', 'Pejabat', 'Tahap', 'Status'], rows) : notice('info', 'Belum ada PK.'))
      : null);
}
