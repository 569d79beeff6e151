// The CLI against a running stack: cycle start with progress, cycle status, an official's tasks, doctor.
import { startStack, type Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, tokens, waitFor } from '../support/api-client';
import { toFirstQuarter } from '../support/reporting';
import { endedYearCalendar } from '../support/evaluation';
import { cycleStartCommand, cycleStatusCommand } from '../../cli/commands/cycle';
import { tasksCommand } from '../../cli/commands/tasks';
import { doctorCommand } from '../../cli/commands/doctor';
import { tokenCommand, tokenRevokeCommand } from '../../cli/commands/token';
import { verifyToken } from '../../security/jwt';
import { writeFileSync } from 'node:fs';
import { ownNip } from '../support/own-officials';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

let stack: Stack;
let out: string[];
const ORG = 'kab-cli';
const org = sampleOrganisation(ORG);

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  out = [];
  jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
});
afterEach(() => jest.restoreAllMocks());

test('token, cycle start, cycle status, tasks and doctor', async () => {
  expect(await tokenCommand.run(['--role', 'admin', '--user', 'budi.admin', '--ttl', '5m'])).toBe(0);
  expect(await verifyToken(out[0], stack.config.KINERJA_SECRET)).toMatchObject({ role: 'admin', sub: 'budi.admin' });

  const file = join(tmpdir(), `kinerja-cli-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ ...org, year: 2000 }));
  const started = await cycleStartCommand.run(['--org', file, '--year', String(org.year), '--api', stack.baseUrl]);
  expect(started).toBe(0);
  expect(out.join('\n')).toContain(`All ${org.positions.length} agreements are running.`);

  out = [];
  expect(await cycleStatusCommand.run([`cycle:${ORG}:${org.year}`, '--api', stack.baseUrl])).toBe(0);
  expect(out.join('\n')).toMatch(/unit\s+waiting_superior\s+drafting/);
  expect(out.join('\n')).toMatch(/TOTAL\s+\d+\s+\d+/);

  out = [];
  const nip = nipOf(org, 'kepala-dinkes');
  for (let i = 0; i < 100 && !out.join('').includes(`pk:${ORG}:${org.year}:kepala-dinkes`); i++) {
    out = [];
    expect(await tasksCommand.run(['--nip', nip, '--api', stack.baseUrl])).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(out.join('\n')).toContain(`pk:${ORG}:${org.year}:kepala-dinkes`);
  expect(out.join('\n')).not.toContain('RETURNED');

  // a draft the superior sent back is the same task, with the reason
  const call = client(stack.baseUrl);
  const t = tokens(stack.config.KINERJA_SECRET);
  const dinkes = `pk:${ORG}:${org.year}:kepala-dinkes`;
  expect((await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: t.official(nip), body: org.drafts['kepala-dinkes'] })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: t.official(nip) })).status).toBe(200);
  await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: t.evaluator }), (r) => r.body.phase === 'review');
  const back = await call('POST', `/api/agreements/${enc(dinkes)}/review/return`, { token: t.official(nipOf(org, 'bupati')), body: { reason: 'Target IKU terlalu rendah' } });
  expect(back.status).toBe(200);
  out = [];
  expect(await tasksCommand.run(['--nip', nip, '--api', stack.baseUrl])).toBe(0);
  expect(out.find((line) => line.includes(dinkes))).toMatch(/ draft .*RETURNED: Target IKU terlalu rendah$/);

  out = [];
  const queue = process.env.TEMPORAL_TASK_QUEUE;
  process.env.TEMPORAL_TASK_QUEUE = stack.config.TEMPORAL_TASK_QUEUE;
  try {
    expect(await doctorCommand.run(['--api', stack.baseUrl])).toBe(0);
  } finally {
    if (queue === undefined) delete process.env.TEMPORAL_TASK_QUEUE;
    else process.env.TEMPORAL_TASK_QUEUE = queue;
  }
  expect(out.join('\n')).toMatch(/ok\s+worker\s+\d+ poller/);
  expect(out.join('\n')).toContain('Everything looks right.');
});

test('`kinerja tasks --limit N` lists the oldest N and says how many more there are; a bad limit is refused', async () => {
  // The same official in this cycle and the next year's: two draft tasks, next year's due later.
  const nextYear = { ...org, year: org.year + 1 };
  const call = client(stack.baseUrl);
  const { admin } = tokens(stack.config.KINERJA_SECRET);
  const started = await call('POST', '/api/cycles', { token: admin, body: nextYear });
  expect(started.status).toBe(201);
  const nip = nipOf(org, 'sekda');
  const thisYear = `pk:${ORG}:${org.year}:sekda`;
  const later = `pk:${ORG}:${nextYear.year}:sekda`;
  for (let i = 0; i < 150; i++) {
    out = [];
    expect(await tasksCommand.run(['--nip', nip, '--api', stack.baseUrl])).toBe(0);
    if (out.join('\n').includes(later)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(out).toHaveLength(2);
  expect(out[0]).toContain(thisYear);
  expect(out[1]).toContain(later);

  out = [];
  expect(await tasksCommand.run(['--nip', nip, '--limit', '1', '--api', stack.baseUrl])).toBe(0);
  expect(out).toEqual([expect.stringContaining(thisYear), '… and 1 more, due later (the API sends the oldest 1).']);

  await expect(tasksCommand.run(['--nip', nip, '--limit', '0', '--api', stack.baseUrl])).rejects.toThrow(/^400 invalid_query/);
  await expect(tasksCommand.run(['--nip', nip, '--limit', '--api', stack.baseUrl])).rejects.toThrow('--limit takes a number of tasks');
});

test('`kinerja tasks` lists what has been escalated to the official: who is late, with what, how late', async () => {
  // A small regency whose drafts were due a minute before it started: the Sekda's late draft
  // reaches the Bupati at once, beside his own late draft.
  const ID = 'kab-cli-late';
  const bupatiNip = ownNip(ID, '196501011990011001');
  const dueAt = new Date(Math.floor((Date.now() - 60_000) / 60_000) * 60_000);
  const late = {
    organisation: { id: ID, name: 'Pemerintah Kabupaten Telat', place: 'Telat' },
    year: org.year,
    units: [{ id: 'setda', name: 'Sekretariat Daerah' }],
    positions: [
      { id: 'bupati', title: 'Bupati Telat', unit: null, parent: null, level: 'KEPALA_DAERAH', official: { nip: bupatiNip, name: 'Bupati Telat', email: 'bupati@telat.example' } },
      { id: 'sekda', title: 'Sekretaris Daerah', unit: 'setda', parent: 'bupati', level: 'JPT_MADYA', official: { nip: ownNip(ID, '196807201991052001'), name: 'Sekda Telat', email: 'sekda@telat.example' } },
    ],
    calendar: { utcOffsetHours: 8, overrides: { draft: dueAt.toISOString() } },
  };
  const { admin } = tokens(stack.config.KINERJA_SECRET);
  expect((await client(stack.baseUrl)('POST', '/api/cycles', { token: admin, body: late })).status).toBe(201);
  // until both show: the Sekda's draft escalated to him, and his own draft overdue
  for (let i = 0; i < 150 && !(out.some((line) => line.startsWith('Escalated to you')) && out.some((line) => line.includes('OVERDUE'))); i++) {
    out = [];
    expect(await tasksCommand.run(['--nip', bupatiNip, '--api', stack.baseUrl])).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
  }
  // the due minute in the region's zone (a Sulawesi regency: WITA, UTC+8)
  const due = new Date(dueAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
  expect(out).toEqual([
    expect.stringMatching(new RegExp(`^${due} WITA  draft +Bupati Telat — Bupati Telat  \\[pk:${ID}:${org.year}:bupati\\]  OVERDUE \\(level 0\\)$`)),
    'Escalated to you (the most overdue first):',
    expect.stringMatching(new RegExp(`draft +Sekretaris Daerah — Sekda Telat  \\[pk:${ID}:${org.year}:sekda\\]  late \\d+ (min|h), level 1$`)),
  ]);
});

test('`kinerja tasks` names the quarter of a report and of its verification', async () => {
  // quarters that have ended, so Q1 opens as soon as the PK is signed, and every step due tomorrow
  const past = { ...sampleOrganisation('kab-cli-quarters', new Date().getFullYear() - 1), calendar: endedYearCalendar() };
  const call = client(stack.baseUrl);
  const t = tokens(stack.config.KINERJA_SECRET);
  expect((await call('POST', '/api/cycles', { token: t.admin, body: past })).status).toBe(201);
  const id = await toFirstQuarter(call, t.evaluator, t.official, past, 'kepala-dinkes', 'bupati');
  const line = (task: string) => new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} WIB  ${task} +Kepala Dinas Kesehatan — .+  \\[${id}\\]$`); // not late

  out = [];
  expect(await tasksCommand.run(['--nip', nipOf(past, 'kepala-dinkes'), '--api', stack.baseUrl])).toBe(0);
  expect(out).toContainEqual(expect.stringMatching(line('report Q1')));

  const draft = past.drafts['kepala-dinkes'];
  const realizations = draft.objectives.flatMap((o: any) => o.indicators.map((i: any) => ({ indicatorId: i.id, value: i.target })));
  const owner = t.official(nipOf(past, 'kepala-dinkes'));
  expect((await call('POST', `/api/agreements/${enc(id)}/realizations/1`, { token: owner, body: { realizations, budgetSpent: draft.budget.map(() => 0) } })).status).toBe(200);
  await waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: owner }), (r) => r.body.state?.quarters?.[0]?.status === 'reported');
  out = [];
  expect(await tasksCommand.run(['--nip', nipOf(past, 'bupati'), '--api', stack.baseUrl])).toBe(0);
  expect(out).toContainEqual(expect.stringMatching(line('verify Q1')));
});

