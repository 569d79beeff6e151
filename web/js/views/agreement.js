// One PK: who and where it stands, what the caller can do now (review, verify a quarter, or a link
// to draft, sign or report), its content, realizations and scores, documents and timeline.
import { h, replace } from '../dom.js';
import { agreementPath, api, enc, get, getBlob } from '../api.js';
import { actorText, fmtDateTime, fmtNumber, fmtPercent, fmtRupiah, PARTY, positionTitle, QUARTER_STATUS, ROMAN } from '../format.js';
import { busy, dueInfo, notice, phaseBadge, section, showProblems, table } from '../ui.js';
import { contentView } from '../content-view.js';
import { capaianToDate, categoryOf, indicatorsOf, showAchievement, valuesByIndicator } from '../capaian.js';
import { timelineList } from './timeline.js';
import { evidenceList } from '../evidence.js';
import { canEvaluate, evaluationPanel } from './evaluation.js';
import { canRevise, revisionPanel } from './revision.js';
import { adminActionsPanel, canAdminister } from './admin-actions.js';

/** The live phase from the workflow when it answered; the read model can be a moment behind. */
export const phaseOf = (a) => a.state?.phase ?? a.phase;
/** Whose action is awaited, live when the workflow answered. */
export const awaitingOf = (a) => a.state?.deadline?.awaiting ?? a.awaitingPositionId;

export function agreementHeader(a) {
  return h('header', { class: 'pk-head' },
    h('h1', null, `PK ${positionTitle(a)}`),
    h('p', null, a.position?.official?.name ?? '', a.position?.official?.nip ? ` · NIP ${a.position.official.nip}` : ''),
    a.secondParty ? h('p', { class: 'muted' }, `Pihak Kedua: ${a.secondParty.official.name} (${a.secondParty.title})`) : null,
    h('div', { class: 'head-meta' }, phaseBadge(phaseOf(a)), h('span', null, `Versi ${a.version}`), a.dueAt ? dueInfo(a, a.utcOffsetHours) : null));
}

export const myPositions = (me, cycleId) => (me.positions ?? []).filter((p) => p.cycleId === cycleId).map((p) => p.positionId);

function reasonForm(label, onSubmit) {
  const reason = h('textarea', { name: 'reason', rows: 2, required: true, 'data-path': '/reason' });
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit', class: 'danger' }, label);
  const form = h('form', { class: 'reason-form' }, h('label', null, 'Alasan', reason), button, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!reason.value.trim()) return showProblems(form, [{ path: '/reason', code: 'empty_name', message: '' }], status);
    busy(button, status, () => onSubmit(reason.value.trim())).catch((err) => showProblems(form, err.problems ?? [], null));
  });
  return form;
}

function reviewPanel(a, reload) {
  const status = h('div', { class: 'status' });
  const approve = h('button', { type: 'button', class: 'primary' }, 'Setujui draf');
  approve.addEventListener('click', () => busy(approve, status, async () => {
    await api('POST', `${agreementPath(a.id)}/review/approve`);
    replace(status, notice('success', 'Draf disetujui; PK lanjut ke penandatanganan.'));
    await reload();
  }).catch(() => {}));
  return section('Reviu draf',
    h('p', null, 'Periksa isi PK di bawah, lalu setujui atau kembalikan dengan alasan.'),
    h('div', { class: 'actions' }, approve), status,
    h('h3', null, 'Kembalikan ke Pihak Pertama'),
    reasonForm('Kembalikan draf', async (reason) => {
      await api('POST', `${agreementPath(a.id)}/review/return`, { reason });
      await reload();
    }));
}

