// Hostile input below the API: ids outside the safe alphabet, texts past their limits, numbers past
// their bounds, keys that name Object.prototype, formula cells, deep JSON and a word that the old
// wrapper needed minutes for. The API-level attacks are in test/integration/api-input-attacks.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateOrganisationImport } from '../../domain/organisation';
import { validateDraft } from '../../domain/cascade';
import { TEXT_LIMITS } from '../../domain/limits';
import { agreementId } from '../../workflows/ids';
import { reportBody } from '../../api/schemas';
import { csvCell, reportCsv, type UnitReport } from '../../api/report';
import { phaseCountsPerUnit } from '../../api/routes/cycles';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../api/json-depth';
import { wrapText } from '../../documents/wrap';
import { baseFont, glyphUnits } from '../../documents/fonts';
import { renderAgreementPdf } from '../../documents';
import { PdfRenderThread, RenderTimeout } from '../../documents/render-thread';
import { qpdfCheck, sampleInput } from '../support/pki';
import { SAMPLE_ORGANISATION_PATH } from '../../data/sample';

const SAMPLE = JSON.parse(readFileSync(SAMPLE_ORGANISATION_PATH, 'utf8'));
const sample = () => structuredClone(SAMPLE);
const problemsOf = (input: unknown) => {
  const result = validateOrganisationImport(input);
  return result.ok ? [] : result.problems.map((p) => `${p.code} ${p.path}`);
};

describe('ids', () => {
  test('the sample organisation passes as it is', () => {
    expect(problemsOf(sample())).toEqual([]);
  });

  test.each(['__proto__', 'constructor', 'prototype', 'a:b', 'dinas kesehatan', '../x', '-x', '', 'x'.repeat(65)])('unit id %j is invalid_id at its path', (id) => {
    const org = sample();
    const old = org.units[1].id;
    org.units[1].id = id;
    for (const p of org.positions) {
      if (p.unit === old) p.unit = id;
      if (p.oversees) p.oversees = p.oversees.map((u: string) => (u === old ? id : u));
    }
    expect(problemsOf(org)).toContain('invalid_id /units/1/id');
  });

  test('organisation and position ids cannot carry ":", so two organisations can no longer map to one PK id', () => {
    // pk:kab:2025:2025:p was both (kab, 2025, "2025:p") and ("kab:2025", 2025, "p")
    expect(agreementId('kab', 2025, '2025:p')).toBe(agreementId('kab:2025', 2025, 'p'));
    const a = sample();
    a.organisation.id = 'kab:2025';
    expect(problemsOf(a)).toContain('invalid_id /organisation/id');
    const b = sample();
    const old = b.positions[3].id;
    b.positions[3].id = `2025:${old}`;
    expect(problemsOf(b)).toContain('invalid_id /positions/3/id');
  });

  test('indicator ids keep the sample\'s "#" but not reserved names', () => {
    const org = sample();
    org.plan.objectives[0].indicators[0].id = 'constructor';
    expect(problemsOf(org)).toContain('invalid_id /plan/objectives/0/indicators/0/id');
  });
});

describe('length limits', () => {
  test('every text of an import past its limit is too_long at its path; at the limit it passes', () => {
    const org = sample();
    const draftOf = Object.keys(org.drafts)[0];
    const draft = org.drafts[draftOf];
    org.organisation.name = 'x'.repeat(TEXT_LIMITS.organisationName + 1);
    org.units[0].name = 'x'.repeat(TEXT_LIMITS.unitName + 1);
    org.positions[2].title = 'x'.repeat(TEXT_LIMITS.positionTitle + 1);
    org.positions[2].official.name = 'x'.repeat(TEXT_LIMITS.officialName + 1);
    draft.objectives[0].text = 'x'.repeat(TEXT_LIMITS.objectiveText + 1);
    draft.objectives[0].indicators[0].name = 'x'.repeat(TEXT_LIMITS.indicatorName + 1);
    draft.objectives[0].indicators[0].unit = 'x'.repeat(TEXT_LIMITS.indicatorUnit + 1);
    draft.budget[0].program = 'x'.repeat(TEXT_LIMITS.programName + 1);
    expect(problemsOf(org).sort()).toEqual(
      [
        'too_long /organisation/name',
        'too_long /units/0/name',
        'too_long /positions/2/title',
        'too_long /positions/2/official/name',
        `too_long /drafts/${draftOf}/objectives/0/text`,
        `too_long /drafts/${draftOf}/objectives/0/indicators/0/name`,
        `too_long /drafts/${draftOf}/objectives/0/indicators/0/unit`,
        `too_long /drafts/${draftOf}/budget/0/program`,
      ].sort(),
    );
    const atLimit = sample();
    atLimit.drafts[draftOf].objectives[0].indicators[0].name = 'x'.repeat(TEXT_LIMITS.indicatorName);
    expect(problemsOf(atLimit)).toEqual([]);
  });

  test('a report note past its limit is refused', () => {
    expect(reportBody.safeParse({ realizations: [], budgetSpent: [], note: 'x'.repeat(TEXT_LIMITS.note + 1) }).success).toBe(false);
  });
});