test('an official id that holds no position: the token says so when made, and `kinerja tasks` says why there is nothing', async () => {
  const said: string[] = [];
  const err = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void said.push(a.join(' ')));
  out = [];
  expect(await tokenCommand.run(['--official', 'kabupaten-bengkayang.bupati', '--ttl', '5m'])).toBe(0);
  expect(said.at(-1)).toBe('warning: kabupaten-bengkayang.bupati holds no position in any cycle yet; this token sees nothing until they do (an official is named by their 18-digit NIP, or without one by {organisation}.{position}, e.g. kab-bengkayang.bupati)');
  said.length = 0;
  expect(await tokenCommand.run(['--nip', nipOf(org, 'kepala-dinkes'), '--ttl', '5m'])).toBe(0);
  expect(said.filter((line) => line.startsWith('warning'))).toEqual([]);
  err.mockRestore();
  out = [];
  expect(await tasksCommand.run(['--official', 'kabupaten-bengkayang.bupati', '--api', stack.baseUrl])).toBe(0);
  expect(out).toEqual(['Nothing to do: kabupaten-bengkayang.bupati holds no position in any cycle (an official is named by their 18-digit NIP, or without one by {organisation}.{position}, e.g. kab-bengkayang.bupati).']);
});

test('a service token is recorded and revocable: by `kinerja token revoke` or by an administrator over the API', async () => {
  const call = client(stack.baseUrl);
  const mint = async (...args: string[]) => {
    out = [];
    const said: string[] = [];
    const err = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void said.push(a.join(' ')));
    expect(await tokenCommand.run(args)).toBe(0);
    err.mockRestore();
    const tokenId = /token id ([0-9a-f-]{36})/.exec(said.join('\n'))![1];
    return { token: out[0], tokenId };
  };
  const integration = await mint('--role', 'evaluator', '--user', 'dashboard.bi', '--ttl', '7d');
  const { rows } = await stack.db.query('SELECT subject, role, revoked_at FROM service_tokens WHERE jti = $1', [integration.tokenId]);
  expect(rows).toEqual([{ subject: 'dashboard.bi', role: 'evaluator', revoked_at: null }]);
  expect((await call('GET', '/api/me', { token: integration.token })).status).toBe(200);
  out = [];
  expect(await tokenRevokeCommand.run([integration.tokenId])).toBe(0);
  expect(out[0]).toMatch(new RegExp(`^revoked ${integration.tokenId} \\(evaluator dashboard\.bi\\)`));
  const refused = await call('GET', '/api/me', { token: integration.token });
  expect([refused.status, refused.body.code]).toEqual([401, 'token_revoked']);

  const admin = await mint('--role', 'admin', '--user', 'budi.admin');
  const official = await mint('--nip', nipOf(org, 'kepala-dinkes'));
  expect((await call('POST', `/api/admin/tokens/${official.tokenId}/revoke`, { token: official.token })).status).toBe(403);
  const byApi = await call('POST', `/api/admin/tokens/${official.tokenId}/revoke`, { token: admin.token });
  expect([byApi.status, byApi.body.subject, byApi.body.role]).toEqual([200, nipOf(org, 'kepala-dinkes'), 'official']);
  expect((await call('GET', '/api/me/tasks', { token: official.token })).body.code).toBe('token_revoked');
  expect((await call('POST', '/api/admin/tokens/00000000-0000-4000-8000-000000000000/revoke', { token: admin.token })).status).toBe(404);
  expect((await call('GET', '/api/me', { token: admin.token })).status).toBe(200); // only the revoked one ends
});
