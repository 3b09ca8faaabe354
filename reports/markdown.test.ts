import { describe, expect, it } from 'vitest';
import { summaryMarkdown } from './markdown.js';
import { sampleResult } from './test-support/sample-result.js';

describe('markdown reporter', () => {
  const md = summaryMarkdown(sampleResult());

  it('has the stage table in emulated seconds to 0.1 s', () => {
    expect(md).toContain('| stage | VMs | mean | p50 | p95 | max |');
    expect(md).toContain('| START-PENDING | 6 | 0.0 | 0.0 | 0.0 | 0.0 |');
    expect(md).toContain('| RUNNING-NET-MSG | 4 | 24.7 | 24.0 | 31.3 | 31.3 |');
    expect(md).toContain('| PROLOG-BOOT | 4 | 3.1 | 3.0 | 4.6 | 4.6 |');
    expect(md).toContain('| total | 4 | 30.1 | 30.0 | 38.8 | 38.8 |');
  });

  it('lists verdicts, failures with escaped pipes, and the lag line', () => {
    expect(md.split('\n')[0]).toBe('## stampede sample: 6 VMs, 2 of 3 budgets failed');
    expect(md).toContain('| **FAIL** | PENDING-PROLOG | `max < 1s` | 1.000 s |');
    expect(md).toContain('| pass | total | `p95 < 80s` | 38.8 s |');
    expect(md).toContain('### VMs not up: 1 failed, 1 timed out');
    expect(md).toContain('| 1 | failed | PROLOG-BOOT | TRANSFER: CLONE \\| qcow2 failed | VM 2 on host-02 |');
    expect(md).toContain('| 1 | timed out | BOOT-RUNNING | no NET-MSG by the deadline | VM 5 on host-01 |');
    expect(md).toContain('Emulator lag: none (virtual clock, 1234 timers).');
  });

  it('names findings and a stack that does not mark up VMs RUNNING', () => {
    const text = summaryMarkdown(
      sampleResult({
        findings: [{ detector: 'per-host-serialization', pathology: 'vmm-host-lock', hosts: ['host-03'], stage: 'BOOT-RUNNING', evidence: 'VMM deploys on host-03 never overlapped (max 1 in flight)' }],
        crossCheck: { polled: 6, upButNotRunning: 2, examples: [{ vmId: 3, state: 'BOOT' }, { vmId: 4, state: 'BOOT' }] },
        budgets: [],
      }),
    );
    expect(text.split('\n')[0]).toBe('## stampede sample: 6 VMs, a detector fired');
    expect(text).toContain('- **vmm-host-lock** (BOOT-RUNNING): VMM deploys on host-03 never overlapped (max 1 in flight)');
    expect(text).toContain('Cross-check: 2 VMs are up but the stack does not show them RUNNING, e.g. VM 3 (BOOT), VM 4 (BOOT).');
    expect(text).not.toContain('### Budgets');
  });
});
