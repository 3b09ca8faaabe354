import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../result.js';
import { run } from '../run.js';
import { resolveScenario } from '../scenario.js';
import type { TraceEvent } from '../trace-event.js';
import { apiDegradation } from './api-degradation.js';
import { CATALOG, CLEAN } from './catalog.js';
import { DETECTORS, startDetection, type Detector } from './index.js';
import { interference } from './interference.js';
import { withinRunDegradation } from './within-run-degradation.js';

const CTX = { hosts: [1, 2, 3, 4].map((i) => ({ name: `host-0${i}`, cores: 8, memoryMiB: 24_576 })), vms: 64, headNodeCores: 8 };

/** Runs one detector over hand-written events. */
function detect(detector: Detector, events: TraceEvent[]): Finding[] {
  const d = startDetection(CTX, [detector]);
  for (const e of [...events].sort((a, b) => a.t - b.t)) d.observe(e);
  return d.gather();
}

/** A burst of `n` VMs through every stage; `shape` sets each VM's times. */
function burst(
  n: number,
  shape: (i: number) => { sent?: number; answer?: number; prolog: number; prologMs?: number; deployMs?: number; host?: string },
): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (let i = 0; i < n; i += 1) {
    const s = shape(i);
    const host = s.host ?? `host-0${(i % 4) + 1}`;
    const vmId = 100 + i;
    const prologEnd = s.prolog + (s.prologMs ?? 500);
    const running = prologEnd + (s.deployMs ?? 1500);
    out.push(
      { t: 0, type: 'submit', index: i },
      ...(s.sent === undefined ? [] : [{ t: s.sent, type: 'send' as const, index: i }]),
      { t: s.answer ?? 10, type: 'answer', index: i, vmId },
      { t: s.prolog, type: 'tm.start', vmId, host, action: 'prolog' },
      { t: prologEnd, type: 'tm.end', vmId, host, action: 'prolog', result: 'SUCCESS' },
      { t: prologEnd, type: 'vmm.start', vmId, host, action: 'DEPLOY' },
      { t: running, type: 'vmm.end', vmId, host, action: 'DEPLOY', result: 'SUCCESS' },
      { t: running + 20_000, type: 'net-msg', vmId, host },
    );
  }
  return out;
}

