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
  testTimeout: 60_000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
