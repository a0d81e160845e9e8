/**
 * Two jest projects: `unit` (`*.test.ts`, pure and fast) and `integration`
 * (`*.int.test.ts`, against one embedded local cloud started by the global set-up).
 * @type {import('jest').Config}
 */
const base = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }],
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/cdk.out/'],
};

export default {
  testTimeout: 60000,
  // Jest's default on 2 cores is one worker, i.e. every suite in turn (~370 s). Most of the
  // integration suites' time is waiting (on the local cloud, child processes, timers), so two
  // workers overlap that waiting with other suites' work (11 mixed suites on this 2-core
  // machine: 118 s → 89 s; three workers were no faster). `--runInBand` / `-w N` override it.
  maxWorkers: 2,
  testSequencer: '<rootDir>/test/sequencer.mjs',
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/**/*.test.ts'],
      testPathIgnorePatterns: [...base.testPathIgnorePatterns, '\\.int\\.test\\.ts$'],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.int.test.ts'],
      globalSetup: '<rootDir>/test/global-setup.mjs',
      globalTeardown: '<rootDir>/test/global-teardown.mjs',
    },
  ],
};
