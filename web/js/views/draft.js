// The draft editor: objectives (Sasaran) with their indicators — each serving one of the
// superior's indicators or marked as an additional task — unit, direction, target and the optional
// range, weight and quarterly targets; and budget lines. The workflow validates; its problems are
// shown next to the field they name (data-path = the problem's JSON pointer).
import { h, replace } from '../dom.js';
import { MAX_QUANTITY, MAX_RUPIAH, MAX_WEIGHT, TEXT_LIMITS } from '/lib/limits.js';
import { budgetLineKindOf } from '/lib/budget-line-kind.js';
import { agreementPath, api, enc, get } from '../api.js';
import { DIRECTION, fmtRupiah, ROMAN } from '../format.js';
import { busy, notice, numberField, numberProblems, showProblems } from '../ui.js';
import { agreementHeader, myPositions, phaseOf } from './agreement.js';

const ADDITIONAL = '__tugas_tambahan__';

/** The problems showProblems could not put beside a field (no path, or no field for it): errorMessage says them in the status line. */
const unplacedProblems = (form, problems) =>
  problems.filter((p) => !p.path || ![...form.querySelectorAll('.field-error')].some((el) => el.dataset.path === p.path));

/** Removing asks first: the sentence names what goes. */
const confirmRemove = (what) => window.confirm(`Hapus ${what}? Tindakan ini tidak dapat dibatalkan.`);

function emptyIndicator(positionId) {
  return { id: `${positionId}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`, name: '', unit: '', direction: 'up', target: null, parentIndicatorId: null };
}

function field(label, control, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'label' }, label), control, hint ? h('span', { class: 'hint' }, hint) : null);
}

/**
 * Entries that are not numbers (the model holds null for them), kept by the indicator or budget
 * line they were typed into: a redraw (another indicator added, one removed) shows them again,
 * still marked, rather than an empty field.
 */
const unreadable = new WeakMap();

/** A number as Indonesians write it ("70,95"; Rupiah "1.250.000"): ui.js numberField. `owner[key]` is where it is typed. */
function numberInput(path, [owner, key], value, onValue, { max, rupiah = false }) {
  const kept = unreadable.get(owner);
  const onText = (text) => {
    const entries = unreadable.get(owner) ?? new Map();
    if (text === null) entries.delete(key);
    else entries.set(key, text);
    unreadable.set(owner, entries);
  };
  return numberField({ 'data-path': path }, value, { rupiah, max, onValue, text: kept?.get(key), onText });
}

const optionOf = (p) => h('option', { value: p.id }, `${p.name}${p.unit ? ` (${p.unit})` : ''}`);

/**
 * The indicators a draft may link to, grouped by where they come from: the superior's own PK and
 * the regional plan (IKU Pemda). The Kepala Daerah's indicator serving an IKU often bears the IKU's
 * name: the group tells them apart.
 */
function parentOptions(parents) {
  const groups = [
    ['superior', parents.superiorTitle ? `Indikator PK ${parents.superiorTitle}` : 'Indikator PK atasan'],
    ['plan', 'IKU Pemda (RPJMD)'],
  ].map(([source, label]) => [label, parents.items.filter((p) => p.source === source)]).filter(([, items]) => items.length > 0);
  if (groups.length < 2) return parents.items.map(optionOf);
  return groups.map(([label, items]) => h('optgroup', { label }, items.map(optionOf)));
}

