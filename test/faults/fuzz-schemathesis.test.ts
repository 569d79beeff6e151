// Fuzzes the API from its own OpenAPI document with schemathesis (installed from PyPI by
// scripts/schemathesis.sh), once per kind of caller — administrator, evaluator, official — on a
// stack with a running cycle: no response may be a server error (5xx), and every response must match
// the schema the document gives for it. Prints the number of cases each run made.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nipOf, sampleOrganisation } from '../support/api-client';
import { type FaultStack, withFaultStack, repoRoot, report } from './harness';

const NAME = 'fuzz-schemathesis';
const org = sampleOrganisation('kab-faults-fuzz');
const cycleId = `cycle:${org.organisation.id}:${org.year}`;
const MAX_EXAMPLES = Number(process.env.KINERJA_FUZZ_EXAMPLES ?? 15);
let stack: FaultStack;

jest.setTimeout(1_200_000);

// The fuzzer sends hundreds of cases per operation from one address as one caller: the signing and
// verification limits would answer most of them 429 (documented, so conforming) and the handlers
// behind them would go unfuzzed. test/integration/api-attacks.test.ts tests the limits themselves.
const UNLIMITED = Object.fromEntries(
  ['SIGN_IN', 'SIGNING', 'VERIFICATION'].flatMap((kind) => [`RATE_LIMIT_${kind}_PER_CLIENT`, `RATE_LIMIT_${kind}_PER_PRINCIPAL`]).map((name) => [name, '1000000']),
);
withFaultStack(NAME, { org, start: { env: UNLIMITED } }, (s) => (stack = s));

function run(args: string[], log: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    // run in the stack's directory: nothing of schemathesis' (reports, caches) lands in the work tree
    const child = spawn('bash', [join(repoRoot, 'scripts', 'schemathesis.sh'), ...args], { cwd: stack.dir, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output: `${log}\n${output}` }));
  });
}

const callers = () => ({
  admin: stack.tokens.admin,
  evaluator: stack.tokens.evaluator,
  official: stack.tokens.official(nipOf(org, 'kepala-dinkes')),
});

let totalCases = 0;
const statusesSeen: Record<string, number> = {};

/**
 * Real ids in the mix: path parameters come from these dictionaries most of the time (so requests
 * reach the handlers and workflows, not only the 404 of an unknown id) and are generated otherwise.
 */
function configFile(): string {
  const pk = (id: string) => `pk:${org.organisation.id}:${org.year}:${id}`;
  const positions = ['kepala-dinkes', 'bupati', 'kepala-pupr', org.positions.find((p: any) => p.unit === 'dinkes' && p.level === 'PENGAWAS').id];
  const list = (values: string[]) => `values = [${values.map((v) => JSON.stringify(v)).join(', ')}]`;
  const file = join(stack.dir, 'schemathesis.toml');
  writeFileSync(file, [
    '[dictionaries.agreements]', list(positions.map(pk)),
    '[dictionaries.cycles]', list([cycleId]),
    '[dictionaries.positions]', list(positions),
    '[dictionaries.quarters]', list(['1', '2', '3', '4']),
    '[dictionaries.nips]', list(positions.filter((p) => p !== 'bupati').map((p) => nipOf(org, p))),
    '[parameters]',
    '"path.agreementId" = { dictionary = "agreements", probability = 0.7 }',
    '"path.cycleId" = { dictionary = "cycles", probability = 0.7 }',
    '"path.positionId" = { dictionary = "positions", probability = 0.7 }',
    '"path.quarter" = { dictionary = "quarters", probability = 0.7 }',
    '"path.nip" = { dictionary = "nips", probability = 0.7 }',
    '',
  ].join('\n'));
  return file;
}

test.each(['admin', 'evaluator', 'official'] as const)('schemathesis as %s: no 5xx, every response matches its schema', async (role) => {
  const reportPath = join(stack.dir, `schemathesis-${role}.json`);
  const { code, output } = await run([
    '--config-file', configFile(),
    'run', `${stack.baseUrl}/api/openapi.json`,
    '--header', `Authorization: Bearer ${callers()[role]}`,
    '--checks', 'not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance',
    '--max-examples', String(MAX_EXAMPLES),
    '--seed', '20261124',
    // one worker: with several threads hypothesis' lambda descriptions can hit a CPython 3.11 ast.parse race
    '--workers', '1',
    '--request-timeout', '60',
    '--phases', 'examples,coverage,fuzzing',
    // POST /api/verify takes a raw PDF, which schemathesis cannot generate (no serializer for
    // application/pdf); damaged and hostile PDFs are sent to it by api-public-verification.test.ts
    // and the damaged-PDF unit tests instead.
    '--exclude-operation-id', 'postApiVerify',
    '--no-shrink',
    '--generation-database', 'none', // each run starts from the seed alone, so runs are comparable
    '--no-color',
    '--report', 'ndjson',
    '--report-ndjson-path', reportPath,
  ], `schemathesis as ${role}`);
  // the number of cases: every test case the engine sent, from its event log
  let cases = 0;
  if (existsSync(reportPath)) {
    for (const line of readFileSync(reportPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const event = JSON.parse(line);
      const finished = event.ScenarioFinished ?? event.scenario_finished;
      if (finished?.recorder?.cases) cases += Object.keys(finished.recorder.cases).length;
      for (const interaction of Object.values<any>(finished?.recorder?.interactions ?? {})) {
        const status = interaction?.response?.status_code;
        if (status) statusesSeen[status] = (statusesSeen[status] ?? 0) + 1;
      }
    }
  }
  totalCases += cases;
  const summary = output.split('\n').filter((l) => /test cases|operations|passed|failed|errors?:|warnings?:|seed/i.test(l)).slice(-12).join(' | ');
  report(NAME, `as ${role}: ${cases} cases run, exit ${code}; ${summary.replace(/\s+/g, ' ').slice(0, 600)}`);
  if (code !== 0) process.stdout.write(output.slice(-12_000));
  expect(cases).toBeGreaterThan(0);
  expect(code).toBe(0);
});

afterAll(() => {
  report(NAME, `cases fuzzed in total: ${totalCases}; responses by status ${JSON.stringify(statusesSeen)}`);
});
