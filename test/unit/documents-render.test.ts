import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAgreementPdf, SIGNATURE_FIELD_NAMES, type AgreementPdfInput } from '../../documents';
import type { Objective } from '../../domain/types';
import { signatureFields } from '../../signing/pades';
import { PdfReader } from '../../signing/pdf-reader';
import { pageTexts, qpdfCheck, sampleInput, tempDir } from '../support/pki';

jest.setTimeout(60_000);

function longInput(indicators: number): AgreementPdfInput {
  const base = sampleInput();
  const objectives: Objective[] = [];
  for (let o = 0; o < indicators / 5; o++) {
    objectives.push({
      text: `Meningkatnya mutu layanan pendidikan dasar dan menengah di wilayah ${o + 1} secara merata dan berkelanjutan`,
      indicators: Array.from({ length: 5 }, (_, i) => ({
        id: `long-${o}-${i}`,
        name: `Persentase satuan pendidikan yang memenuhi standar pelayanan minimal bidang ${o * 5 + i + 1}`,
        unit: '%',
        direction: 'up' as const,
        target: 80 + i + 0.5,
        parentIndicatorId: null,
        additionalTask: true,
      })),
    });
  }
  return { ...base, content: { objectives, budget: base.content.budget } };
}

/** Share of dark pixels of page 1 rendered to a greyscale PGM. */
function darkShareOfFirstPage(pdf: Uint8Array): number {
  const dir = tempDir();
  writeFileSync(join(dir, 'doc.pdf'), pdf);
  execFileSync('pdftoppm', ['-f', '1', '-l', '1', '-r', '40', '-gray', join(dir, 'doc.pdf'), join(dir, 'page')]);
  const file = readdirSync(dir).find((f) => f.endsWith('.pgm'))!;
  const pgm = readFileSync(join(dir, file));
  // P5 header: magic, width, height, maxval, each followed by whitespace.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.toString('latin1', 0, 50))!;
  const pixels = pgm.subarray(header[0].length);
  let dark = 0;
  for (const value of pixels) if (value < 160) dark++;
  return dark / (Number(header[1]) * Number(header[2]));
}