function indicatorEditor(content, oi, ii, parents, rerender) {
  const ind = content.objectives[oi].indicators[ii];
  const at = `/objectives/${oi}/indicators/${ii}`;
  const text = (key, label, hint, maxlength) => {
    const input = h('input', { type: 'text', 'data-path': `${at}/${key}`, value: ind[key] ?? '', required: true, maxlength });
    input.addEventListener('input', () => {
      ind[key] = input.value;
      if (key === 'name') remove.setAttribute('aria-label', `Hapus ${what()}`);
    });
    return field(label, input, hint);
  };
  const parent = h('select', { 'data-path': `${at}/parentIndicatorId` },
    // the Kepala Daerah has no superior: their indicators are the IKU themselves, or serve one
    h('option', { value: '' }, parents.isRoot ? '— indikator IKU Pemda itu sendiri —' : '— pilih indikator atasan —'),
    parentOptions(parents),
    // a link the superior's list no longer has still shows (as such; its code only to tell it), so the server can name it
    ind.parentIndicatorId && !parents.items.some((p) => p.id === ind.parentIndicatorId)
      ? h('option', { value: ind.parentIndicatorId }, `Indikator atasan yang sudah tidak ada (kode ${ind.parentIndicatorId})`) : null,
    h('option', { value: ADDITIONAL }, 'Tugas tambahan (tanpa indikator atasan)'));
  parent.value = ind.additionalTask ? ADDITIONAL : ind.parentIndicatorId ?? '';
  parent.addEventListener('change', () => {
    if (parent.value === ADDITIONAL) {
      ind.parentIndicatorId = null;
      ind.additionalTask = true;
    } else {
      ind.parentIndicatorId = parent.value || null;
      delete ind.additionalTask;
    }
  });
  const direction = h('select', { 'data-path': `${at}/direction` }, Object.entries(DIRECTION).map(([v, label]) => h('option', { value: v }, label)));
  direction.value = ind.direction;
  direction.addEventListener('change', () => { ind.direction = direction.value; });

  const range = ind.range ?? [null, null];
  const setRange = (k, v) => {
    range[k] = v;
    ind.range = range[0] === null && range[1] === null ? null : [...range];
  };
  const quarterly = ind.quarterlyTargets ?? [null, null, null, null];
  const setQuarter = (k, v) => {
    quarterly[k] = v;
    ind.quarterlyTargets = quarterly.every((x) => x === null) ? null : [...quarterly];
  };
  const hasAdvanced = ind.range || (ind.weight !== null && ind.weight !== undefined) || ind.quarterlyTargets
    || [...(unreadable.get(ind)?.keys() ?? [])].some((key) => key !== 'target');
  const what = () => `indikator ${ii + 1}${ind.name?.trim() ? ` "${ind.name.trim()}"` : ''} dari sasaran ${oi + 1}`;
  const remove = h('button', { type: 'button', class: 'link danger', 'aria-label': `Hapus ${what()}` }, 'Hapus indikator');
  remove.addEventListener('click', () => {
    if (!confirmRemove(what())) return;
    content.objectives[oi].indicators.splice(ii, 1);
    rerender();
  });
  return h('fieldset', { class: 'indicator', 'data-path': at },
    // the generated code is internal: it stays out of the legend, under "Rincian teknis"; its
    // problems (a code used twice) still have their place here
    h('legend', null, `Indikator ${ii + 1}`),
    h('div', { 'data-path': `${at}/id` }),
    text('name', 'Indikator kinerja', null, TEXT_LIMITS.indicatorName),
    field(parents.isRoot ? 'Mendukung IKU Pemda' : 'Mendukung indikator atasan', parent),
    h('div', { class: 'row' },
      text('unit', 'Satuan', 'mis. %, orang, dokumen', TEXT_LIMITS.indicatorUnit),
      field('Arah', direction),
      field('Target tahunan', numberInput(`${at}/target`, [ind, 'target'], ind.target, (v) => { ind.target = v; }, { max: MAX_QUANTITY }))),
    h('details', { open: hasAdvanced ? true : null },
      h('summary', null, 'Rentang, bobot, target triwulan (opsional)'),
      h('div', { class: 'row', 'data-path': `${at}/range` },
        field('Rentang: batas bawah', numberInput(`${at}/range/0`, [ind, 'range/0'], range[0], (v) => setRange(0, v), { max: MAX_QUANTITY })),
        field('Rentang: batas atas', numberInput(`${at}/range/1`, [ind, 'range/1'], range[1], (v) => setRange(1, v), { max: MAX_QUANTITY })),
        field('Bobot', numberInput(`${at}/weight`, [ind, 'weight'], ind.weight, (v) => { ind.weight = v; }, { max: MAX_WEIGHT }))),
      h('div', { class: 'row', 'data-path': `${at}/quarterlyTargets` },
        [0, 1, 2, 3].map((k) => field(`Target TW ${ROMAN[k]}`, numberInput(`${at}/quarterlyTargets/${k}`, [ind, `quarterlyTargets/${k}`], quarterly[k], (v) => setQuarter(k, v), { max: MAX_QUANTITY }))))),
    h('details', { class: 'small muted', 'data-testid': 'indicator-code' }, h('summary', null, 'Rincian teknis'), `Kode indikator: ${ind.id}`),
    remove);
}

