/**
 * `npm run test:faults`: tests that break things on purpose (kill -9, server restarts, a stopped
 * PostgreSQL, fuzzing). Each file starts its own PostgreSQL and Temporal dev server, so there is no
 * global setup; files run one or two at a time because they are heavy.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/faults'],
  // jose, openid-client and oauth4webapi are ES modules only: swc turns them into CommonJS for jest
  transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi)/)'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 600_000,
  maxWorkers: 2,
  forceExit: true,
};
