// Notifications as an operator configures them: the worker process (worker/main.ts, as `npm start`
// and the Docker image run it) started with SMTP_URL and MAIL_FROM pointing at a real SMTP server;
// an administrator moves the draft's due date to a few seconds from now with a calendar change over
// HTTP; the late official gets the reminder and their superior the escalation, by e-mail, in Bahasa
// Indonesia, each at the address the organisation import gave, from MAIL_FROM.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startStack, type Stack } from '../support/stack';
import { client, enc, settled, tokens, waitFor } from '../support/api-client';
import { sampleOrganisation } from '../support/time-skipping';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../support/smtp';

jest.setTimeout(300_000);

const REPO = resolve(__dirname, '..', '..');
const ORG = 'kab-mail-worker';
const YEAR = new Date().getFullYear() + 1; // the calendar's own dates are next year: only the changed one comes due
const org: any = sampleOrganisation(ORG, YEAR, ['kepala-dinkes']);
// the ladder the operator sets with the calendar change (the cycle starts on the default one): a
// reminder 10 s before a due date, escalation every 5 s, one level
const LADDER = { reminderDaysBefore: [10 / 86_400], escalationEveryDays: 5 / 86_400, maxLevels: 1 };
const cycleId = `cycle:${ORG}:${YEAR}`;
const dinkes = `pk:${ORG}:${YEAR}:kepala-dinkes`;
const MAIL_FROM = 'Kinerja Kabupaten <kinerja@bengkayang.example>';
const official = (positionId: string) => org.positions.find((p: any) => p.id === positionId).official;

let stack: Stack;
let smtp: TestSmtp;
let worker: ChildProcess | undefined;
let workerOutput = '';
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;

beforeAll(async () => {
  [stack, smtp] = await Promise.all([startStack(), startSmtp()]);
  // the stack's API stays; its workflows run in a worker process configured by environment only
  await stack.stopWorker();
  worker = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'worker', 'main.ts')], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn',
      DATABASE_URL: stack.config.DATABASE_URL, TEMPORAL_ADDRESS: stack.config.TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: stack.config.TEMPORAL_TASK_QUEUE, KINERJA_SECRET: stack.config.KINERJA_SECRET,
      PUBLIC_URL: stack.baseUrl,
      SMTP_URL: smtp.url, MAIL_FROM,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout!.on('data', (d) => (workerOutput += d));
  worker.stderr!.on('data', (d) => (workerOutput += d));
  call = client(stack.baseUrl);
  t = tokens(stack.config.KINERJA_SECRET);
  expect((await call('POST', '/api/cycles', { token: t.admin, body: org })).status).toBe(201);
  const running = await waitFor(() => call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin }), (r) => r.body.status === 'running' || worker!.exitCode !== null, 180_000);
  if (running.body.status !== 'running') throw new Error(`the cycle did not start; the worker printed:\n${workerOutput}`);
});
afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const gone = new Promise((r) => worker!.once('exit', r));
    worker.kill('SIGTERM');
    const timer = setTimeout(() => worker!.kill('SIGKILL'), 30_000);
    await gone;
    clearTimeout(timer);
  }
  await Promise.all([stack?.stop(), smtp?.stop()]);
});

