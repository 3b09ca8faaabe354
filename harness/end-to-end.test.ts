import { describe, expect, it } from 'vitest';
import { failure, success, type Drivers } from '../opennebula/driver.js';
import { ok, type ApiResult } from '../opennebula/errors.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { concludeRun } from './conclude.js';
import { tapLauncher } from './driver-tap.js';
import { tableEndpoint } from './endpoint.js';
import { startWallWatch } from './environment.js';
import { runLoad } from './load.js';
import { pollVms } from './poll.js';
import type { Result } from './result.js';
import { resolveScenario } from './scenario.js';
import { Tracer } from './trace.js';
import { MemorySink } from './trace-sink.js';

/**
 * The harness's pieces wired as harness/run.ts will wire them, around a toy head node (one
 * scheduler pass per second, TM then VMM per VM) and toy drivers whose durations depend on the
 * VM id only. VM 3's TRANSFER fails and VM 5's DEPLOY never answers, so the run ends at its
 * deadline and every VM must still be accounted for.
 */
async function toyRun(vms: number): Promise<{ result: Result; trace: string[] }> {
  const clock = new VirtualClock();
  const sink = new MemorySink();
  const tracer = new Tracer({ vms, sink });
  const record = tracer.record.bind(tracer);

  const farm = (): Drivers => {
    const drivers: Drivers = {
      tm: {
        async transfer(r) {
          await clock.sleep(2_000 + (r.vmId % 7) * 100);
          return r.vmId === 3 ? failure('TRANSFER', r.vmId, 'CLONE: no space left on device') : success('TRANSFER', r.vmId);
        },
      },
      vmm: {
        async execute(r) {
          if (r.vmId === 5) return new Promise(() => {}); // hangs
          await clock.sleep(1_500);
          // the guest boots and phones home: the collector records NET-MSG
          clock.timer(20_000 + r.vmId * 10, () => record({ t: clock.now(), type: 'net-msg', vmId: r.vmId, host: r.host }));
          return success('DEPLOY', r.vmId, `${r.host}:vm-${r.vmId}:dummy`);
        },
      },
      im: { monitor: async (r) => success('MONITOR', r.hostId) },
    };
    return drivers;
  };
  const drivers = tapLauncher(farm, clock, record)({ transport: 'persistent' });

  // the toy stack: STATE/LCM_STATE per VM, a scheduler pass every second
  const vmsState = new Map<number, { state: number; lcm: number }>();
  const pending: number[] = [];
  const scheduler = clock.every(1_000, () => {
    for (const id of pending.splice(0)) {
      vmsState.set(id, { state: 3, lcm: 1 });
      const host = `host-0${id % 2}`;
      void drivers.tm
        .transfer({ vmId: id, op: 'prolog', lines: [`CLONE qcow2 fe:/img ${host}:/ds/0/${id}/disk.0 ${id} 1`] })
        .then(async (tm) => {
          if (tm.result === 'FAILURE') return void vmsState.set(id, { state: 3, lcm: 39 });
          vmsState.set(id, { state: 3, lcm: 2 });
          const vm = { id, name: `vm-${id}`, cpu: 0.25, vcpu: 1, memoryMiB: 512, disks: [] };
          const vmm = await drivers.vmm.execute({ action: 'DEPLOY', vmId: id, host, deployId: '', vm });
          vmsState.set(id, vmm.result === 'SUCCESS' ? { state: 3, lcm: 3 } : { state: 3, lcm: 36 });
        });
    }
  });
  let nextId = 0;
  const endpoint = tableEndpoint({
    'one.vm.allocate': (): ApiResult => {
      const id = nextId++;
      vmsState.set(id, { state: 1, lcm: 0 });
      pending.push(id);
      return ok(id);
    },
    'one.vmpool.info': (params): ApiResult => {
      const [, , start, end] = params as number[];
      const body = [...vmsState]
        .filter(([id]) => id >= start! && id <= end!)
        .map(([id, s]) => `<VM><ID>${id}</ID><STATE>${s.state}</STATE><LCM_STATE>${s.lcm}</LCM_STATE></VM>`)
        .join('');
      return ok(`<VM_POOL>${body}</VM_POOL>`);
    },
  });

  const session = 'oneadmin:opennebula';
  const deadline = new AbortController();
  const deadlineTimer = clock.timer(120_000, () => deadline.abort());
  let endAtMs = 0;
  await clock.run(async () => {
    await runLoad('parallel', { clock, endpoint, session, templates: Array(vms).fill('CPU=0.25 VCPU=1 MEMORY=512'), record, signal: deadline.signal });
    // wait until every VM is up or failed, or the deadline
    while (!deadline.signal.aborted) {
      const { counts } = tracer.progress();
      if (counts.up + counts.failed === vms) break;
      await clock.sleep(1_000);
    }
    endAtMs = clock.now();
    deadlineTimer.cancel();
    scheduler.cancel();
  });
  const polled = await pollVms(endpoint, session, Array.from({ length: vms }, (_, i) => i));
  tracer.close();
  const result = concludeRun({
    resolved: resolveScenario({ vms: { count: vms }, deadline: '120s', budgets: { total: ['p95 < 60s'], 'PROLOG-BOOT': 'max < 3s', failed: '== 0' } }),
    tracer,
    ending: { burstAtMs: 0, endAtMs, deadlineHit: deadline.signal.aborted, interrupted: null },
    polled,
    clock,
    environment: startWallWatch().environment(),
  });
  return { result, trace: sink.lines };
}

