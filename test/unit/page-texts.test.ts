// The page's texts (web/js/format.js) against the API's source: every problem code the API can send
// has an Indonesian text, and no message shows the server's English detail. The code lists are read
// from the source, so a new code without a text fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ZodIssueCode } from 'zod';
import { EXPECTATION_LABELS, PHASE_LABELS } from '../../domain/labels';
import { PHASES } from '../../workflows/messages';

const ROOT = join(__dirname, '..', '..');

interface PageError { status: number; code: string; message: string; problem: Record<string, unknown>; problems: Problem[]; unplaced?: Problem[]; names?: Map<string, string> }
interface Problem { path: string; code: string; message: string }
// web/js is plain ES modules for the browser; jest's swc turns format.js into CommonJS
const format = require('../../web/js/format.js') as {
  errorMessage(err: PageError, utcOffsetHours?: number): string;
  problemMessage(p: Problem): string;
  fmtDateTime(iso: string, utcOffsetHours?: number | null): string;
  describeTimelineEntry(e: { at: string; source: string; kind: string; summary: string; data: Record<string, unknown> }, utcOffsetHours?: number, pk?: { reviewed: boolean }): string;
  SIGNATURE_PROBLEM: Record<string, string>;
  escalationLabel(level: number, reachedPost?: string): string;
  describePath(path: string | undefined): string;
  fmtFileSize(bytes: number): string;
  positionTitle(a: { positionId: string; position?: { title: string } }): string;
  EMPTY_FILE: string;
  PHASE: Record<string, string>;
  taskLabel(task: string): string;
  taskPending(task: string): string;
  inboxTaskItem(item: { task: string; quarter?: number }): string;
};

const ENGLISH = 'Zebra detail in English that must never reach the page';

function sources(...dirs: string[]): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push({ file: relative(ROOT, full), text: readFileSync(full, 'utf8') });
    }
  };
  for (const dir of dirs) walk(join(ROOT, dir));
  return out;
}

