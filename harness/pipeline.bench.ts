import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { concludeRun } from './conclude.js';
import { startWallWatch } from './environment.js';
import { resolveScenario } from './scenario.js';
import { Tracer } from './trace.js';
import { JsonlFile } from './trace-sink.js';

/**
 * The harness's own cost for a 100,000-VM burst on 10,000 hosts, without the stack or the farm:
 * 8 events per VM through the tracer into trace.jsonl, then accounting, statistics and budgets.
 * Run: npx vitest bench harness/pipeline.bench.ts --run
 */
const VMS = 100_000;
const HOSTS = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'stampede-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function traceBurst(sink: boolean): Tracer {
  const tracer = new Tracer({ vms: VMS, ...(sink ? { sink: new JsonlFile(join(dir, 'trace.jsonl')) } : {}) });
  const r = tracer.record.bind(tracer);
  for (let i = 0; i < VMS; i += 1) r({ t: 0, type: 'submit', index: i });
  for (let i = 0; i < VMS; i += 1) r({ t: 5 + i * 0.01, type: 'answer', index: i, vmId: i });
  for (let i = 0; i < VMS; i += 1) {
    const host = `host-${i % HOSTS}`;
    const t = 1000 + i * 0.5;
    r({ t, type: 'tm.start', vmId: i, action: 'prolog', host });
    r({ t: t + 300, type: 'tm.end', vmId: i, action: 'prolog', host, result: 'SUCCESS' });
    r({ t: t + 310, type: 'vmm.start', vmId: i, action: 'DEPLOY', host });
    r({ t: t + 1500, type: 'vmm.end', vmId: i, action: 'DEPLOY', host, result: 'SUCCESS', info: `${host}:vm-${i}:dummy` });
    r({ t: t + 1510, type: 'boot', vmId: i, host });
    r({ t: t + 25_000 + (i % 97) * 100, type: 'net-msg', vmId: i, host });
  }
  tracer.close();
  return tracer;
}

describe(`harness pipeline, ${VMS} VMs`, () => {
  const options = { iterations: 3, time: 0, warmupIterations: 1 };
  bench('trace, 800k events, in memory', () => void traceBurst(false), options);
  bench('trace, 800k events, into trace.jsonl', () => void traceBurst(true), options);
  const traced = traceBurst(false);
  const resolved = resolveScenario({
    vms: VMS,
    hosts: { count: HOSTS },
    budgets: { total: ['mean < 60s', 'p95 < 80s', 'p99.9 < 2m'], 'PENDING-PROLOG': 'max < 5s', failed: '== 0' },
  });
  bench(
    'conclude: accounting, stage statistics, budgets',
    () =>
      void concludeRun({
        resolved,
        tracer: traced,
        ending: { burstAtMs: 0, endAtMs: 3_600_000, deadlineHit: false, interrupted: null },
        clock: { kind: 'virtual', lag: () => ({ timers: 0, meanMs: 0, p99Ms: 0, maxMs: 0, lostMs: 0, scale: null }), distortion: () => 0 },
        environment: startWallWatch().environment(),
      }),
    options,
  );
});
