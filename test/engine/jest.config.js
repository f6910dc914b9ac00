/**
 * The engine tier: real OpenTofu, providers, moto and kube-apiserver. Run with
 * `npm run test:engine` (scripts/engine/run.sh builds the toolchain, starts the services and runs
 * this suite inside their network namespace). The default `npm test` ignores test/engine/.
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/engine'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  // Files run one after the other (run.sh passes --runInBand too): they share the services and
  // two cores, and applies take seconds each.
  maxWorkers: 1,
  testTimeout: 600000,
};