function objectiveEditor(content, oi, parents, positionId, rerender) {
  const o = content.objectives[oi];
  const textArea = h('textarea', { rows: 2, 'data-path': `/objectives/${oi}/text`, required: true, maxlength: TEXT_LIMITS.objectiveText }, o.text ?? '');
  textArea.addEventListener('input', () => {
    o.text = textArea.value;
    remove.setAttribute('aria-label', `Hapus ${what()}`);
  });
  const add = h('button', { type: 'button' }, '+ Tambah indikator');
  add.addEventListener('click', () => {
    o.indicators.push(emptyIndicator(positionId));
    rerender();
  });
  const what = () => `sasaran ${oi + 1}${o.text?.trim() ? ` "${o.text.trim()}"` : ''} beserta indikatornya`;
  const remove = h('button', { type: 'button', class: 'link danger', 'aria-label': `Hapus ${what()}` }, 'Hapus sasaran');
  remove.addEventListener('click', () => {
    if (!confirmRemove(what())) return;
    content.objectives.splice(oi, 1);
    rerender();
  });
  return h('section', { class: 'card objective', 'data-path': `/objectives/${oi}` },
    h('h2', null, `Sasaran ${oi + 1}`),
    field('Rumusan sasaran', textArea),
    h('div', { 'data-path': `/objectives/${oi}/indicators` }, o.indicators.map((_, ii) => indicatorEditor(content, oi, ii, parents, rerender))),
    h('div', { class: 'actions' }, add, remove));
}

/** `kind`: what the lines are at this PK's level (Program, Kegiatan, Sub-kegiatan), as the PDF names them. */
function budgetEditor(content, kind, rerender) {
  const total = h('strong', null, fmtRupiah(content.budget.reduce((s, b) => s + (Number(b.amount) || 0), 0)));
  const refreshTotal = () => total.replaceChildren(fmtRupiah(content.budget.reduce((s, b) => s + (Number(b.amount) || 0), 0)));
  const rows = content.budget.map((b, j) => {
    const program = h('input', { type: 'text', 'data-path': `/budget/${j}/program`, value: b.program ?? '', required: true, maxlength: TEXT_LIMITS.programName });
    program.addEventListener('input', () => {
      b.program = program.value;
      remove.setAttribute('aria-label', removeLabel());
    });
    const amount = numberInput(`/budget/${j}/amount`, [b, 'amount'], b.amount, (v) => { b.amount = v; refreshTotal(); }, { max: MAX_RUPIAH, rupiah: true });
    const removeLabel = () => `Hapus ${kind.toLowerCase()} ${j + 1}${b.program?.trim() ? ` "${b.program.trim()}"` : ''}`;
    const remove = h('button', { type: 'button', class: 'link danger', 'aria-label': removeLabel() }, 'Hapus');
    remove.addEventListener('click', () => {
      content.budget.splice(j, 1);
      rerender();
    });
    return h('div', { class: 'row budget-line', 'data-path': `/budget/${j}` }, field(kind, program), field('Anggaran (Rp)', amount), remove);
  });
  const add = h('button', { type: 'button' }, `+ Tambah ${kind.toLowerCase()}`);
  add.addEventListener('click', () => {
    content.budget.push({ program: '', amount: 0 });
    rerender();
  });
  return h('section', { class: 'card', 'data-path': '/budget' }, h('h2', null, 'Anggaran'), rows, h('p', { 'data-testid': 'budget-total' }, 'TOTAL ', total), h('div', { class: 'actions' }, add));
}

/**
 * The Kepala Daerah's statement carries the IKU Pemda: their first draft starts from the plan's
 * objectives and indicators, ids kept (the Kepala OPD link to them), targets as the plan sets them.
 */
