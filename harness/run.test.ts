import { describe, expect, it } from 'vitest';
import { run } from './run.js';
import { resolveScenario, type ScenarioInput } from './scenario.js';
import { MemorySink } from './trace-sink.js';
import type { Result } from './result.js';

const runOf = (input: ScenarioInput, sink = new MemorySink()): Promise<Result> => run(resolveScenario(input), { sink });

/** The Result without the one part that may differ between two runs of the same seed (harness/ does not import reports/). */
const comparable = (r: Result): string =>
  JSON.stringify({ ...r, environment: { ...r.environment, startedAt: '', wallMs: 0, peakRssMiB: 0, node: '', cpus: 0, cpuModel: '' } });

describe('run(), embedded, in virtual time', () => {
  it('deploys the nightly burst: 512 VMs on 16 hosts, all up, every stage measured', async () => {
    const result = await runOf({});
    expect(result.vms).toEqual({ requested: 512, up: 512, failed: 0, timedOut: 0 });
    for (const stage of ['START-PENDING', 'PENDING-PROLOG', 'PROLOG-BOOT', 'BOOT-RUNNING', 'RUNNING-NET-MSG', 'total'] as const) {
      expect(result.stages[stage].count).toBe(512);
    }
    // the five stages add up to total, VM by VM, so their means do too
    const parts = ['START-PENDING', 'PENDING-PROLOG', 'PROLOG-BOOT', 'BOOT-RUNNING', 'RUNNING-NET-MSG'] as const;
    const sum = parts.reduce((s, p) => s + result.stages[p].mean!, 0);
    expect(sum).toBeCloseTo(result.stages.total.mean!, 6);
    expect(result.lag.maxMs).toBe(0);
  });

  it('gives a byte-identical result.json and trace for the same seed, and a different one for another seed', async () => {
    const small: ScenarioInput = { vms: { count: 96 }, hosts: { count: 4 } };
    const [sa, sb, sc] = [new MemorySink(), new MemorySink(), new MemorySink()];
    const a = await runOf({ ...small, seed: 7 }, sa);
    const b = await runOf({ ...small, seed: 7 }, sb);
    const c = await runOf({ ...small, seed: 8 }, sc);
    expect(comparable(a)).toBe(comparable(b));
    expect(sa.lines).toEqual(sb.lines);
    expect(comparable(c)).not.toBe(comparable(a));
    expect(sc.lines).not.toEqual(sa.lines);
  });

  it('ends a faulty run by its deadline with every VM accounted for, failures with reasons, and exit code 1', async () => {
    const result = await runOf({
      vms: { count: 256 },
      hosts: { count: 8 },
      deadline: '10m',
      faults: {
        operations: {
          'tm.clone': { failRate: 0.05 },
          // exactly one deploy never answers
          'vmm.deploy': { hang: { nth: [40] } },
        },
        // one host dies mid-burst, 20 emulated seconds after it started
        hosts: { 'host-03': { crashAt: 20_000 } },
      },
    });
    const { vms } = result;
    expect(vms.up + vms.failed + vms.timedOut).toBe(256);
    expect(vms.failed).toBeGreaterThan(0);
    expect(vms.timedOut).toBeGreaterThanOrEqual(1);
    expect(result.failures).toHaveLength(vms.failed + vms.timedOut);
    for (const f of result.failures) expect(f.reason).not.toBe('');
    const reasons = result.failures.map((f) => f.reason).join('\n');
    expect(reasons).toMatch(/clone/i); // the injected TM failures
    expect(reasons).toMatch(/host-03/); // the crash
    const hung = result.failures.filter((f) => f.outcome === 'timedOut');
    expect(hung.some((f) => f.stage === 'BOOT-RUNNING')).toBe(true);
    expect(result.exitCode).toBe(1);
    expect(result.budgets.find((v) => v.stage === 'failed')?.pass).toBe(false);
  });

  it('opennebula-4.4 with a serial client: PENDING-PROLOG dominates, as the study found', async () => {
    const result = await runOf({ profile: 'opennebula-4.4', load: { mode: 'serial' } });
    expect(result.vms.up).toBe(512);
    const s = result.stages;
    const others = [s['START-PENDING'], s['PROLOG-BOOT'], s['BOOT-RUNNING'], s['RUNNING-NET-MSG']];
    for (const other of others) expect(s['PENDING-PROLOG'].mean).toBeGreaterThan(2 * other.mean!);
    expect(s['PENDING-PROLOG'].mean).toBeGreaterThan(0.5 * s.total.mean!);
    // the client's loop shows too: the last VM waited for the client far longer than the first
    expect(s['START-PENDING'].max).toBeGreaterThan(10 * Math.max(s['START-PENDING'].min!, 0.01));
  });

  it('optimized deploys the same burst far faster than opennebula-4.4', async () => {
    const old = await runOf({ profile: 'opennebula-4.4', load: { mode: 'serial' } });
    const tuned = await runOf({ profile: 'optimized' });
    expect(tuned.stages.total.mean! * 5).toBeLessThan(old.stages.total.mean!);
    expect(tuned.stages.total.max! * 5).toBeLessThan(old.stages.total.max!);
    expect(tuned.exitCode).toBe(0);
    expect(old.exitCode).toBe(1);
  });

  it('counts the VMs a hung host holds at the deadline, so a regression can never make the figures look better', async () => {
    const scenario = { vms: { count: 128 }, hosts: { count: 8 }, deadline: '10m', budgets: { total: ['mean < 5m'] } };
    const clean = await runOf(scenario);
    const hung = await runOf({ ...scenario, faults: { hosts: { 'host-03': { operations: { 'vmm.deploy': { hangRate: 1 } } } } } });
    expect(hung.vms.timedOut).toBeGreaterThan(0);
    expect(hung.stages.total.count).toBe(128); // every submitted VM, the hung ones censored at the deadline
    expect(hung.stages.total.censored).toBe(hung.vms.timedOut);
    expect(hung.stages.total.lowerBound).toContain('mean');
    expect(hung.stages.total.mean!).toBeGreaterThan(clean.stages.total.mean!);
    expect(hung.stages['BOOT-RUNNING'].censored).toBe(hung.vms.timedOut);
    expect(hung.failures.every((f) => f.host === 'host-03' && f.stage === 'BOOT-RUNNING')).toBe(true);
    expect(hung.run).toMatchObject({ deadlineHit: true, endAtMs: hung.run.burstAtMs! + 600_000 });
    expect(clean.run.deadlineHit).toBe(false);
    expect(clean.budgets[0]!.pass).toBe(true);
    expect(hung.budgets[0]).toMatchObject({ lowerBound: true, pass: false });
  });

  it('says why a VM that fits no host never came up, naming the shortage, and on which host each failure was', async () => {
    const result = await runOf({ vms: { count: 2, template: 'CPU = 1\nMEMORY = 32768\nDISK = [ IMAGE_ID = 0 ]\n' }, hosts: { count: 2 }, deadline: '2m' });
    expect(result.vms).toMatchObject({ up: 0, timedOut: 2 });
    expect(result.failures.map((f) => [f.vmId, f.stage, f.host, f.state, f.reason])).toEqual(
      [0, 1].map((id) => [
        id,
        'PENDING-PROLOG',
        null,
        'PENDING',
        'no NET-MSG by the deadline: the VM fits no host (needs 32768 MiB of memory, the largest host has 24576 MiB)',
      ]),
    );
  });

  it('stops early when its signal aborts, says it was interrupted and by what, and still accounts for every VM', async () => {
    const ac = new AbortController();
    let probe: (() => { counts: Record<string, number> }) | undefined;
    const done = run(resolveScenario({ vms: { count: 64 }, hosts: { count: 2 } }), {
      sink: new MemorySink(),
      signal: ac.signal,
      watch: (p) => (probe = p),
    });
    ac.abort('SIGTERM');
    const result = await done;
    expect(probe).toBeDefined();
    expect(result.vms.requested).toBe(64);
    expect(result.vms.up + result.vms.failed + result.vms.timedOut).toBe(64);
    expect(result.interrupted).toEqual({ signal: 'SIGTERM' });
    expect(result.exitCode).toBe(143);
    expect(result.run).toMatchObject({ burstAtMs: null, deadlineHit: false });
    expect(new Set(result.failures.map((f) => f.reason))).toEqual(new Set(['cut off by the interruption (SIGTERM)']));
  });

  it('freezes the cloud at the deadline: a slow final poll cannot make VMs come up after the end', async () => {
    const result = await runOf({ vms: { count: 4096 }, hosts: { count: 128 }, store: { mbps: 20_000 }, deadline: '90s' });
    expect(result.vms.up).toBeGreaterThan(0);
    expect(result.vms.timedOut).toBeGreaterThan(0);
    // every VM the trace saw up, the stack shows RUNNING: the poll read the cloud as it was at the end
    expect(result.crossCheck.upButNotRunning).toBe(0);
    expect(result.stages.total.max!).toBeLessThanOrEqual(90);
  });

  it('runs on a scaled clock too, reporting how late its own timers fired', async () => {
    const result = await runOf({ clock: 'scaled:2000', vms: { count: 16 }, hosts: { count: 2 }, budgets: {} });
    expect(result.vms).toEqual({ requested: 16, up: 16, failed: 0, timedOut: 0 });
    expect(result.lag.clock).toBe('scaled');
    expect(result.lag.timers).toBeGreaterThan(0);
  });

  it('refuses a scenario it cannot run with one sentence naming the field', () => {
    expect(() => resolveScenario({ vms: { count: 0 } })).toThrow(/^scenario: vms\.count: /);
    expect(() => resolveScenario({ load: { mode: 'burst' } })).toThrow(/load\.mode: expected one of parallel, serial, multicall/);
    expect(() => resolveScenario({ budgets: { total: ['p95 < soon'] } })).toThrow(/budgets\.total\[0\]/);
    expect(() => resolveScenario({ profile: 'opennebula-9' })).toThrow(/unknown profile "opennebula-9"/);
    expect(() => resolveScenario({ latncy: {} })).toThrow(/latncy: unknown field/);
  });

  it('applies --set paths over the file and the named flags over those', () => {
    const r = resolveScenario(
      { vms: { count: 10 }, load: { mode: 'parallel' } },
      { set: [{ path: ['load', 'mode'], value: 'serial' }, { path: ['faults', 'hosts'], value: { 'host-01': { slow: 2 } } }], vms: 20 },
    );
    expect(r.scenario.load.mode).toBe('serial');
    expect(r.scenario.vms.count).toBe(20);
    expect(r.scenario.faults.hosts['host-01']?.slow).toBe(2);
    expect(() => resolveScenario({ vms: 3 }, { set: [{ path: ['vms', 'count'], value: 1 }] })).toThrow(/--set vms\.count: vms is not an object/);
  });
});
