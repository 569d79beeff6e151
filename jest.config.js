/** Jest runs TypeScript through swc (no type checking here: `npm run typecheck` does that). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/faults is its own suite (npm run test:faults): it starts and kills its own servers
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  // jose, openid-client and oauth4webapi are ES modules only: swc turns them into CommonJS for jest
  transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi)/)'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // the page imports the shared domain modules as the server serves them (api/web.ts: /lib/x.js is domain/x.ts)
  moduleNameMapper: { '^/lib/([a-z-]+)\\.js$': '<rootDir>/domain/$1.ts' },
  testTimeout: 60_000,
  // A fresh process for every file. In one process (jest's choice on two cores) every file's stack
  // left memory behind: the heap grew ~70 MB a file (151 → 425 MB over five), the process reached
  // 5.5 GB by the 60th file, and workflow tasks there ran past Temporal's 10 s timeout; a file whose
  // stack did not stop also kept its worker running into the files after it. About 0.7 s a file.
  workerIdleMemoryLimit: 0,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
