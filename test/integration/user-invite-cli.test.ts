// `kinerja user invite` as an administrator uses it: the CLI run as a process beside a running
// stack (found through the stack.json `npm start` writes), the official opening the printed link
// at the embedded identity provider, setting a password on its form, then signing in with it.
// The link works once, a new one replaces an unused one, weak passwords are refused with the
// page's message (and leave the link usable).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Stack } from '../support/stack';
import { client, SAMPLE_PATH, startStackWithCycle } from '../support/api-client';
import { withOwnOfficials } from '../support/own-officials';
import { signInWithPassword } from '../support/identity-provider';

jest.setTimeout(240_000);

const REPO = resolve(__dirname, '..', '..');
const ORG = 'kab-invite-cli';
const org = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8'));
org.organisation.id = ORG;
org.year = new Date().getFullYear() + 1;
withOwnOfficials(org); // this file's own people (NIPs from the organisation id): sign-in accounts are per person
const nipOf = (positionId: string): string => org.positions.find((p: any) => p.id === positionId).official.nip;
const KADIS = nipOf('kepala-dinkes');
const SEKDA = nipOf('sekda');
const BUPATI_ID = `${ORG}.bupati`; // the Kepala Daerah has no NIP: an official id

let stack: Stack;
let call: ReturnType<typeof client>;
let dataDir: string;

beforeAll(async () => {
  ({ stack, call } = await startStackWithCycle(org, (s) => s.status === 'running', { identityProvider: true }));
  // what `npm start` writes while it runs, so the CLI finds the stack with nothing else set
  dataDir = mkdtempSync(join(tmpdir(), 'kinerja-invite-'));
  writeFileSync(join(dataDir, 'stack.json'), JSON.stringify({
    apiUrl: stack.baseUrl, databaseUrl: stack.config.DATABASE_URL, temporalAddress: stack.config.TEMPORAL_ADDRESS,
    temporalUiUrl: 'http://127.0.0.1:8233', oidcIssuer: stack.identityProvider!.issuer, pid: process.pid,
  }), { mode: 0o600 });
});
afterAll(async () => {
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** `./bin/kinerja ARGS` in a shell that has only PATH and HOME (and the data directory of the stack). */
function kinerja(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'kinerja'), ...args], {
      cwd: dataDir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, KINERJA_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', fail);
    child.once('exit', (status) => done({ status, stdout, stderr }));
  });
}

/** The link the CLI printed (its second line). */
async function invite(...args: string[]): Promise<string> {
  const run = await kinerja(['user', 'invite', ...args]);
  if (run.status !== 0) throw new Error(`kinerja user invite ${args.join(' ')} exited ${run.status}: ${run.stderr}${run.stdout}`);
  const link = /^(http\S+\/invite\/\S+)$/m.exec(run.stdout)?.[1];
  if (!link) throw new Error(`no link in: ${run.stdout}`);
  return link;
}

const setPassword = async (link: string, password: string, confirmation = password) => {
  const res = await fetch(link, { method: 'POST', body: new URLSearchParams({ password, confirmation }) });
  return { status: res.status, html: await res.text() };
};

test('an administrator invites an official with the CLI; the official sets a password at the link and signs in with it', async () => {
  const run = await kinerja(['user', 'invite', '--nip', KADIS]);
  expect(run.status).toBe(0);
  expect(run.stdout).toContain(`Set-password link for ${KADIS} (`);
  expect(run.stdout).toContain('valid 7 days, once:');
  const link = /^(http\S+)$/m.exec(run.stdout)![1];
  expect(link.startsWith(`${stack.identityProvider!.issuer}/invite/`)).toBe(true);

  // the official opens the link: the provider's form for their account
  const form = await fetch(link);
  expect(form.status).toBe(200);
  const html = await form.text();
  expect(html).toContain('Atur kata sandi');
  expect(html).toContain(KADIS);
  expect(html).toContain('data-testid="idp-set-password"');

  const password = 'Bengkayang-kuat-2026';
  const saved = await setPassword(link, password);
  expect(saved.status).toBe(200);
  expect(saved.html).toContain('Kata sandi tersimpan');

  // signing in with it gives a session the API knows as this official
  const session = await signInWithPassword(stack.baseUrl, KADIS, password);
  const me = await call('GET', '/api/me', { session });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ role: 'official', id: KADIS, nip: KADIS });
  // another password does not
  await expect(signInWithPassword(stack.baseUrl, KADIS, 'bukan-kata-sandinya')).rejects.toThrow(/ended at .*\/interaction\/.* with 401/);

  // the link works once: opening or posting it again is refused, and the password stays
  const reopened = await fetch(link);
  expect(reopened.status).toBe(410);
  expect(await reopened.text()).toContain('Tautan tidak berlaku');
  const reused = await setPassword(link, 'sandi-orang-lain-99');
  expect(reused.status).toBe(410);
  expect(reused.html).toContain('sudah dipakai atau kedaluwarsa');
  await expect(signInWithPassword(stack.baseUrl, KADIS, 'sandi-orang-lain-99')).rejects.toThrow(/401/);
  expect((await call('GET', '/api/me', { session: await signInWithPassword(stack.baseUrl, KADIS, password) })).status).toBe(200);
});

