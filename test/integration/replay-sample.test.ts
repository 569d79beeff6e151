// `kinerja replay --sample N` against an installation's history archive: it replays the latest N
// runs of each workflow type and worker build, not every archived run. The archive is a database
// of its own on the suite's PostgreSQL (other files archive runs into the shared one), holding
// committed fixture histories of several types and builds as the archiver stores closed runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replayCommand } from '../../cli/commands/replay';
import { archiveRun } from '../../archive/archive-store';
import { decodeHistory, runFacts } from '../../archive/history-codec';
import { ownInstallation, type OwnInstallation } from '../support/own-installation';

jest.setTimeout(240_000);

const fixtures = join(__dirname, '..', 'fixtures', 'histories');
const incompatible = join(__dirname, '..', 'fixtures', 'incompatible-workflows', 'index.ts');

// closed runs (the archiver keeps only those): agreementV2 of two builds, agreementWorkflow of one,
// the official- and calendar-change workflows of one build
const FILES = [
  ...['deadlines-extension-covers-signing-run1', 'pk-year-returned-draft-and-report-run1', 'pk-year-returned-draft-and-report-run2',
    'pk-year-returned-draft-and-report-run3', 'pk-year-revisions-concurrent-officials-run1', 'pk-year-revisions-concurrent-officials-run2',
    'pk-year-revisions-concurrent-officials-run3', 'pk-year-revisions-concurrent-officials-run4'].map((f) => `one-write-${f}`),
  ...['deadlines-extension-covers-signing-run1', 'pk-year-returned-draft-and-report-run1', 'pk-year-returned-draft-and-report-run2',
    'pk-year-revisions-concurrent-officials-run1', 'pk-year-revisions-concurrent-officials-run2'].map((f) => `batched-writes-${f}`),
  'pk-year-returned-draft-and-report-run1', 'pk-year-returned-draft-and-report-run2', 'pk-year-returned-draft-and-report-run3',
  'layers-official-change', 'layers-official-change-refused', 'layers-calendar-change',
];

interface Seeded { runId: string; workflowType: string; buildId: string | null; lastEventAt: Date }

let archive: OwnInstallation;
const seeded: Seeded[] = [];

beforeAll(async () => {
  archive = await ownInstallation('kinerja_replay_sample');
  for (const file of FILES) {
    const history = decodeHistory(readFileSync(join(fixtures, `${file}.pb`)));
    const facts = runFacts(history);
    // the run id is the fixture's name, so each FAIL line says which run was replayed
    expect(await archiveRun(archive.pool, 'default', `pk:kab-replay:2027:${file.replace(/-run\d+$/, '')}`, file, history)).toBe(true);
    seeded.push({ runId: file, workflowType: facts.workflowType!, buildId: facts.buildId ?? null, lastEventAt: facts.lastEventAt! });
  }
});
afterAll(async () => {
  await archive?.drop();
});

/** `kinerja replay …` as run next to that installation: its database in DATABASE_URL. */
async function replay(args: string[]): Promise<{ code: number; text: string }> {
  const { code, lines } = await archive.run(() => replayCommand.run(args));
  return { code, text: lines.join('\n') };
}

/** The runs `--sample n` promises: the latest n (by last event) of each workflow type and build. */
function latest(n: number): string[] {
  const groups = new Map<string, Seeded[]>();
  for (const run of seeded) {
    const key = `${run.workflowType} ${run.buildId}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].flatMap((runs) => runs.sort((a, b) => b.lastEventAt.getTime() - a.lastEventAt.getTime()).slice(0, n).map((r) => r.runId)).sort();
}

const replayedCount = (text: string) => Number(/^Replayed (\d+) histories/m.exec(text)?.[1]);

test('the archive holds several runs of each workflow type and build', () => {
  const groups = new Set(seeded.map((r) => `${r.workflowType} ${r.buildId}`));
  expect([...new Set(seeded.map((r) => r.workflowType))].sort()).toEqual(['agreementV2', 'agreementWorkflow', 'calendarChangeWorkflow', 'officialChangeWorkflow']);
  expect(groups.size).toBe(5);
  expect(latest(2)).toHaveLength(9); // 2 + 2 + 2 + 2 + 1 (one calendar change)
});

test('`kinerja replay` replays every archived run; `--sample N` the latest N per workflow type and build, all deterministic', async () => {
  const all = await replay([]);
  expect(all.code).toBe(0);
  expect(all.text).toMatch(/^Replayed 19 histories \(\d+ events\) in .*: all deterministic\.$/m);
  for (const n of [1, 2]) {
    const sampled = await replay(['--sample', String(n)]);
    expect({ n, code: sampled.code, replayed: replayedCount(sampled.text) }).toEqual({ n, code: 0, replayed: latest(n).length });
    expect(sampled.text).toContain('all deterministic.');
  }
  // more than any group holds: every run
  expect(replayedCount((await replay(['--sample', '20'])).text)).toBe(FILES.length);
});

test('`--sample 2` against an incompatible change replays exactly the latest two runs of each workflow type and build, and fails on each', async () => {
  // (the candidate exports only the agreement and cycle workflows: the change workflows' runs fail to start)
  const { code, text } = await replay(['--sample', '2', '--workflows', incompatible]);
  expect(code).toBe(1);
  const failed = (pattern: string) => [...text.matchAll(new RegExp(`^FAIL {2}\\S+ \\(run ([^)]+)\\)${pattern}`, 'gm'))].map((m) => m[1]).sort();
  expect(failed('')).toEqual(latest(2));
  const agreementRuns = latest(2).filter((runId) => seeded.find((r) => r.runId === runId)!.workflowType.startsWith('agreement'));
  expect(agreementRuns).toHaveLength(6);
  expect(failed(' at event \\d+: nondeterminism:')).toEqual(agreementRuns);
  // the older runs, which --sample 2 leaves out, are the ones a full replay adds
  expect(failed('')).not.toContain('one-write-pk-year-revisions-concurrent-officials-run1');
  expect(failed('')).toContain('one-write-pk-year-returned-draft-and-report-run3');
  expect(replayedCount(text)).toBe(9);
  expect(text).toContain('9 FAILED (');
});

test('--sample takes a whole number of runs', async () => {
  await expect(replay(['--sample', '0'])).rejects.toThrow('--sample takes a whole number of runs per workflow type and build');
  await expect(replay(['--sample', '1.5'])).rejects.toThrow('--sample takes a whole number');
  // without its number (it was taken as 1)
  await expect(replay(['--sample'])).rejects.toThrow('--sample takes a whole number');
});