describe('number bounds', () => {
  const draft = () => structuredClone(SAMPLE.drafts['kepala-dinkes']);

  test.each([
    ['a pagu past Rp 10^15', (d: any) => (d.budget[0].amount = 1e15 + 1), '/budget/0/amount'],
    ['a target of 1e308', (d: any) => (d.objectives[0].indicators[0].target = 1e308), '/objectives/0/indicators/0/target'],
    ['a quarterly target of 1e300', (d: any) => (d.objectives[0].indicators[0].quarterlyTargets = [1, 1, 1, 1e300]), '/objectives/0/indicators/0/quarterlyTargets/3'],
    ['a weight of 1e9', (d: any) => (d.objectives[0].indicators[0].weight = 1e9), '/objectives/0/indicators/0/weight'],
  ])('%s is a problem at its path', (_what, change, path) => {
    const d = draft();
    change(d);
    const result = validateDraft(d, null);
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual([path]);
  });

  test('reported numbers: 1e308 and 10^15 + 1 are refused, 10^15 is accepted', () => {
    expect(reportBody.safeParse({ realizations: [], budgetSpent: [1e308] }).success).toBe(false);
    expect(reportBody.safeParse({ realizations: [{ indicatorId: 'x', value: 1e15 + 1 }], budgetSpent: [] }).success).toBe(false);
    expect(reportBody.safeParse({ realizations: [{ indicatorId: 'x', value: 1e15 }], budgetSpent: [1e15] }).success).toBe(true);
  });
});

describe('prototype pollution', () => {
  afterEach(() => {
    // whatever happened, nothing may be left on Object.prototype
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).drafting).toBeUndefined();
  });

  test('cycle status counts with units named __proto__ and constructor: own keys, nothing on Object.prototype', () => {
    const units = phaseCountsPerUnit([
      { unit: '__proto__', phase: 'drafting', n: 3 },
      { unit: 'constructor', phase: 'review', n: 2 },
      { unit: 'dinkes', phase: 'drafting', n: 1 },
    ]);
    expect(Object.keys(units).sort()).toEqual(['__proto__', 'constructor', 'dinkes']);
    const parsed = JSON.parse(JSON.stringify(units));
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect(parsed.__proto__.drafting).toBe(3);
    expect(parsed.constructor.review).toBe(2);
  });

  test('the CSV report with predicate labels named __proto__ and constructor', () => {
    const predicates = Object.assign(Object.create(null), { __proto__: 1, constructor: 2 });
    Object.defineProperty(predicates, '__proto__', { value: 1, enumerable: true });
    const unit: UnitReport = { unitId: 'dinkes', unitName: 'Dinkes', agreements: 3, scored: 3, averageScore: 80, predicate: 'Baik', predicates, budget: 10, spent: 5, absorption: 50 };
    const csv = reportCsv([unit]);
    expect(csv.split('\r\n')[0]).toContain('predicate___proto__');
    expect(csv.split('\r\n')[1]).toBe('dinkes,Dinkes,3,3,80,Baik,1,2,10,5,50');
  });
});

describe('CSV injection (OWASP)', () => {
  test.each(['=1+1', '+1', '-1+1', '@SUM(A1)', '\t=1', '\r=1', '＝1+1'])('a text cell %j starts with a quote', (text) => {
    const cell = csvCell(text);
    expect(cell.replace(/^"/, '')).toMatch(/^'/);
  });

  test('quotes, commas and line breaks are quoted; numbers stay numbers, negatives too', () => {
    expect(csvCell('Dinas "A", Unit\nB')).toBe('"Dinas ""A"", Unit\nB"');
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(12.5)).toBe('12.5');
    expect(csvCell('Dinas Kesehatan')).toBe('Dinas Kesehatan');
  });
});

describe('deep JSON', () => {
  test('depth is measured without recursion, even 100,000 levels deep', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonDepthExceeds(deep, MAX_JSON_DEPTH)).toBe(true);
    expect(jsonDepthExceeds(SAMPLE, MAX_JSON_DEPTH)).toBe(false);
  });
});

describe('word wrap', () => {
  test('a 100,000-character word: each glyph measured once, every line fits, nothing lost', async () => {
    const font = await baseFont('regular');
    const word = 'W'.repeat(100_000);
    let measured = 0;
    const maxUnits = 150_000 / 8; // 150 pt at 8 pt
    const lines = wrapText(word, (units) => units <= maxUnits, (codePoint) => (measured++, glyphUnits(font, codePoint)));
    // one per character, and one for the space: linear (the old wrapper made ~5.6 million
    // measurements for a 1,000-character word and ~44 million for 2,000)
    expect(measured).toBe(word.length + 1);
    expect(lines.join('')).toBe(word);
    expect(lines.every((line) => line.length > 0 && [...line].reduce((u, ch) => u + glyphUnits(font, ch.codePointAt(0)!), 0) <= maxUnits)).toBe(true);
  });

  test('a long word after others breaks between code points, never inside a surrogate pair', () => {
    const lines = wrapText('ab 😀😀😀😀', (units) => units <= 2, () => 1);
    expect(lines).toEqual(['ab', '😀😀', '😀😀']);
  });

  test('the PDF still renders with a 100,000-character indicator name, on the render thread too', async () => {
    const input = sampleInput();
    input.content.objectives[0].indicators[0].name = 'x'.repeat(100_000);
    const pdf = await renderAgreementPdf(input);
    expect(qpdfCheck(pdf).status).toBe(0);
    const thread = new PdfRenderThread();
    try {
      expect(Buffer.from(await thread.render(input)).equals(Buffer.from(pdf))).toBe(true);
    } finally {
      thread.stop();
    }
  });

  test('a render past its budget fails with RenderTimeout and ends its thread; a thread with a normal budget renders', async () => {
    const input = sampleInput();
    input.content.objectives[0].indicators[0].name = 'x'.repeat(100_000);
    // a millisecond is far below what laying out 100,000 characters takes
    const thread = new PdfRenderThread(1);
    try {
      await expect(thread.render(input)).rejects.toBeInstanceOf(RenderTimeout);
    } finally {
      thread.stop();
    }
    const next = new PdfRenderThread();
    try {
      expect(Buffer.from(await next.render(sampleInput())).subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      next.stop();
    }
  });
});