function verifyPanel(a, quarter, report, evidence, reload) {
  const status = h('div', { class: 'status' });
  const verify = h('button', { type: 'button', class: 'primary' }, `Verifikasi Triwulan ${ROMAN[quarter - 1]}`);
  verify.addEventListener('click', () => busy(verify, status, async () => {
    await api('POST', `${agreementPath(a.id)}/realizations/${quarter}/verify`);
    await reload();
  }).catch(() => {}));
  return section(`Verifikasi realisasi Triwulan ${ROMAN[quarter - 1]}`,
    report?.note ? h('p', null, `Catatan pelapor: ${report.note}`) : null,
    h('h3', null, 'Bukti dukung'),
    evidenceList(evidence.filter((e) => e.quarter === quarter)),
    h('div', { class: 'actions' }, verify), status,
    h('h3', null, 'Kembalikan laporan'),
    reasonForm('Kembalikan laporan', async (reason) => {
      await api('POST', `${agreementPath(a.id)}/realizations/${quarter}/return`, { reason });
      await reload();
    }));
}

function quartersTable(a, isOwner) {
  const quarters = a.state?.quarters ?? [];
  if (!quarters.length) return null;
  return table(['Triwulan', 'Status', 'Dilaporkan', 'Diverifikasi', ''], quarters.map((q) =>
    h('tr', { 'data-quarter': q.quarter, 'data-status': q.status },
      h('td', null, `Triwulan ${ROMAN[q.quarter - 1]}`),
      h('td', null, QUARTER_STATUS[q.status] ?? q.status, q.returnedReason ? h('div', { class: 'small warn' }, `Dikembalikan: ${q.returnedReason}`) : null),
      h('td', null, fmtDateTime(q.reportedAt, a.utcOffsetHours)),
      h('td', null, fmtDateTime(q.verifiedAt, a.utcOffsetHours)),
      h('td', null, isOwner && q.status === 'open' ? h('a', { href: `#/pk/${enc(a.id)}/laporan/${q.quarter}`, class: 'button' }, 'Laporkan') : ''))));
}

function realizationSection(a, data) {
  const indicators = indicatorsOf(a.content?.content);
  const values = valuesByIndicator(data.quarters);
  const evaluation = a.state?.evaluation;
  const scores = new Map((evaluation?.indicators ?? []).map((s) => [s.indicatorId, s]));
  const rows = indicators.map((i) => {
    const v = values.get(i.id) ?? [null, null, null, null];
    const year = capaianToDate(i, v, data.rules);
    const score = scores.get(i.id);
    return h('tr', { 'data-indicator': i.id },
      h('td', null, i.name, h('div', { class: 'muted small' }, `Target ${fmtNumber(i.target)} ${i.unit}`)),
      v.map((x) => h('td', { class: 'num' }, fmtNumber(x))),
      h('td', { class: 'num', 'data-testid': 'capaian' }, showAchievement(year.achievement), h('div', { class: 'small muted' }, categoryOf(year.achievement.capaian, data.rules) ?? '')),
      h('td', null, score
        ? [fmtPercent(score.adjusted ?? score.computed), score.adjusted !== undefined && score.adjusted !== null
            ? h('div', { class: 'small warn' }, `Disesuaikan dari ${fmtPercent(score.computed)}: ${score.adjustmentReason ?? ''}`) : null]
        : '—'));
  });
  const pagu = (a.content?.content?.budget ?? []).reduce((sum, b) => sum + b.amount, 0);
  const spent = (data.quarters ?? []).reduce((sum, q) => sum + q.budgetSpent.reduce((x, y) => x + y, 0), 0);
  return section('Realisasi dan capaian',
    table(['Indikator', 'TW I', 'TW II', 'TW III', 'TW IV', 'Capaian s.d. kini', 'Nilai evaluasi (%)'], rows, { 'data-testid': 'realizations' }),
    h('p', null, `Anggaran ${fmtRupiah(pagu)} · terserap ${fmtRupiah(spent)}${pagu > 0 ? ` (${fmtPercent(Math.round((spent / pagu) * 10000) / 100)})` : ''}`),
    evaluation || a.score !== null
      ? h('p', { 'data-testid': 'score' }, `${phaseOf(a) === 'closed' ? 'Nilai akhir PK' : 'Nilai PK'}: ${fmtPercent(evaluation?.score ?? a.score)} · Predikat: ${(evaluation?.predicate ?? a.predicate) || '—'}`)
      : null,
    phaseOf(a) === 'closed' ? h('p', { class: 'muted', 'data-testid': 'closed' }, `Evaluasi ditutup${evaluation?.closedAt ? ` ${fmtDateTime(evaluation.closedAt, a.utcOffsetHours)}` : ''}; nilai tidak dapat diubah lagi.`) : null,
    [1, 2, 3, 4].filter((q) => data.evidence?.some((e) => e.quarter === q)).map((q) => h('div', { 'data-quarter-evidence': q },
      h('h3', null, `Bukti dukung Triwulan ${ROMAN[q - 1]}`), evidenceList(data.evidence.filter((e) => e.quarter === q)))),
    data.evaluation?.adjustments?.length
      ? h('div', null, h('h3', null, 'Penyesuaian tim evaluasi'), h('ul', null, data.evaluation.adjustments.map((x) =>
          h('li', { 'data-testid': 'adjustment' }, `${x.indicatorId === null ? 'Nilai PK' : indicators.find((i) => i.id === x.indicatorId)?.name ?? x.indicatorId}: `
            + `${fmtPercent(x.value)} — ${x.reason}${x.by ? ` (oleh ${actorText(`evaluator:${x.by}`)})` : ''}`))))
      : null);
}

