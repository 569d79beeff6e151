// The lint rules `npm test` runs (eslint.config.mjs) catch what they are there for: the page's
// plain JavaScript gets undefined names and unused code, and workflow code gets Node built-ins and
// non-deterministic globals refused.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..', '..');
/** The rules a snippet breaks, as the eslint CLI sees it at that path (its config is ESM, which jest's VM does not load). */
function rulesBroken(code: string, filePath: string): Array<string | null> {
  const run = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'eslint'), ['--format', 'json', '--stdin', '--stdin-filename', filePath], { cwd: ROOT, input: code, encoding: 'utf8' });
  if (run.status !== 0 && run.status !== 1) throw new Error(`eslint exited ${run.status}: ${run.stderr}`);
  return (JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string | null }> }>)[0].messages.map((m) => m.ruleId);
}

test('the page: an undefined name and an unused variable are errors; browser globals are known', () => {
  expect(rulesBroken('renderInbx(document.body);\nconst unused = 1;\n', 'web/js/views/lint-probe.js')).toEqual(['no-undef', 'no-unused-vars']);
  expect(rulesBroken('export const here = () => [window.location.hash, fetch, new URL(document.baseURI)];\n', 'web/js/views/lint-probe.js')).toEqual([]);
});

test('workflows: a Node built-in and setInterval are refused; a floating promise anywhere too', () => {
  const probe = 'workflows/agreement.ts';
  expect(rulesBroken("import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n", probe)).toEqual(['@typescript-eslint/no-restricted-imports']);
  expect(rulesBroken('export const tick = () => setInterval(() => undefined, 10);\n', probe)).toEqual(['no-restricted-globals']);
  expect(rulesBroken('export async function f(): Promise<void> {}\nexport function g(): void { f(); }\n', 'api/keep-alive.ts')).toEqual(['@typescript-eslint/no-floating-promises']);
});