describe('detectors on runs of the catalog (PR-sized, virtual time)', () => {
  const findings = new Map<string, Finding[]>();
  beforeAll(async () => {
    for (const c of [CLEAN, ...CATALOG]) findings.set(c.name, (await run(resolveScenario(c.scenario, {}, c.name))).findings);
  }, 120_000);
  const one = (name: string): Finding => {
    const f = findings.get(name)!;
    expect(f).toHaveLength(1);
    return f[0]!;
  };

  it('stay silent on a clean run', () => {
    expect(findings.get('clean')).toEqual([]);
  });

  it('per-host serialization names each host, its queue and PROLOG-BOOT', () => {
    const f = one('vmm-host-lock');
    expect(f).toMatchObject({ detector: 'per-host-serialization', stage: 'PROLOG-BOOT', hosts: ['host-01', 'host-02', 'host-03', 'host-04'] });
    // 32 VMs per host, one deploying: 31 wait; the farm ran one per host
    expect(f.evidence).toMatch(/^VMM deploys on host-0\d never overlapped \(max 1 in flight\) while up to 31 waited .* up to 4 deploys at once/);
  });

  it('a thread-pool cap names the number and the stage the VMs wait in', () => {
    const f = one('thread-pool-cap (VMM)');
    expect(f).toMatchObject({ stage: 'PROLOG-BOOT', hosts: [] });
    expect(f.evidence).toMatch(/^VMM DEPLOYs in flight plateaued at 2 over the whole farm, for 100% of the .* while up to 125 VMs waited in PROLOG-BOOT: a pool of 2 for 4 hosts$/);
    const tm = one('thread-pool-cap (TM)');
    expect(tm).toMatchObject({ stage: 'PENDING-PROLOG', hosts: [] });
    expect(tm.evidence).toMatch(/^TM prolog TRANSFERs in flight plateaued at 1 over the whole farm.*: a pool of 1 for 4 hosts: a global lock$/);
  });

  it('vertical-pipeline sees actions handed to both drivers one at a time while they overlap', () => {
    const f = one('vertical-pipeline');
    expect(f.stage).toBe('PROLOG-BOOT');
    expect(f.evidence).toMatch(/^128 prologs reached the TM and 128 DEPLOYs the VMM one at a time, never within 25 ms and 45 ms of one another .* though the drivers ran up to \d+ and 32 at once/);
  });

  it('dispatch throttling tells one VM per host per cycle from a cap per cycle', () => {
    const perHost = one('sched-ignores-max-host');
    expect(perHost).toMatchObject({ pathology: 'sched-ignores-max-host', stage: 'PENDING-PROLOG' });
    expect(perHost.evidence).toMatch(/at most 1 VM per host per cycle: \d+ cycles 1\.0 s apart, each starting 4 prologs/);
    const cap = one('dispatch-throttle');
    expect(cap).toMatchObject({ pathology: 'dispatch-throttle', stage: 'PENDING-PROLOG' });
    expect(cap.evidence).toMatch(/dispatched 3 VMs per cycle and no more .* a dispatch cap of 3 per cycle \(MAX_DISPATCH\)/);
  });

  it('ssh-per-action counts one set-up per action', () => {
    // 128 prologs, 128 deploys, and the MONITOR rounds: every one opened its own connection
    expect(one('ssh-per-action').evidence).toMatch(/^(\d+) SSH connection set-ups for \1 driver actions \(one per action\).* on the head node's 8 cores/);
  });

  it('direct-io counts working sets against boots and hosts', () => {
    const f = one('direct-io');
    expect(f.stage).toBe('RUNNING-NET-MSG');
    expect(f.evidence).toMatch(/served 128 boot working sets .* for 128 boots on 4 hosts: one per VM instead of one per host and image \(4 with a host cache\)/);
  });

  it('serial-submit sees one allocate at a time, START-PENDING growing', () => {
    const f = one('serial-submit');
    expect(f.stage).toBe('START-PENDING');
    // optimized answers an allocate in 10 ms: the 128th waits about 1.3 s
    expect(f.evidence).toMatch(/the 128 allocates went one at a time \(never 2 in flight\).*rank correlation 1\.00.*1\.3 s at most, at 10 ms per answer/);
  });

  it('head-of-line names the hung host and the healthy VMs it held up', () => {
    const f = one('head-of-line');
    expect(f).toMatchObject({ stage: 'PROLOG-BOOT', hosts: ['host-02'] });
    expect(f.evidence).toMatch(/^host-02 was hung \(32 of its 32 DEPLOYs never answered\) and held up to 32 of the 32 deploys in flight/);
  });

  it('lost-not-slow names the VM and its host', () => {
    const f = one('lost-not-slow');
    expect(f.stage).toBe('RUNNING-NET-MSG');
    expect(f.hosts).toHaveLength(1);
    expect(f.evidence).toMatch(new RegExp(`^VM 5 on ${f.hosts[0]} booted and was RUNNING but sent no NET-MSG .* the other 31 VMs of ${f.hosts[0]} all reported`));
  });
});

describe('detectors on hand-written traces (no switch of the reference stack makes these)', () => {
  it('api-degradation: allocates one at a time whose answer grows with the pool', () => {
    let t = 0;
    const slow = burst(40, (i) => {
      const sent = t;
      t += 10 + 5 * i; // 10 ms, then 5 ms more per VM already in the pool
      return { sent, answer: t, prolog: 100_000 + i * 10 };
    });
    const [f, ...rest] = detect(apiDegradation, slow);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ pathology: 'api-degradation', stage: 'START-PENDING' });
    expect(f!.evidence).toMatch(/^one\.vm\.allocate answered in \d+ ms with 9 or fewer VMs in the pool and in \d+ ms with 30 or more/);
    t = 0;
    const flat = burst(40, (i) => ({ sent: (t += 10) - 10, answer: t, prolog: 100_000 + i * 10 }));
    expect(detect(apiDegradation, flat)).toEqual([]);
  });

  it('interference: dispatch stalls that begin with MONITOR rounds, and not when rounds miss them', () => {
    // 8 VMs dispatched every 1 s, except that after every second wave dispatch stalls for 5 s
    const withRounds = (roundAt: (k: number) => number): TraceEvent[] => {
      const events = burst(64, (i) => {
        const k = Math.floor(i / 8);
        return { prolog: 1000 + k * 1000 + Math.floor(k / 2) * 4000 };
      });
      for (let k = 0; k < 4; k += 1) {
        const a = roundAt(k);
        events.push({ t: a, type: 'im.start', host: 'host-01', action: 'MONITOR' }, { t: a + 900, type: 'im.end', host: 'host-01', action: 'MONITOR', result: 'SUCCESS' });
      }
      return events;
    };
    // waves at 1, 2, 7, 8, 13, 14, 19, 20 s: the stalls begin at 2, 8 and 14 s
    const [f] = detect(interference, withRounds((k) => 2000 + k * 6000));
    expect(f).toMatchObject({ pathology: 'interference', stage: 'PENDING-PROLOG' });
    expect(f!.evidence).toMatch(/^3 of 3 dispatch stalls .* began during a monitoring round/);
    expect(detect(interference, withRounds((k) => 4000 + k * 6000))).toEqual([]);
  });

  it('within-run degradation: late DEPLOYs slower than early ones, not a queue', () => {
    const [f] = detect(withinRunDegradation, burst(50, (i) => ({ prolog: 1000 + i * 100, deployMs: 1000 + Math.floor(i / 10) * 1000 })));
    expect(f).toMatchObject({ pathology: 'within-run-degradation', stage: 'BOOT-RUNNING' });
    expect(f!.evidence).toMatch(/^DEPLOYs of the last fifth of the burst took a median 5\.0 s against 1\.0 s for the first fifth \(rank correlation 0\.9\d/);
    expect(detect(withinRunDegradation, burst(50, (i) => ({ prolog: 1000 + i * 100 })))).toEqual([]);
  });

  it('every detector gathers a burst of 120,000 VMs: more values than Math.max(...values) takes as arguments', () => {
    // DEPLOYs start on even and end on odd milliseconds: 240,000 segments in the farm's deploy timeline
    const n = 120_000;
    const events = burst(n, (i) => ({ prolog: 1000 + 2 * i, deployMs: 1501, host: `host-${i % 1000}` }));
    const d = startDetection({ ...CTX, vms: n }, DETECTORS);
    for (const e of events.sort((a, b) => a.t - b.t)) d.observe(e);
    expect(() => d.gather()).not.toThrow();
  }, 60_000);
});