async function openBlob(path, button) {
  const blob = await getBlob(path);
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, target: '_blank', rel: 'noopener' });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  button.blur();
}

function documentsSection(a, docs) {
  if (!docs.items.length) return section('Dokumen', h('p', { class: 'muted' }, 'Belum ada dokumen yang ditandatangani.'));
  return section('Dokumen',
    table(['Versi', 'Pihak', 'Penanda tangan', 'Waktu', 'SHA-256', 'Sah', ''], docs.items.map((d) => {
      const open = h('button', { type: 'button', class: 'link' }, 'Buka PDF');
      open.addEventListener('click', () => openBlob(d.href, open).catch(() => {}));
      return h('tr', { 'data-doc': d.id },
        h('td', null, String(d.version)), h('td', null, PARTY[d.party] ?? d.party), h('td', null, d.signerNip ? `NIP ${d.signerNip}` : d.signerId),
        h('td', null, fmtDateTime(d.signedAt, a.utcOffsetHours)), h('td', { class: 'hash' }, d.sha256),
        h('td', null, d.valid ? h('span', { class: 'badge ok' }, 'Sah') : h('span', { class: 'badge overdue' }, 'Tidak sah')),
        h('td', null, open, ' ', h('a', { href: `#/verify/${enc(d.id)}` }, 'Verifikasi')));
    }), { 'data-testid': 'documents' }));
}

/**
 * A replaced official keeps the versions they signed (the API answers those alone): who signed
 * what and when, the content they signed and its documents; nothing of where the PK stands now.
 */
function signedOnlyView(a, docs) {
  return [
    h('header', { class: 'pk-head' },
      h('h1', null, `PK ${positionTitle(a)}`),
      h('p', { class: 'muted', 'data-testid': 'signed-only' },
        `Anda tidak lagi memegang jabatan ini. Ditampilkan versi yang Anda tanda tangani (versi ${a.signedVersions.join(', ')}); status PK saat ini tidak ditampilkan.`)),
    section('Para pihak yang menandatangani', table(['Versi', 'Pihak', 'Jabatan', 'Nama', 'Ditandatangani'],
      a.parties.map((p) => [String(p.version), PARTY[p.party] ?? p.party, p.title ?? '', p.name ?? '', p.signedAt ? fmtDateTime(p.signedAt, a.utcOffsetHours) : '']))),
    section(`Isi PK (versi ${a.content?.version ?? ''})`, contentView(a.content?.content, a.content?.parentIndicators, a.position?.level)),
    documentsSection(a, docs),
  ];
}