describe('renderAgreementPdf', () => {
  test('renders the same bytes for the same input', async () => {
    const input = sampleInput();
    const a = await renderAgreementPdf(input);
    const b = await renderAgreementPdf(structuredClone(input));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const changed = await renderAgreementPdf({ ...input, date: '2025-01-21' });
    expect(Buffer.from(changed).equals(Buffer.from(a))).toBe(false);
  });

  test('prints the agreement in Bahasa Indonesia with both parties and the annex tables', async () => {
    const input = sampleInput();
    const pdf = await renderAgreementPdf(input);
    expect(qpdfCheck(pdf).status).toBe(0);
    const text = pageTexts(pdf).join('\n');
    expect(text).toContain('PERJANJIAN KINERJA TAHUN 2025');
    expect(text).toContain('PEMERINTAH KABUPATEN BENGKAYANG');
    expect(text).toContain('Bengkayang, 20 Januari 2025');
    expect(text).toContain(input.firstParty.name);
    expect(text).toContain(`NIP. ${input.firstParty.nip}`);
    expect(text).toContain(input.secondParty!.name);
    expect(text).toMatch(/PIHAK KEDUA,\s+PIHAK PERTAMA,/);
    expect(text).toMatch(/No\s+Sasaran\s+Indikator Kinerja\s+Target\s+Satuan/);
    expect(text).toMatch(/No\s+Program\s+Anggaran \(Rp\)/);
    // the document declares its language, for screen readers
    expect(Buffer.from(pdf).toString('latin1')).toMatch(/\/Lang \(id-ID\)/);
    const total = input.content.budget.reduce((sum, line) => sum + line.amount, 0);
    expect(text).toMatch(new RegExp(`TOTAL\\s+Rp ${total.toLocaleString('de-DE').replace(/\./g, '\\.')}`));

    const fields = signatureFields(new PdfReader(Buffer.from(pdf)));
    expect([...fields.keys()].sort()).toEqual([SIGNATURE_FIELD_NAMES.second, SIGNATURE_FIELD_NAMES.first].sort());
    // Pihak Kedua left, Pihak Pertama right, on the same line.
    const first = fields.get(SIGNATURE_FIELD_NAMES.first)!;
    const second = fields.get(SIGNATURE_FIELD_NAMES.second)!;
    expect(second.rect[0]).toBeLessThan(first.rect[0]);
    expect(second.rect[1]).toBe(first.rect[1]);
  });

  test('a PK Perubahan is titled so on its page, its annex and its metadata', async () => {
    const pdf = await renderAgreementPdf({ ...sampleInput(), revision: true });
    const text = pageTexts(pdf).join('\n');
    expect(text).toContain('PERJANJIAN KINERJA PERUBAHAN TAHUN 2025');
    expect(text).toContain('LAMPIRAN PERJANJIAN KINERJA PERUBAHAN TAHUN 2025');
    expect(Buffer.from(pdf).toString('latin1')).toMatch(/\/Title <FEFF[0-9A-F]+>/);
    const first = pageTexts(await renderAgreementPdf(sampleInput())).join('\n');
    expect(first).not.toContain('PERUBAHAN');
  });

  test("names the budget lines at the first party's level: Kegiatan for an eselon III, Sub-kegiatan for an eselon IV", async () => {
    const eselonIII = pageTexts(await renderAgreementPdf(sampleInput('dinkes-e3-1'))).join('\n');
    expect(eselonIII).toContain('Tabel 2. Kegiatan dan Anggaran');
    expect(eselonIII).toMatch(/No\s+Kegiatan\s+Anggaran \(Rp\)/);
    const eselonIV = pageTexts(await renderAgreementPdf(sampleInput('dinkes-e3-1-e4-1'))).join('\n');
    expect(eselonIV).toContain('Tabel 2. Sub-kegiatan dan Anggaran');
    expect(eselonIV).toMatch(/No\s+Sub-kegiatan\s+Anggaran \(Rp\)/);
    // a Kepala OPD's PK funds Programs, and its input (its document id) is as before
    expect(sampleInput()).not.toHaveProperty('budgetLineKind');
    expect(pageTexts(await renderAgreementPdf(sampleInput())).join('\n')).toContain('Tabel 2. Program dan Anggaran');
  });

  test('prints any Indonesian name (beyond Latin-1) with embedded fonts', async () => {
    const input = sampleInput();
    const name = 'Ni Made Ayu Ṭirtā Łukasz Çağlar Şükrü';
    const pdf = await renderAgreementPdf({ ...input, firstParty: { ...input.firstParty, name } });
    expect(pageTexts(pdf).join('\n')).toContain(name);
  });

  test('a 40-indicator PK breaks the table across pages and repeats its header', async () => {
    const pdf = await renderAgreementPdf(longInput(40));
    const pages = pageTexts(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    const annexPages = pages.slice(1);
    const indicatorPages = annexPages.filter((page) => /Persentase satuan pendidikan/.test(page));
    expect(indicatorPages.length).toBeGreaterThanOrEqual(2);
    for (const page of indicatorPages) expect(page).toMatch(/No\s+Sasaran\s+Indikator Kinerja\s+Target\s+Satuan/);
    // Every indicator row is printed exactly once.
    const all = pages.join('\n');
    for (let i = 1; i <= 40; i++) expect(all).toContain(`bidang ${i}`);
    expect(all).toMatch(/Halaman 1 dari \d/);
    expect(qpdfCheck(pdf).status).toBe(0);
  });

  test('page 1 renders to a non-blank image', async () => {
    const share = darkShareOfFirstPage(await renderAgreementPdf(sampleInput()));
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.5);
  });

  test("the Kepala Daerah's PK is a statement with one signature block", async () => {
    const input = sampleInput('bupati');
    expect(input.secondParty).toBeNull();
    const pdf = await renderAgreementPdf(input);
    const fields = signatureFields(new PdfReader(Buffer.from(pdf)));
    expect([...fields.keys()]).toEqual([SIGNATURE_FIELD_NAMES.first]);
    const text = pageTexts(pdf).join('\n');
    expect(text).toContain('saya yang bertanda tangan');
    expect(text).not.toContain('PIHAK KEDUA');
    expect(text).toContain('BUPATI BENGKAYANG,');
  });
});
