import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{sim,opennebula,adapters,stack,harness,reports,cli,ci}/**/*.test.ts', 'suites/**/*.test.ts'],
    // Scale suites run whole emulated clouds; give them room, but they are virtual-time runs.
    testTimeout: 60_000,
    pool: 'forks',
    // Tests must not depend on order: every run shuffles files and tests; the seed is printed at the
    // start, and `--sequence.seed=N` replays that order.
    sequence: { shuffle: true },
    // a temporary directory of the run's own, checked empty at the end
    globalSetup: ['suites/support/temp-guard.ts'],
    // tsx (TypeScript scenarios) would keep a compile cache in the system temp directory: npm test leaves /tmp as it found it
    env: { TSX_DISABLE_CACHE: '1' },
  },
});