/** A received message's headers (unfolded) and its text body (quoted-printable decoded). */
function read(mail: ReceivedMail): { header(name: string): string; text: string } {
  const at = mail.raw.indexOf('\r\n\r\n');
  const head = mail.raw.slice(0, at).replace(/\r\n[ \t]+/g, ' ');
  const decodeWords = (s: string) => s.replace(/=\?utf-8\?([qb])\?([^?]*)\?=\s?/gi, (_m, enc: string, data: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_x, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
  const header = (name: string) => decodeWords(new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1] ?? '');
  let text = mail.raw.slice(at + 4);
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  if (encoding === 'quoted-printable') {
    text = Buffer.from(text.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_x, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  } else if (encoding === 'base64') {
    text = Buffer.from(text, 'base64').toString('utf8');
  }
  return { header, text: text.replace(/\r\n/g, '\n') };
}

const mailsFor = (kind: 'reminder' | 'escalation') =>
  smtp.messages.filter((m) => read(m).header('X-Kinerja-Notification').startsWith(`${dinkes}:`) && new RegExp(`:${kind}:`).test(read(m).header('X-Kinerja-Notification')));

test('a draft coming due and then late: the reminder reaches the official and the escalation their superior, by e-mail in Bahasa Indonesia', async () => {
  // the administrator brings the draft's due date to 40 s from now and sets the ladder (one calendar
  // change over HTTP); the draft's wait, under way since the cycle started, takes both
  const due = new Date(Date.now() + 40_000).toISOString(); // its reminder 30 s away: time for the change to reach the PK
  const changed = await settled(call, t.admin, await call('PATCH', `/api/cycles/${enc(cycleId)}/calendar`, { token: t.admin, body: { ladder: LADDER, overrides: { draft: due } } }));
  expect(changed.status).toBe(200);

  const reminder = await waitFor(async () => mailsFor('reminder'), (m) => m.length > 0, 120_000);
  expect(reminder).toHaveLength(1);
  const head = official('kepala-dinkes');
  expect(reminder[0].to).toEqual([head.email]);
  const r = read(reminder[0]);
  expect(r.header('From')).toBe(MAIL_FROM);
  expect(r.header('To')).toContain(head.email);
  expect(r.header('Subject')).toMatch(/^Pengingat: batas waktu menyusun dan mengajukan draf Perjanjian Kinerja \(\d{1,2} [A-Z][a-z]+ \d{4}/);
  expect(r.text).toContain(`Yth. ${head.name},`);
  expect(r.text).toMatch(/Mohon segera menyusun dan mengajukan draf Perjanjian Kinerja paling lambat \d{1,2} [A-Z][a-z]+ \d{4} pukul \d{2}\.\d{2} WIB\./);
  expect(r.text).toContain('Pesan ini dikirim otomatis oleh aplikasi Kinerja; mohon tidak membalas e-mail ini.');
  const headTitle = org.positions.find((p: any) => p.id === 'kepala-dinkes').title;
  const thePk = `Perjanjian Kinerja ${headTitle} (${head.name}), ${org.organisation.name}, tahun ${org.year}.`;
  expect(r.text).toContain(thePk); // which PK, named in the mail itself
  expect(r.text).toContain(`Buka: ${stack.baseUrl}/#/pk/${encodeURIComponent(dinkes)}`); // the page's route of a PK (test/browser/page.test.ts opens it)

  // nobody acts: past the due date the escalation goes one level up, to the superior
  const escalation = await waitFor(async () => mailsFor('escalation'), (m) => m.length > 0, 120_000);
  const superior = official(org.positions.find((p: any) => p.id === 'kepala-dinkes').parent);
  expect(escalation[0].to).toEqual([superior.email]);
  const e = read(escalation[0]);
  // the subject names the post it reached
  const superiorTitle = org.positions.find((p: any) => p.id === org.positions.find((q: any) => q.id === 'kepala-dinkes').parent).title;
  expect(e.header('Subject')).toMatch(/^Eskalasi tingkat 1 \(kepada (.+)\): .+ belum menyusun dan mengajukan draf Perjanjian Kinerja$/);
  expect(/\(kepada (.+?)\):/.exec(e.header('Subject') ?? '')?.[1]).toBe(superiorTitle);
  expect(e.text).toContain(`Yth. ${superior.name},`);
  expect(e.text).toContain(`${head.name} (`);
  expect(e.text).toContain('telah terlewati. Mohon tindak lanjut sesuai kewenangan Bapak/Ibu.');
  expect(e.text).toContain(thePk);

  // the outbox says both were sent, and the PK's timeline shows them
  const history = await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}/history`, { token: t.admin }),
    (h) => h.body.entries?.filter((x: any) => x.source === 'notification').length >= 2);
  const sent = history.body.entries.filter((x: any) => x.source === 'notification').map((x: any) => x.summary);
  expect(sent.some((s: string) => s.startsWith('Pengingat'))).toBe(true);
  expect(sent.some((s: string) => s.startsWith('Eskalasi tingkat 1'))).toBe(true);
  const { rows } = await stack.db.query('SELECT kind, delivery_status FROM notifications WHERE agreement_id = $1 ORDER BY created_at', [dinkes]);
  expect(rows).toEqual([{ kind: 'reminder', delivery_status: 'sent' }, { kind: 'escalation', delivery_status: 'sent' }]);
});
