// `kinerja ca export --out FILE` without --org, as the README's example runs it, on an installation
// of its own (a database of its own on the suite's PostgreSQL: the shared one holds every file's
// CAs): no CA yet is refused, one CA is written, and with a second one it asks which.
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caExportCommand } from '../../cli/commands/ca';
import { createSigningDeps } from '../../activities/signing';
import { loadConfig } from '../../config';
import { ownInstallation, type OwnInstallation } from '../support/own-installation';

jest.setTimeout(120_000);

let installation: OwnInstallation;
const dir = mkdtempSync(join(tmpdir(), 'kinerja-ca-export-'));

beforeAll(async () => {
  installation = await ownInstallation('kinerja_ca_export');
});
afterAll(async () => {
  await installation?.drop();
});

/** `kinerja ca export …` next to that installation: its database in DATABASE_URL. */
async function exportCa(args: string[]): Promise<string[]> {
  const { code, lines } = await installation.run(() => caExportCommand().run(args));
  expect(code).toBe(0);
  return lines;
}

test('no CA yet, one CA, two CAs', async () => {
  const file = join(dir, 'ca.pem');
  await expect(exportCa(['--out', file])).rejects.toThrow('No CA yet: an organisation\'s CA is created at its first signature');
  expect(existsSync(file)).toBe(false);

  // the CA as the worker creates it for an organisation's first signature
  const signing = await createSigningDeps(installation.pool, loadConfig({ ...process.env, DATABASE_URL: installation.url }));
  const ca = await signing.ca({ id: 'kab-satu', name: 'Pemerintah Kabupaten Satu' });
  expect(await exportCa(['--out', file])).toEqual([`CA certificate of kab-satu written to ${file}`]);
  const exported = new X509Certificate(readFileSync(file));
  expect(exported.raw.equals(ca.certificateDer)).toBe(true);
  expect(exported.ca).toBe(true);
  expect(exported.subject).toContain('O=Pemerintah Kabupaten Satu');
  expect(exported.verify(exported.publicKey)).toBe(true); // the organisation's own root

  await signing.ca({ id: 'kab-dua', name: 'Pemerintah Kabupaten Dua' });
  await expect(exportCa(['--out', join(dir, 'dua.pem')])).rejects.toThrow('Several CAs (kab-dua, kab-satu): choose one with --org');
  expect(existsSync(join(dir, 'dua.pem'))).toBe(false);
  await exportCa(['--out', join(dir, 'dua.pem'), '--org', 'kab-dua']);
  expect(new X509Certificate(readFileSync(join(dir, 'dua.pem'))).subject).toContain('O=Pemerintah Kabupaten Dua');
});