export async function renderAgreement(main, { params, me, isCurrent }) {
  const [id] = params;
  const load = async () => {
    // the realizations are not a replaced official's to read (403): their view shows none
    const realizations = get(`${agreementPath(id)}/realizations`).catch((err) => (err.status === 403 ? null : Promise.reject(err)));
    const [a, data, docs] = await Promise.all([get(agreementPath(id)), realizations, get(`${agreementPath(id)}/documents`)]);
    return { a, data, docs };
  };
  const draw = async () => {
    const { a, data, docs } = await load();
    if (!isCurrent()) return;
    if (a.signedVersions) return replace(main, ...signedOnlyView(a, docs));
    const mine = myPositions(me, a.cycleId);
    const awaitingMe = awaitingOf(a) !== null && mine.includes(awaitingOf(a));
    const isOwner = mine.includes(a.positionId);
    const phase = phaseOf(a);
    const panels = [];
    const base = `#/pk/${enc(a.id)}`;
    if (a.state?.returnedReason && phase === 'drafting') panels.push(notice('warn', `Draf dikembalikan atasan: ${a.state.returnedReason}`));
    if (phase === 'drafting' && awaitingMe) panels.push(h('a', { class: 'button primary', href: `${base}/draf` }, 'Susun / sunting draf'));
    if (phase === 'review' && awaitingMe) panels.push(reviewPanel(a, draw));
    if (phase === 'signing' && awaitingMe) panels.push(h('a', { class: 'button primary', href: `${base}/tanda-tangan` }, 'Tanda tangani PK'));
    if (phase === 'reporting' && awaitingMe && !isOwner) {
      const reported = (a.state?.quarters ?? []).find((q) => q.status === 'reported');
      if (reported) panels.push(verifyPanel(a, reported.quarter, data.quarters.find((q) => q.quarter === reported.quarter), data.evidence ?? [], draw));
    }
    if (canRevise(me, isOwner, phase)) panels.push(revisionPanel(a, draw));
    // the pejabat penilai (the position above) rates the official once the PK is in evaluation
    if (['evaluation', 'closed'].includes(phase) && a.secondParty && mine.includes(a.secondParty.positionId)) {
      panels.push(h('a', { class: 'button primary', href: `${base}/penilaian`, 'data-testid': 'rate-link' }, 'Nilai kinerja pegawai (predikat)'));
    }
    // the evaluation team adjusts and closes once the score is computed (before that the API refuses)
    if (canEvaluate(me, a, phase)) panels.push(evaluationPanel(a, draw));
    else if (me.role === 'evaluator' && phase === 'evaluation') panels.push(notice('info', 'Nilai PK sedang dihitung; muat ulang halaman sebentar lagi untuk mengevaluasi.'));
    // deadline extension, signing unlock and change of official: administrators only
    if (canAdminister(me)) panels.push(adminActionsPanel(a, draw));
    replace(main,
      agreementHeader(a),
      a.live ? null : notice('warn', 'Status langsung tidak tersedia; data dari catatan terakhir.'),
      panels.length ? h('div', { class: 'panels', 'data-testid': 'actions' }, panels) : null,
      // once the year runs, the quarters and what was reported come before the signed content
      a.state?.quarters?.some((q) => q.status !== 'not_open') ? section('Triwulan', quartersTable(a, isOwner)) : null,
      ['reporting', 'evaluation', 'closed'].includes(phase) || data.quarters.length ? realizationSection(a, data) : null,
      section('Isi PK', contentView(a.content?.content, a.content?.parentIndicators, a.position?.level)),
      documentsSection(a, docs),
      h('p', null, h('a', { href: `${base}/linimasa`, class: 'button' }, 'Lihat linimasa lengkap')),
      me.role !== 'official' ? section('Linimasa', await timelineList(a.id, a)) : null);
  };
  await draw();
}
