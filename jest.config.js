/** Jest runs the TypeScript sources as native ES modules (swc strips the types). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }],
    // Node (20.19+) lets CommonJS require() an ES module; Jest before Node 24.9 does not.
    // bpmnlint (CommonJS) requires min-dash (ES modules only): swc makes CommonJS of it where it
    // is required, and leaves it an ES module where it is imported.
    '/node_modules/min-dash/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!min-dash/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  testTimeout: 60000,
  globalSetup: '<rootDir>/tests/support/global-setup.mjs',
  globalTeardown: '<rootDir>/tests/support/global-teardown.mjs',
  // Files that run long but are small start first (see the file).
  testSequencer: '<rootDir>/tests/support/sequencer.mjs',
  // Files of one folder share a module registry, in groups (see the file).
  runner: '<rootDir>/tests/support/group-runner.mjs',
  maxWorkers: 2,
};
