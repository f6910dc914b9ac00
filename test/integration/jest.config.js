/**
 * The integration tier: the CLI against a real S3-compatible server (moto), started by the tests,
 * and the guarded deploy script (scripts/apply-stack.sh).
 * Run with `npm run test:integration` (scripts/integration.sh installs moto first).
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/integration'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  // One server per test file; files run one after the other so timings stay readable on 2 cores.
  maxWorkers: 1,
  testTimeout: 300000,
};
