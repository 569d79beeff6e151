// `kinerja replay` is the check before deploying workflow code: on the committed fixtures it passes
// with the current code and fails, naming the history and the event, with an incompatible change.
import { join } from 'node:path';
import { replayCommand } from '../../cli/commands/replay';

jest.setTimeout(120_000);

const fixtures = join(__dirname, '..', 'fixtures', 'histories');
const incompatible = join(__dirname, '..', 'fixtures', 'incompatible-workflows', 'index.ts');

async function replay(args: string[]): Promise<{ code: number; text: string }> {
  const out: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  try {
    return { code: await replayCommand.run(args), text: out.join('\n') };
  } finally {
    log.mockRestore();
  }
}

test('kinerja replay passes on every committed history with the current workflow code', async () => {
  const { code, text } = await replay([fixtures]);
  expect(text).toMatch(/^Replayed \d+ histories \(\d+ events\) in .*: all deterministic\.$/m);
  expect(code).toBe(0);
});

test('kinerja replay fails on an incompatible change, naming each history and the event, for both agreement workflow types', async () => {
  const legacy = 'pk-year-updates-wait-for-write-run1'; // agreementWorkflow
  const current = 'one-write-pk-year-revisions-concurrent-officials-run1'; // agreementV2
  const { code, text } = await replay(['--workflows', incompatible, join(fixtures, `${legacy}.pb`), join(fixtures, `${current}.pb`)]);
  expect(code).toBe(1);
  for (const name of [legacy, current]) {
    expect(text).toMatch(new RegExp(`^FAIL {2}${name} \\(run [0-9a-f-]+\\) at event \\d+: nondeterminism: \\[TMPRL1100\\]`, 'm'));
  }
  expect(text).toMatch(/2 FAILED \(/);
});