describe('the harness end to end, around a toy stack', () => {
  it('accounts for every VM at the deadline, with reasons, stages and verdicts', async () => {
    const { result, trace } = await toyRun(8);
    expect(result.vms).toEqual({ requested: 8, up: 6, failed: 1, timedOut: 1 });
    expect(result.failures.map((f) => [f.vmId, f.outcome, f.reason, f.stage, f.state])).toEqual([
      [3, 'failed', 'TRANSFER: CLONE: no space left on device', 'PROLOG-BOOT', 'PROLOG_FAILURE'],
      [5, 'timedOut', 'no NET-MSG by the deadline', 'BOOT-RUNNING', 'BOOT'],
    ]);
    // every VM answered at once and was dispatched at the first scheduler pass (t = 1 s)
    expect(result.stages['START-PENDING']).toMatchObject({ count: 8, max: 0 });
    expect(result.stages['PENDING-PROLOG']).toMatchObject({ count: 8, min: 1, max: 1 });
    // the VM whose DEPLOY hangs counts in BOOT-RUNNING and total with the time it had spent at the deadline
    expect(result.stages['BOOT-RUNNING']).toMatchObject({ count: 7, censored: 1, min: 1.5, max: 116.5, lowerBound: ['mean', 'p90', 'p95', 'p99', 'max'] });
    expect(result.stages.total).toMatchObject({ count: 7, censored: 1 });
    expect(result.run).toMatchObject({ burstAtMs: 0, endAtMs: 120_000, deadlineHit: true });
    expect(result.budgets.map((v) => [v.stage, v.pass])).toEqual([
      ['total', false], // p95 includes the hung VM: a lower bound cannot show the budget held
      ['PROLOG-BOOT', true],
      ['failed', false],
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.lag).toMatchObject({ clock: 'virtual', maxMs: 0, warning: null });
    expect(trace.length).toBeGreaterThan(8 * 6);
  });

  it('gives the same result.json twice for the same run, apart from environment', async () => {
    const a = await toyRun(8);
    const b = await toyRun(8);
    const cut = (r: Result): string => JSON.stringify({ ...r, environment: { ...r.environment, startedAt: '', wallMs: 0, peakRssMiB: 0 } });
    expect(cut(a.result)).toBe(cut(b.result));
    expect(a.trace).toEqual(b.trace);
  });
});