/** Every whole-request problem code with its status, as the API's source builds them. */
function requestCodes(): Map<string, number> {
  const codes = new Map<string, number>();
  const add = (code: string, status: number, file: string) => {
    if (!codes.has(code)) codes.set(code, status);
    expect([file, code]).toEqual([file, expect.stringMatching(/^[a-z][a-z_]*$/)]);
  };
  for (const { file, text } of sources('api', 'db', 'workflows', 'activities', 'signing')) {
    // new HttpProblem(409, 'code', …), sendProblem(res, 401, 'code', …), db/official-change's problem(409, …),
    // with a conditional code: (409, cond ? 'a' : 'b', …)
    for (const m of text.matchAll(/\b(?:HttpProblem|sendProblem|problem)\(\s*(?:\w+,\s*)?(\d{3}),\s*(?:[^?,]*\?\s*)?'([a-z_]+)'(?:\s*:\s*'([a-z_]+)')?/g)) {
      add(m[2], Number(m[1]), file);
      if (m[3]) add(m[3], Number(m[1]), file);
    }
    // { status: 409, code: 'wrong_phase' }: api/workflow-errors.ts MAPPING, the constraint problems, the changes' outcomes
    for (const m of text.matchAll(/status: (\d{3}), code: '([a-z_]+)'/g)) add(m[2], Number(m[1]), file);
    // the ratings' blockers: 409 with the first blocker's code
    for (const m of text.matchAll(/blockers\.push\(\{ code: '([a-z_]+)'/g)) add(m[1], 409, file);
  }
  return codes;
}

/** Every per-field problem code: domain's problem(…) and coded(…), literal { code, message } objects, zod's and schema-problems.ts's codes. */
function fieldCodes(): Set<string> {
  const codes = new Set<string>(Object.values(ZodIssueCode));
  for (const { text } of sources('domain', 'api', 'db', 'workflows', 'activities', 'signing')) {
    for (const m of text.matchAll(/\bproblem\(\s*(?:\[[^\]]*\]|[A-Za-z_]\w*),\s*'([a-z_]+)'/g)) codes.add(m[1]);
    for (const m of text.matchAll(/\bcoded\('([a-z_]+)'/g)) codes.add(m[1]);
    for (const m of text.matchAll(/\bcode: '([a-z_]+)',\s*message:/g)) codes.add(m[1]);
  }
  const schema = readFileSync(join(ROOT, 'domain', 'schema-problems.ts'), 'utf8');
  for (const m of schema.matchAll(/^\s+\w+: '([a-z_]+)',$/gm)) codes.add(m[1]);
  for (const m of schema.matchAll(/return '([a-z_]+)'/g)) codes.add(m[1]);
  return codes;
}

const pageError = (status: number, code: string, extra: Partial<PageError> = {}): PageError =>
  ({ status, code, message: ENGLISH, problem: { code, detail: ENGLISH }, problems: [], ...extra });

test('the code lists read from the source hold the codes we know of (the patterns still match the source)', () => {
  const request = requestCodes();
  for (const code of ['wrong_phase', 'unknown_signer', 'action_failed', 'conflict', 'cycle_exists', 'ratings_incomplete', 'nip_in_use', 'token_expired', 'rate_limited', 'internal']) {
    expect([code, request.has(code)]).toEqual([code, true]);
  }
  const field = fieldCodes();
  for (const code of ['unknown_unit', 'missing_root', 'malformed_official_id', 'duplicate_official_id', 'too_long', 'invalid_id', 'invalid_data', 'missing_body', 'invalid_caption', 'conflicting_unit_name', 'invalid_target']) {
    expect([code, field.has(code)]).toEqual([code, true]);
  }
});

test('every whole-request problem code the API can send has an Indonesian text, never the English detail', () => {
  const missing: string[] = [];
  for (const [code, status] of requestCodes()) {
    const text = format.errorMessage(pageError(status, code));
    expect(text).not.toContain(ENGLISH);
    expect(text).not.toMatch(/Permintaan gagal/);
    if (/\(kode: /.test(text)) missing.push(code);
  }
  expect(missing).toEqual([]);
});

test('every per-field problem code has an Indonesian text, never the server message', () => {
  const missing: string[] = [];
  for (const code of fieldCodes()) {
    const text = format.problemMessage({ path: '/x', code, message: ENGLISH });
    expect(text).not.toContain(ENGLISH);
    if (/\(kode: /.test(text)) missing.push(code);
  }
  expect(missing).toEqual([]);
});

test('an unknown code gets an Indonesian sentence naming the code, not the detail', () => {
  expect(format.errorMessage(pageError(409, 'brand_new_code'))).toBe('Permintaan tidak dapat diproses (kode: brand_new_code).');
  expect(format.errorMessage(pageError(502, 'http_error'))).toBe('Layanan sedang tidak tersedia; coba lagi sebentar lagi.');
  // an answer with no problem document (a proxy's body limit, its 404): said by its status, never a code
  expect(format.errorMessage(pageError(413, 'http_error'))).toBe('Berkas terlalu besar.');
  expect(format.errorMessage(pageError(404, 'http_error'))).toBe('Data tidak ditemukan.');
  // the statuses say what their codes say (one sentence each, not a copy)
  expect(format.errorMessage(pageError(401, 'http_error'))).toBe(format.errorMessage(pageError(401, 'unauthorized')));
  expect(format.errorMessage(pageError(403, 'http_error'))).toBe(format.errorMessage(pageError(403, 'forbidden')));
  expect(format.errorMessage(pageError(404, 'http_error'))).toBe(format.errorMessage(pageError(404, 'not_found')));
  expect(format.errorMessage(pageError(413, 'http_error'))).toBe(format.errorMessage(pageError(413, 'body_too_large')));
  expect(format.errorMessage(pageError(401, 'http_error'))).toBe('Sesi Anda sudah berakhir; silakan masuk lagi.');
  expect(format.errorMessage(pageError(403, 'http_error'))).toBe('Anda tidak berhak melihat atau mengubah ini.');
  expect(format.errorMessage(pageError(418, 'http_error'))).toBe('Permintaan tidak dapat diproses (status 418); coba lagi atau hubungi administrator Kinerja.');
  expect(format.problemMessage({ path: '/a', code: 'brand_new_code', message: ENGLISH })).toBe('Isian tidak valid (kode: brand_new_code).');
  // a code that is an Object.prototype name is still unknown
  expect(format.problemMessage({ path: '/a', code: 'constructor', message: ENGLISH })).toBe('Isian tidak valid (kode: constructor).');
});

test('an empty file is said to be empty, by the page and from the API\'s code; a file size reads with a decimal comma', () => {
  expect(format.errorMessage(pageError(400, 'empty_file'))).toBe('Berkas kosong.');
  expect(format.EMPTY_FILE).toBe('Berkas kosong.');
  expect(format.fmtFileSize(2.5 * 1024 * 1024)).toBe('2,5 MB');
  expect(format.fmtFileSize(10 * 1024 * 1024)).toBe('10 MB');
  expect(format.fmtFileSize(40 * 1024)).toBe('40 KB');
  expect(format.fmtFileSize(10)).toBe('1 KB');
});

test('a missing NIP is said to be missing, with its own code, not malformed', () => {
  expect(format.problemMessage({ path: '/nip', code: 'missing_nip', message: ENGLISH })).toBe('NIP wajib diisi; hanya Kepala Daerah yang boleh tanpa NIP.');
  expect(format.problemMessage({ path: '/nip', code: 'malformed_nip', message: ENGLISH })).toBe('NIP harus tepat 18 digit.');
});

test('an escalation level names the post it reached where that is known, and never guesses it from the number', () => {
  expect(format.escalationLabel(0)).toBe('Belum dieskalasi');
  expect(format.escalationLabel(1)).toBe('Eskalasi tingkat 1');
  expect(format.escalationLabel(2, 'Sekretaris Daerah')).toBe('Eskalasi tingkat 2 (kepada Sekretaris Daerah)');
  const line = (kind: string, data: Record<string, unknown>) => format.describeTimelineEntry({ at: '2026-01-01T00:00:00Z', source: 'audit', kind, summary: ENGLISH, data });
  expect(line('deadline.escalated', { item: 'draft', level: 2 })).toBe('"Susun draf PK" terlambat: dieskalasi ke tingkat 2');
});

test("a submitted draft goes to review, except the Kepala Daerah's, which goes straight to signing", () => {
  const submitted = { at: '2026-01-01T00:00:00Z', source: 'audit', kind: 'draft.submitted', summary: ENGLISH, data: { contentHash: 'ab' } };
  expect(format.describeTimelineEntry(submitted)).toBe('Draf diajukan untuk reviu');
  expect(format.describeTimelineEntry(submitted, 7, { reviewed: true })).toBe('Draf diajukan untuk reviu');
  expect(format.describeTimelineEntry(submitted, 7, { reviewed: false })).toBe('Draf difinalkan untuk penandatanganan');
});

test('a position without a title says so, with its code as a fallback', () => {
  expect(format.positionTitle({ positionId: 'kepala-dinkes', position: { title: 'Kepala Dinas Kesehatan' } })).toBe('Kepala Dinas Kesehatan');
  expect(format.positionTitle({ positionId: 'kepala-dinkes' })).toBe('Jabatan tanpa nama (kode kepala-dinkes)');
});

test('a problem the form has no field for says where it is as the form numbers things, not its JSON pointer', () => {
  expect(format.describePath('/objectives/0/indicators/2/parentIndicatorId')).toBe('Sasaran 1, indikator 3');
  expect(format.describePath('/objectives/1/indicators/0/quarterlyTargets/3')).toBe('Sasaran 2, indikator 1, target triwulan IV');
  expect(format.describePath('/budget/1/amount')).toBe('Baris anggaran 2');
  expect(format.describePath('/objectives/0')).toBe('Sasaran 1');
  expect(format.describePath('/note')).toBe('Catatan');
  expect(format.describePath('')).toBe('PK');
  expect(format.describePath(undefined)).toBe('PK');
  expect(format.describePath('/somethingNew')).toBe('PK');
});

test('a rejection naming an indicator by its id says its name when the view knows it', () => {
  const rejection = pageError(422, 'invalid_data', { message: 'adjusting kadis-dinkes-m1x9k2abc needs a written reason' });
  expect(format.errorMessage({ ...rejection, names: new Map([['kadis-dinkes-m1x9k2abc', 'Usia Harapan Hidup']]) }))
    .toBe('Penyesuaian indikator "Usia Harapan Hidup" memerlukan alasan tertulis.');
  expect(format.errorMessage(rejection)).toBe('Penyesuaian salah satu indikator (kode kadis-dinkes-m1x9k2abc) memerlukan alasan tertulis.');
});

test('the workflow\'s rejections without a field path read in Indonesian, in the status line', () => {
  const rejection = (message: string) => pageError(422, 'invalid_data', { problems: [{ path: '', code: 'invalid_data', message }] });
  expect(format.errorMessage(rejection('a reason is required to return a report'))).toBe('Alasan pengembalian laporan wajib diisi.');
  expect(format.errorMessage(rejection('save a draft before submitting it'))).toBe('Simpan draf terlebih dahulu sebelum mengajukannya.');
  expect(format.errorMessage(rejection('each realization value must be a number from 0 to 1000000000000000, or null')))
    .toBe('Setiap realisasi harus angka 0 sampai 1.000.000.000.000.000, atau dikosongkan.');
  expect(format.errorMessage(rejection('the text at /note contains a NUL character or a broken UTF-16 surrogate, which cannot be stored')))
    .toBe('Teks memuat karakter yang tidak dapat disimpan; ketik ulang tanpa menempel dari dokumen lain.');
  expect(format.errorMessage(rejection(ENGLISH))).toBe('Data tidak valid; periksa isian lalu coba lagi.');
  // problems placed beside their fields are pointed to; one the view could not place is said as well
  const mixed = pageError(422, 'invalid_data', { problems: [{ path: '/realizations/0/value', code: 'too_small', message: ENGLISH }, { path: '/budgetSpent', code: 'too_many', message: 'Too big: expected array to have <=3 items' }] });
  expect(format.errorMessage(mixed)).toBe('Ada isian yang perlu diperbaiki (lihat pesan di samping isian).');
  expect(format.errorMessage({ ...mixed, unplaced: [mixed.problems[1]] }))
    .toBe('Ada isian yang perlu diperbaiki (lihat pesan di samping isian). Jumlah butir terlalu banyak (maks. 3).');
  // a constraint problem (no problems list) by its detail
  expect(format.errorMessage(pageError(422, 'invalid_data', { message: 'The request refers to something that does not exist; nothing was changed.' })))
    .toBe('Data merujuk ke sesuatu yang tidak ada; tidak ada yang berubah.');
});

test('the attempt that sets the signing lock says until when; the lock says whom to ask', () => {
  const lockedUntil = '2026-12-01T03:15:00.000Z';
  const locking = pageError(422, 'wrong_passphrase', { problem: { attemptsLeft: 0, lockedUntil } });
  expect(format.errorMessage(locking)).toBe(`Frasa sandi salah. Penandatanganan dikunci hingga ${format.fmtDateTime(lockedUntil)}.`);
  expect(format.fmtDateTime(lockedUntil)).toMatch(/10[.:]15 WIB$/);
  expect(format.errorMessage(pageError(422, 'wrong_passphrase', { problem: { attemptsLeft: 2 } })))
    .toBe('Frasa sandi salah; dokumen tidak ditandatangani. Sisa percobaan: 2.');
  expect(format.errorMessage(pageError(423, 'signing_locked', { problem: { lockedUntil } })))
    .toBe(`Penandatanganan dikunci karena frasa sandi salah berulang kali hingga ${format.fmtDateTime(lockedUntil)}. Hubungi administrator Kinerja bila perlu dibuka lebih cepat.`);
});

test('a time reads in the zone of the PK\'s region: the same end of day is 23.59 WITA in Makassar and 22.59 WIB in Jakarta', () => {
  // the end of 20 April in UTC+8 (domain/schedule.ts endOfLocalDay)
  const dueInWita = '2026-04-20T15:59:59.999Z';
  expect(format.fmtDateTime(dueInWita, 8)).toMatch(/^20 Apr 2026,? 23[.:]59 WITA$/);
  expect(format.fmtDateTime(dueInWita, 7)).toMatch(/^20 Apr 2026,? 22[.:]59 WIB$/);
  expect(format.fmtDateTime(dueInWita, 9)).toMatch(/^21 Apr 2026,? 00[.:]59 WIT$/);
  // no PK in view (a PDF this system did not issue): WIB
  expect(format.fmtDateTime(dueInWita)).toBe(format.fmtDateTime(dueInWita, 7));
  expect(format.fmtDateTime(dueInWita, null)).toBe(format.fmtDateTime(dueInWita, 7));
  // an offset outside Indonesia is named by its offset
  expect(format.fmtDateTime(dueInWita, 10)).toMatch(/^21 Apr 2026,? 01[.:]59 UTC\+10$/);
  expect(format.fmtDateTime(null as unknown as string, 8)).toBe('—');
  // the texts that carry a time carry it in the PK's zone
  const lock = pageError(423, 'signing_locked', { problem: { lockedUntil: dueInWita } });
  expect(format.errorMessage(lock, 8)).toContain(`hingga ${format.fmtDateTime(dueInWita, 8)}.`);
  expect(format.describeTimelineEntry({ at: dueInWita, source: 'audit', kind: 'deadline.extended', summary: ENGLISH, data: { item: 'draft', dueAt: dueInWita, reason: 'banjir' } }, 9))
    .toBe(`Tenggat "Susun draf PK" diperpanjang hingga ${format.fmtDateTime(dueInWita, 9)}: banjir`);
});

test('an inbox report or verification names its quarter; a task without one reads as before', () => {
  const label = (item: { task: string; quarter?: number }) => format.taskLabel(format.inboxTaskItem(item));
  expect(label({ task: 'report', quarter: 1 })).toBe('Laporkan realisasi Triwulan I');
  expect(label({ task: 'verify', quarter: 3 })).toBe('Verifikasi realisasi Triwulan III');
  expect(format.taskPending(format.inboxTaskItem({ task: 'verify', quarter: 4 }))).toBe('memverifikasi realisasi Triwulan IV');
  // an answer without the quarter (an older API) keeps the general wording
  expect(label({ task: 'report' })).toBe('Laporkan realisasi triwulan');
  expect(label({ task: 'draft' })).toBe('Susun draf PK');
  expect(label({ task: 'sign:first', quarter: 2 })).toBe('Tanda tangani sebagai Pihak Pertama');
});

/** Every audit action the code writes: `action: 'x.y'` literals and the constants passed as `action: NAME`. */
function auditActions(): Set<string> {
  const actions = new Set<string>();
  for (const { text } of sources('api', 'db', 'workflows', 'activities', 'domain')) {
    for (const m of text.matchAll(/\baction: '([a-z_.]+)'/g)) actions.add(m[1]);
    for (const m of text.matchAll(/\baction: ([A-Z][A-Z_]+)\b/g)) {
      const value = new RegExp(`\\b${m[1]} = '([a-z_.]+)'`).exec(text)?.[1];
      if (value) actions.add(value);
    }
    // evaluation.adjusted / evaluation.closed are chosen by a condition
    for (const m of text.matchAll(/\baction: [^'\n,]*\? '([a-z_.]+)' : '([a-z_.]+)'/g)) actions.add(m[1]).add(m[2]);
  }
  return actions;
}

test('every audit action and Temporal line the timeline can show reads in Indonesian', () => {
  const actions = auditActions();
  for (const action of ['signing.wrong_passphrase', 'signing.locked', 'signing.unlocked', 'evaluation.computed', 'evaluation.adjusted', 'evaluation.closed', 'rating.saved', 'realization.opened', 'evidence.added', 'notification.requeued']) {
    expect([action, actions.has(action)]).toEqual([action, true]);
  }
  const history = readFileSync(join(ROOT, 'api', 'history.ts'), 'utf8');
  const temporalKinds = [...history.matchAll(/kind: '([a-z_.]+)'/g)].map((m) => m[1]);
  expect(temporalKinds).toEqual(expect.arrayContaining(['update.accepted', 'activity.completed', 'signal', 'workflow.continued']));
  const unknown = [...actions, ...temporalKinds, 'update.failed'].filter((kind) =>
    format.describeTimelineEntry({ at: '2026-01-01T00:00:00Z', source: 'audit', kind, summary: ENGLISH, data: {} }) === 'Peristiwa lain tercatat');
  expect(unknown).toEqual([]);
});

test('timeline lines: the lockout, the evaluation, deadline items and revision reasons in words, no code names, no doubled prefix', () => {
  const line = (kind: string, data: Record<string, unknown> = {}, summary = ENGLISH, source = 'audit') =>
    format.describeTimelineEntry({ at: '2026-01-01T00:00:00Z', source, kind, summary, data });
  expect(line('signing.wrong_passphrase', { party: 'first', attemptsLeft: 3 })).toBe('Frasa sandi salah saat tanda tangan Pihak Pertama (sisa 3 percobaan)');
  expect(line('signing.locked', { lockedUntil: '2026-12-01T03:15:00.000Z' })).toBe(`Penandatanganan dikunci hingga ${format.fmtDateTime('2026-12-01T03:15:00.000Z')}`);
  expect(line('signing.unlocked')).toBe('Kunci penandatanganan dibuka administrator');
  expect(line('evaluation.computed', { score: 97.5, predicate: 'Baik' })).toBe('Nilai PK dihitung: 97,5%, predikat Baik');
  expect(line('evaluation.adjusted', { adjustments: [{}] })).toBe('Nilai disesuaikan tim evaluasi (1 penyesuaian)');
  expect(line('evaluation.closed')).toBe('Evaluasi PK ditutup');
  expect(line('rating.saved')).toBe('Penilaian pegawai disimpan');
  expect(line('realization.opened', { quarter: 2 })).toBe('Triwulan II dibuka untuk pelaporan');
  expect(line('deadline.extended', { item: 'report:Q1', dueAt: '2026-04-20T09:00:00Z', reason: 'banjir' }))
    .toBe(`Tenggat "Laporkan realisasi Triwulan I" diperpanjang hingga ${format.fmtDateTime('2026-04-20T09:00:00Z')}: banjir`);
  expect(line('revision.started', { reason: 'budget', note: 'APBD-P' })).toBe('PK Perubahan dimulai (perubahan anggaran): APBD-P');
  expect(line('update.accepted', { update: 'saveDraft' }, ENGLISH, 'temporal')).toBe('Tindakan "Simpan draf" diterima');
  expect(line('activity.completed', { activity: 'someNewActivity' }, ENGLISH, 'temporal')).toBe('Langkah proses selesai');
  expect(line('signal', { signal: 'superiorSigned' }, ENGLISH, 'temporal')).toBe('Pemberitahuan diterima: PK atasan sudah ditandatangani');
  const reminder = 'Pengingat: batas waktu menyusun dan mengajukan draf Perjanjian Kinerja (10 Januari 2026)';
  expect(line('reminder', {}, reminder, 'notification')).toBe(reminder);
  const escalation = 'Eskalasi tingkat 1: Kepala Dinas belum menyusun dan mengajukan draf Perjanjian Kinerja';
  expect(line('escalation.level1', {}, escalation, 'notification')).toBe(escalation);
});

test('every update, signal and activity of the agreement workflow has a name in words on the timeline', () => {
  const workflows = sources('workflows').map((f) => f.text).join('\n');
  const updates = [...workflows.matchAll(/defineUpdate<[^(]*\(\s*'(\w+)'/g)].map((m) => m[1]);
  const signals = [...workflows.matchAll(/defineSignal<[^(]*\(\s*'(\w+)'/g)].map((m) => m[1]);
  const activities = [...new Set([...workflows.matchAll(/\b(?:slow|localSlow|releaser|signer|writes|localWrites)\.(\w+)\(/g)].map((m) => m[1]))];
  expect(updates).toEqual(expect.arrayContaining(['saveDraft', 'sign', 'evaluate']));
  expect(activities).toEqual(expect.arrayContaining(['signAgreement', 'notify']));
  const line = (kind: string, data: Record<string, unknown>) => format.describeTimelineEntry({ at: '2026-01-01T00:00:00Z', source: 'temporal', kind, summary: ENGLISH, data });
  expect(updates.filter((update) => line('update.completed', { update }) === 'Tindakan selesai')).toEqual([]);
  expect(signals.filter((signal) => line('signal', { signal }) === 'Pemberitahuan diterima')).toEqual([]);
  expect(activities.filter((activity) => line('activity.completed', { activity }) === 'Langkah proses selesai')).toEqual([]);
});

test('the public verification titles a version after the first as a PK Perubahan, as its PDF is titled', () => {
  const { issuedTitle } = require('../../web/js/verification-report.js') as { issuedTitle(issued: { version: number; agreementOf: { title: string; year: number } }): string };
  const agreementOf = { title: 'Kepala Dinas Kesehatan', year: 2026 };
  expect(issuedTitle({ version: 1, agreementOf })).toBe('Perjanjian Kinerja Kepala Dinas Kesehatan Tahun 2026');
  expect(issuedTitle({ version: 2, agreementOf })).toBe('Perjanjian Kinerja Perubahan Kepala Dinas Kesehatan Tahun 2026');
});

test("a spreadsheet's missing column is named by its template header", () => {
  expect(format.problemMessage({ path: '', code: 'missing_column', message: ENGLISH, location: { sheet: 'jabatan', row: 1, header: 'email' } } as Problem))
    .toBe('Kolom wajib "email" tidak ada di baris judul.');
  expect(format.problemMessage({ path: '', code: 'missing_column', message: ENGLISH } as Problem)).toBe('Kolom wajib tidak ada di baris judul.');
});

test('the page and the Excel downloads name phases, hasil kerja and perilaku from one table (domain/labels.ts, served as /lib/labels.js)', () => {
  expect(format.PHASE).toBe(PHASE_LABELS);
  expect(Object.keys(PHASE_LABELS)).toEqual(PHASES);
  const rating = require('../../web/js/views/rating.js') as { EXPECTATION: Record<string, string> };
  expect(rating.EXPECTATION).toBe(EXPECTATION_LABELS);
  expect(Object.keys(EXPECTATION_LABELS)).toEqual(['di_atas', 'sesuai', 'di_bawah']);
});
