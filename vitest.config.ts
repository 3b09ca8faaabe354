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
  },
});