function statementFromPlan(offered) {
  const objectives = [];
  for (const p of offered.filter((i) => i.source === 'plan')) {
    let objective = objectives.find((o) => o.text === p.objective && (o.id ?? null) === p.objectiveId);
    if (!objective) {
      objective = { ...(p.objectiveId ? { id: p.objectiveId } : {}), text: p.objective, indicators: [] };
      objectives.push(objective);
    }
    objective.indicators.push({ id: p.id, name: p.name, unit: p.unit, direction: p.direction, target: p.target, parentIndicatorId: null });
  }
  return { objectives, budget: [] };
}

export async function renderDraft(main, { params, me }) {
  const [id] = params;
  const [a, parents] = await Promise.all([get(agreementPath(id)), get(`${agreementPath(id)}/parent-indicators`)]);
  // the Kepala Daerah has no superior (no second party): their submitted draft goes straight to
  // signing, not to a review (workflows/agreement.ts drafting)
  const isRoot = Boolean(a.position) && a.secondParty === null;
  const content = structuredClone(a.content?.content ?? (isRoot ? statementFromPlan(parents.items) : { objectives: [], budget: [] }));
  const offered = { items: parents.items, superiorTitle: a.secondParty?.title ?? null, isRoot };
  const canEdit = phaseOf(a) === 'drafting' && myPositions(me, a.cycleId).includes(a.positionId);
  const summary = h('div', { class: 'status', 'data-testid': 'draft-status' });
  const body = h('div');
  const form = h('form', { class: 'draft-form', novalidate: true }, body);
  const rerender = () => replace(body,
    h('div', { 'data-path': '/objectives' }, content.objectives.map((_, oi) => objectiveEditor(content, oi, offered, a.positionId, rerender))),
    h('p', null, addObjective),
    budgetEditor(content, budgetLineKindOf(a.position?.level), rerender));
  const addObjective = h('button', { type: 'button' }, '+ Tambah sasaran');
  addObjective.addEventListener('click', () => {
    content.objectives.push({ text: '', indicators: [emptyIndicator(a.positionId)] });
    rerender();
  });
  rerender();

  const save = h('button', { type: 'button' }, 'Simpan draf');
  const submit = h('button', { type: 'button', class: 'primary' }, isRoot ? 'Simpan dan lanjutkan ke penandatanganan' : 'Simpan dan ajukan ke atasan');
  const put = async () => {
    // an entry that is not a number is said beside its field; nothing is sent
    const unreadable = numberProblems(form);
    if (unreadable.length) {
      showProblems(form, unreadable, null);
      throw Object.assign(new Error('unreadable numbers'), { code: 'invalid_data', problems: unreadable, unplaced: [] });
    }
    try {
      const saved = await api('PUT', `${agreementPath(id)}/draft`, content);
      showProblems(form, [], summary);
      return saved;
    } catch (err) {
      if (err.problems.length) {
        showProblems(form, err.problems, null);
        err.unplaced = unplacedProblems(form, err.problems);
      }
      throw err;
    }
  };
  save.addEventListener('click', () => busy(save, summary, async () => {
    const saved = await put();
    replace(summary, notice('success', `Draf tersimpan (versi ${saved.version}).`));
  }).catch(() => {}));
  submit.addEventListener('click', () => busy(submit, summary, async () => {
    await put();
    await api('POST', `${agreementPath(id)}/submit`);
    location.hash = `#/pk/${enc(id)}`;
  }).catch(() => {}));

  replace(main,
    agreementHeader(a),
    h('p', null, h('a', { href: `#/pk/${enc(id)}` }, '← Kembali ke PK')),
    a.state?.returnedReason ? notice('warn', `Dikembalikan atasan: ${a.state.returnedReason}`) : null,
    canEdit ? null : notice('warn', 'Draf hanya dapat diubah oleh Pihak Pertama pada tahap penyusunan.'),
    isRoot && !a.content && content.objectives.length
      ? notice('info', 'Draf awal diisi dari IKU Pemda (RPJMD): periksa targetnya, lengkapi anggaran, lalu simpan.') : null,
    parents.items.length ? null : notice('info', 'Indikator atasan belum tersedia; indikator hanya dapat ditandai sebagai tugas tambahan.'),
    form,
    h('div', { class: 'actions sticky' }, save, submit, summary));
}
