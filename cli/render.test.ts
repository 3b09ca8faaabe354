import { describe, expect, it } from 'vitest';
import { sampleResult } from '../reports/test-support/sample-result.js';
import { renderResult } from './render.js';

describe('renderResult', () => {
  it('shows the stage table, verdicts, failures, lag and the summary last', () => {
    const text = renderResult(sampleResult());
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('stage            VMs  mean   p50   p95   max   (emulated seconds)');
    expect(lines[1]).toBe('START-PENDING      6   0.0   0.0   0.0   0.0');
    expect(lines[6]).toBe('total              4  30.1  30.0  38.8  38.8');
    expect(text).toContain('  ok    total p95 < 80s          38.8 s\n');
    expect(text).toContain('  FAIL  failed == 0              1 VM\n');
    expect(text).toContain('       1  failed     PROLOG-BOOT: TRANSFER: CLONE | qcow2 failed (e.g. VM 2 on host-02)\n');
    expect(lines.at(-2)).toBe('Emulator lag: none (virtual clock, 1234 timers).');
    expect(lines.at(-1)).toBe('6 VMs requested: 4 up, 1 failed, 1 timed out; total mean 30.1 s, p95 38.8 s; 2 of 3 budgets failed (exit 1)');
  });

  it('leaves out what a clean run does not have, and names findings and a lag warning', () => {
    const clean = renderResult(sampleResult({ failures: [], budgets: [], exitCode: 0, vms: { requested: 6, up: 6, failed: 0, timedOut: 0 } }));
    expect(clean).not.toContain('Budgets');
    expect(clean).not.toContain('VMs not up');
    const noisy = renderResult(
      sampleResult({
        findings: [{ detector: 'ssh-per-action', pathology: 'ssh-per-action', hosts: [], stage: 'PROLOG-BOOT', evidence: 'head-node CPU saturated by SSH set-up' }],
        lag: {
          ...sampleResult().lag,
          clock: 'scaled',
          factor: 20,
          timers: 10,
          meanMs: 30,
          p99Ms: 90,
          maxMs: 120,
          lostMs: 7_600,
          bounds: { ...sampleResult().lag.bounds, total: { mean: 7.6, quantiles: 7.61 } },
          warning: 'the harness\'s own time may have stretched the START-PENDING mean by up to 6.6 s (100% of it)',
        },
      }),
    );
    expect(noisy).toContain('Findings\n  ssh-per-action (PROLOG-BOOT): head-node CPU saturated by SSH set-up\n');
    expect(noisy).toContain(
      'Emulator lag (scaled:20): the harness and farm took 7.6 s of emulated time, busy or late, which may have stretched the total mean ' +
        'by up to 7.60 s and its slowest VM by up to 7.61 s; timers fired late by mean 30.0 ms, p99 90.0 ms, max 120.0 ms (emulated, 10 timers). ' +
        "Warning: the harness's own time may have stretched the START-PENDING mean by up to 6.6 s (100% of it).",
    );
  });

  it('shows figures that include cut-off VMs as lower bounds, and says what that means', () => {
    const total = { count: 5, censored: 1, lowerBound: ['mean' as const, 'p95' as const, 'max' as const], min: 20, mean: 736.4, p50: 23, p90: 3600, p95: 3600, p99: 3600, max: 3600 };
    const text = renderResult(sampleResult({ stages: { ...sampleResult().stages, total } }));
    expect(text).toContain('total            5 (1 cut off)  >= 736.4  23.0  >= 3600.0  >= 3600.0\n');
    expect(text).toContain('a figure that includes them is a lower bound (>=).');
  });

  it('colours verdicts only when asked', () => {
    expect(renderResult(sampleResult())).not.toContain('\x1b[');
    expect(renderResult(sampleResult(), { color: true })).toMatch(/\x1b\[31mFAIL\x1b\[39m/);
  });
});
