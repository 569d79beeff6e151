// `npm run lint` (and `npm test` before jest). Type-aware: a promise that is neither awaited nor
// handled, or a promise passed where a plain callback is expected, is an error anywhere. Workflow
// code runs in Temporal's deterministic sandbox and is replayed for ~14 months, so workflows/ may
// not reach Node built-ins, side-effect libraries or the APIs the sandbox does not make
// deterministic (it does replace Date, Math.random and setTimeout with replay-safe versions).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `node:${m}`]);

const sideEffectLibraries = ['pg', 'pino', 'nodemailer', 'express', '@temporalio/client', '@temporalio/activity', '@temporalio/worker'];

const notDeterministicInWorkflows = [
  ['setInterval', 'clearInterval', 'setImmediate', 'clearImmediate'].map((name) => ({ name, message: 'Not replay-safe: use sleep() or condition() from @temporalio/workflow.' })),
  ['WeakRef', 'FinalizationRegistry'].map((name) => ({ name, message: 'Garbage collection is not deterministic; the sandbox throws.' })),
  { name: 'process', message: 'Workflows see no process or environment: pass configuration in the workflow input.' },
  { name: 'performance', message: 'Not replay-safe: use Date.now() (the workflow clock).' },
  { name: 'crypto', message: 'Not replay-safe: use uuid4() from @temporalio/workflow.' },
  { name: 'fetch', message: 'Workflows do no I/O: call an activity.' },
  { name: 'Buffer', message: 'Not available in the workflow sandbox.' },
  { name: 'require', message: 'Workflows import modules statically, so the bundle is fixed.' },
].flat();

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'test-output/**', 'coverage/**', '**/*.js', '!web/**/*.js', '**/*.mjs', '**/*.cjs'] },
  // The page's own modules: plain JavaScript the browser loads as it is (no build), so no types;
  // ESLint's recommended rules catch what a build would (undefined names, unused code, typos).
  {
    files: ['web/**/*.js'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: globals.browser },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: js.configs.recommended.rules,
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [...nodeBuiltins, ...sideEffectLibraries].map((name) => ({ name, message: 'Workflow code is deterministic: do this in an activity.' })),
        patterns: [
          // Types from the activities are fine (they vanish at compile time); their code is not.
          { group: ['../activities', '../activities/*'], allowTypeImports: true, message: 'Workflows call activities through proxyActivities, never their code.' },
        ],
      }],
      'no-restricted-globals': ['error', ...notDeterministicInWorkflows],
    },
  },
);
