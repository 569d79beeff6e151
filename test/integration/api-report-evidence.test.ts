// Evidence (bukti dukung) of a quarterly report through the API: the official attaches a PDF, an
// image and a link with captions; a file whose content is none of the accepted types is refused
// whatever its name and declared type; the superior lists and downloads them beside the numbers;
// a returned report's evidence changes, a verified one's cannot; every change is on the audit log
// and the timeline, and a file is stored once by its SHA-256.
import type { Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, tokens, startStackWithCycle } from '../support/api-client';
import { toFirstQuarter } from '../support/reporting';

const ORG = 'kab-evidence';
const org = sampleOrganisation(ORG, new Date().getFullYear() - 1);
const dinkes = `pk:${ORG}:${org.year}:kepala-dinkes`;
const evidencePath = `/api/agreements/${enc(dinkes)}/realizations/1/evidence`;
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
let owner: string;
let superior: string;

jest.setTimeout(120_000);

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n% laporan kegiatan posyandu\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(512, 0x90)]);

async function upload(bytes: Buffer, type: string, query: Record<string, string>, token = owner) {
  const res = await fetch(`${stack.baseUrl}${evidencePath}?${new URLSearchParams(query)}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: new Uint8Array(bytes),
  });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running'));
  owner = t.official(nipOf(org, 'kepala-dinkes'));
  superior = t.official(nipOf(org, 'bupati'));
  await toFirstQuarter(call, t.evaluator, t.official, org, 'kepala-dinkes', 'bupati');
});
afterAll(async () => {
  await stack?.stop();
});

test('files and links with captions; types told by content; the superior sees and downloads them', async () => {
  const pdf = await upload(PDF, 'application/pdf', { caption: 'Laporan kegiatan posyandu', name: 'laporan.pdf' });
  expect(pdf).toMatchObject({ status: 201, body: { kind: 'file', mediaType: 'application/pdf', size: PDF.length, caption: 'Laporan kegiatan posyandu', fileName: 'laporan.pdf' } });
  // an image sent as an unknown type is still recognised as PNG
  const png = await upload(PNG, 'application/octet-stream', { caption: 'Foto kegiatan' });
  expect(png).toMatchObject({ status: 201, body: { mediaType: 'image/png' } });
  const link = await call('POST', evidencePath, { token: owner, body: { url: 'https://data.example.go.id/posyandu/2024', caption: 'Data posyandu' } });
  expect(link).toMatchObject({ status: 201, body: { kind: 'link', url: 'https://data.example.go.id/posyandu/2024' } });
  // the same file again is a second piece of evidence, stored once
  expect((await upload(PDF, 'application/pdf', { caption: 'Laporan (salinan)' })).status).toBe(201);
  expect((await stack.db.query('SELECT count(*)::int AS n FROM evidence_files WHERE sha256 = $1', [pdf.body.sha256])).rows[0].n).toBe(1);

  // refused: a program named and declared as a PDF, an empty file (said as empty, not as a wrong type),
  // a type the route does not take, no caption, a script link, another official
  expect(await upload(EXE, 'application/pdf', { caption: 'Bukti', name: 'bukti.pdf' })).toMatchObject({ status: 415, body: { code: 'unsupported_evidence_type' } });
  expect(await upload(Buffer.alloc(0), 'application/pdf', { caption: 'Bukti', name: 'kosong.pdf' })).toMatchObject({ status: 400, body: { code: 'empty_file' } });
  expect(await upload(PDF, 'text/html', { caption: 'Bukti' })).toMatchObject({ status: 415, body: { code: 'unsupported_media_type' } });
  const noCaption = await upload(PDF, 'application/pdf', {});
  expect([noCaption.status, noCaption.body.problems?.[0]?.path]).toEqual([422, '/caption']);
  const badLink = await call('POST', evidencePath, { token: owner, body: { url: 'javascript:alert(1)', caption: 'x' } });
  expect([badLink.status, badLink.body.problems[0].code]).toEqual([422, 'invalid_url']);
  expect(await upload(PDF, 'application/pdf', { caption: 'Bukti' }, superior)).toMatchObject({ status: 403, body: { code: 'wrong_person' } });
  expect((await upload(Buffer.alloc(11 * 1024 * 1024, 0x25), 'application/pdf', { caption: 'Besar' })).status).toBe(413);

  const listed = await call('GET', evidencePath, { token: superior });
  expect(listed.body.items.map((e: any) => e.caption)).toEqual(['Laporan kegiatan posyandu', 'Foto kegiatan', 'Data posyandu', 'Laporan (salinan)']);
  const file = await fetch(`${stack.baseUrl}${pdf.body.href}`, { headers: { authorization: `Bearer ${superior}` } });
  expect(file.headers.get('content-type')).toBe('application/pdf');
  expect(file.headers.get('content-disposition')).toBe('attachment; filename="laporan.pdf"');
  expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);
  // beside the numbers: the reports' read carries the evidence
  const realizations = await call('GET', `/api/agreements/${enc(dinkes)}/realizations`, { token: superior });
  expect(realizations.body.evidence).toHaveLength(4);
  // another official's PK is not theirs to read
  expect((await call('GET', evidencePath, { token: t.official(nipOf(org, 'kepala-pupr')) })).status).toBe(403);
});

test('a report that does not match the PK (an unknown or repeated indicator, one left out, budget lines miscounted) is 422 and stores nothing', async () => {
  const content = org.drafts['kepala-dinkes'];
  const indicators = content.objectives.flatMap((o: any) => o.indicators);
  const good = { realizations: indicators.map((i: any) => ({ indicatorId: i.id, value: i.target })), budgetSpent: content.budget.map(() => 0) };
  const [first, second] = good.realizations;
  const bad: Array<[object, Array<[string, string]>]> = [
    [{ ...good, realizations: [...good.realizations, { indicatorId: 'tidak-ada', value: 10 }] }, [[`/realizations/${indicators.length}/indicatorId`, 'unknown_indicator']]],
    [{ ...good, realizations: [...good.realizations, { ...first, value: 900 }] }, [[`/realizations/${indicators.length}/indicatorId`, 'duplicate_indicator']]],
    [{ ...good, realizations: good.realizations.filter((r: any) => r !== second) }, [['/realizations', 'missing_indicator']]],
    [{ ...good, budgetSpent: [...good.budgetSpent, 5] }, [['/budgetSpent', 'budget_lines_mismatch']]],
  ];
  for (const [body, problems] of bad) {
    const r = await call('POST', `/api/agreements/${enc(dinkes)}/realizations/1`, { token: owner, body });
    expect([r.status, r.body.code, r.body.problems.map((p: any) => [p.path, p.code])]).toEqual([422, 'invalid_data', problems]);
  }
  // nothing was stored: the quarter is still open for the right report
  const read = await call('GET', `/api/agreements/${enc(dinkes)}`, { token: owner });
  expect(read.body.state.quarters[0].status).toBe('open');
  expect((await call('GET', `/api/agreements/${enc(dinkes)}/realizations`, { token: owner })).body.quarters[0]?.realizations ?? []).toEqual([]);
});

test('a returned report\'s evidence changes; a verified one\'s cannot; every change is audited', async () => {
  const content = org.drafts['kepala-dinkes'];
  const body = { realizations: content.objectives.flatMap((o: any) => o.indicators).map((i: any) => ({ indicatorId: i.id, value: i.target })), budgetSpent: content.budget.map(() => 0) };
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/realizations/1`, { token: owner, body })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/realizations/1/return`, { token: superior, body: { reason: 'Salinan ganda' } })).status).toBe(200);
  const items = (await call('GET', evidencePath, { token: owner })).body.items;
  const copy = items.find((e: any) => e.caption === 'Laporan (salinan)');
  expect((await call('DELETE', `${evidencePath}/${copy.id}`, { token: owner })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/realizations/1`, { token: owner, body })).status).toBe(200);
  // uploads racing the verification: each is in before it (and part of what was verified) or refused
  const [verified, ...racing] = await Promise.all([
    call('POST', `/api/agreements/${enc(dinkes)}/realizations/1/verify`, { token: superior }),
    ...[1, 2, 3, 4].map((n) => upload(PNG, 'image/png', { caption: `Bersamaan ${n}` })),
  ]);
  expect(verified.status).toBe(200);
  for (const r of racing) expect(r.status === 201 || (r.status === 409 && r.body.code === 'evidence_frozen')).toBe(true);
  const raced = racing.filter((r) => r.status === 201).length;

  expect(await upload(PNG, 'image/png', { caption: 'Terlambat' })).toMatchObject({ status: 409, body: { code: 'evidence_frozen' } });
  const link = items.find((e: any) => e.kind === 'link');
  expect((await call('DELETE', `${evidencePath}/${link.id}`, { token: owner })).body.code).toBe('evidence_frozen');
  expect((await call('GET', evidencePath, { token: t.evaluator })).body.items).toHaveLength(3 + raced);

  const timeline = await call('GET', `/api/agreements/${enc(dinkes)}/history`, { token: t.evaluator });
  const evidence = timeline.body.entries.filter((e: any) => e.kind.startsWith('evidence.'));
  expect(evidence.map((e: any) => e.kind)).toEqual([...Array(4).fill('evidence.added'), 'evidence.removed', ...Array(raced).fill('evidence.added')]);
  // on the audit chain (commit order), every change comes before the verification
  const chain = (await stack.db.query('SELECT action FROM audit_log WHERE agreement_id = $1 ORDER BY seq', [dinkes])).rows.map((r) => r.action);
  expect(chain.lastIndexOf('evidence.added')).toBeLessThan(chain.lastIndexOf('realization.verified'));
  expect(evidence[0].summary).toMatch(/^Quarter 1 evidence added: Laporan kegiatan posyandu \(SHA-256 [0-9a-f]{16}…\)$/);
  expect(evidence[0].data).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), mediaType: 'application/pdf' });
  expect((await call('GET', `/api/agreements/${enc(dinkes)}/audit/verify`, { token: t.evaluator })).body.ok).toBe(true);
});