test('a new invite replaces an unused one: the earlier link is refused, the new one works', async () => {
  const first = await invite('--nip', SEKDA);
  const second = await invite('--nip', SEKDA);
  expect(second).not.toBe(first);
  const old = await setPassword(first, 'Sekda-sandi-lama-1');
  expect(old.status).toBe(410);
  expect(old.html).toContain('Tautan tidak berlaku');
  expect((await setPassword(second, 'Sekda-sandi-baru-2')).status).toBe(200);
  await expect(signInWithPassword(stack.baseUrl, SEKDA, 'Sekda-sandi-lama-1')).rejects.toThrow(/401/);
  expect((await call('GET', '/api/me', { session: await signInWithPassword(stack.baseUrl, SEKDA, 'Sekda-sandi-baru-2') })).body).toMatchObject({ id: SEKDA });
});

test('weak passwords are refused with a clear message and the link stays usable; the Kepala Daerah is invited by official id', async () => {
  const link = await invite('--official', BUPATI_ID);
  const short = await setPassword(link, 'pendek12', 'pendek12');
  expect(short.status).toBe(422);
  expect(short.html).toContain('Kata sandi minimal 10 karakter.');
  const withId = await setPassword(link, `x-${BUPATI_ID.toUpperCase()}-2026`);
  expect(withId.status).toBe(422);
  expect(withId.html).toContain('Kata sandi tidak boleh memuat NIP atau ID Anda.');
  const mismatch = await setPassword(link, 'Bupati-sandi-kuat-1', 'Bupati-sandi-kuat-2');
  expect(mismatch.status).toBe(422);
  expect(mismatch.html).toContain('Kedua kata sandi tidak sama.');
  // none of them was stored: no sign-in with them, and the same link still sets a good one
  await expect(signInWithPassword(stack.baseUrl, BUPATI_ID, 'pendek12')).rejects.toThrow(/401/);
  expect((await setPassword(link, 'Bupati-sandi-kuat-1')).status).toBe(200);
  expect((await call('GET', '/api/me', { session: await signInWithPassword(stack.baseUrl, BUPATI_ID, 'Bupati-sandi-kuat-1') })).body).toMatchObject({ role: 'official', id: BUPATI_ID });

  // an official's NIP inside the password is refused too
  const kadisLink = await invite('--nip', nipOf('kepala-dinsos'));
  const withNip = await setPassword(kadisLink, `sandi${nipOf('kepala-dinsos')}`);
  expect(withNip.status).toBe(422);
  expect(withNip.html).toContain('Kata sandi tidak boleh memuat NIP atau ID Anda.');
});

test('an administrator invites another administrator by user name; they sign in as an administrator. Unknown officials and bad options are refused', async () => {
  const link = await invite('--role', 'admin', '--user', 'rina.admin-invite', '--name', 'Rina Admin');
  expect((await setPassword(link, 'Rina-admin-sandi-1')).status).toBe(200);
  const me = await call('GET', '/api/me', { session: await signInWithPassword(stack.baseUrl, 'rina.admin-invite', 'Rina-admin-sandi-1') });
  expect(me.body).toMatchObject({ role: 'admin', id: 'rina.admin-invite' });

  const unknown = await kinerja(['user', 'invite', '--nip', '199001012020011999']);
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toContain('no official 199001012020011999 in any posted organisation');
  const badNip = await kinerja(['user', 'invite', '--nip', '12345']);
  expect(badNip.status).toBe(2);
  expect(badNip.stderr).toContain('NIP must be 18 digits');
});
