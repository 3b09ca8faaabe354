import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeOf } from './result.js';

describe('exitCodeOf', () => {
  const held = { stage: 'total', expression: 'p95 < 80s', operator: '<' as const, actual: 10, lowerBound: false, pass: true, unit: 's' as const, threshold: 80 };
  it('is 0 when budgets held and nothing was found, 1 otherwise', () => {
    expect(exitCodeOf([held], [])).toBe(ExitCode.OK);
    expect(exitCodeOf([held, { ...held, pass: false }], [])).toBe(ExitCode.VERDICT);
    expect(exitCodeOf([held], [{ detector: 'per-host-serialization', pathology: 'vmm-host-lock', stage: 'BOOT-RUNNING', hosts: ['host-03'], evidence: 'never overlapped' }])).toBe(ExitCode.VERDICT);
  });

  it('is 130 or 143 for a run interrupted by SIGINT or SIGTERM, whatever the budgets say', () => {
    expect(exitCodeOf([held], [], { signal: 'SIGINT' })).toBe(130);
    expect(exitCodeOf([{ ...held, pass: false }], [], { signal: 'SIGTERM' })).toBe(143);
    expect(exitCodeOf([held], [], { signal: 'abort' })).toBe(130);
  });
});
