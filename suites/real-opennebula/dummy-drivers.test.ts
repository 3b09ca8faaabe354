/**
 * Against a real OpenNebula with its own dummy drivers (README, "Against your own OpenNebula",
 * way 1): oned 7.5.80 from the bundle, stampede in endpoint mode, stages from polling. No TM or
 * VMM action reaches our host farm, so the report must say which boundaries were polled and at
 * what resolution, and the run must still account for every VM. Then the same oned is killed in
 * the middle of a second burst (one test, since the kill ends the instance: the suite stays
 * within CI's time by starting oned once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleUnavailable, startOpenNebula, type RunningOpenNebula } from '../../harness/test-support/opennebula-bundle.js';
import { run } from '../../harness/run.js';
import { resolveScenario } from '../../harness/scenario.js';
import { ExitCode } from '../../harness/result.js';
import type { ProgressSnapshot } from '../../harness/trace.js';
import { wallClock } from '../../harness/wall-clock.js';
import { XmlRpcClient } from '../../harness/xmlrpc-client.js';

const unavailable = bundleUnavailable();
if (unavailable) console.log(`suites/real-opennebula skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('a real OpenNebula with its own dummy drivers', () => {
  let one: RunningOpenNebula;
  beforeAll(async () => {
    one = await startOpenNebula();
  }, 900_000);
  afterAll(async () => {
    await one?.stop();
    expect(one?.leftovers() ?? []).toEqual([]);
  }, 120_000);

  it('deploys 32 VMs on 8 hosts, PROLOG, BOOT and RUNNING polled at 1 s, removes what it created; killed mid-run, accounts for every VM', async () => {
    const launch = { mode: 'endpoint', url: one.url, auth: one.authFile, observe: 'polling', log: one.log };
    const result = await run(
      resolveScenario({ launch, clock: 'scaled:1', hosts: { count: 8 }, vms: { count: 32 }, pollEvery: '1s', deadline: '120s', budgets: { failed: '== 0' } }),
    );
    expect(result.vms).toMatchObject({ requested: 32, up: 32, failed: 0, timedOut: 0 });
    expect(result.stack?.observation).toMatchObject({
      source: 'polling',
      resolutionS: 1,
      boundaries: { START: 'observed', PENDING: 'observed', PROLOG: 'polled', BOOT: 'polled', RUNNING: 'polled', 'NET-MSG': 'inferred' },
    });
    expect(result.stack?.stoppedAnswering).toBeNull();
    // every VM crossed every boundary, in order: the polled stages are all measured, NET-MSG at RUNNING
    for (const stage of ['START-PENDING', 'PENDING-PROLOG', 'PROLOG-BOOT', 'BOOT-RUNNING', 'RUNNING-NET-MSG', 'total'] as const) {
      expect(result.stages[stage].count, stage).toBe(32);
    }
    expect(result.stages['RUNNING-NET-MSG'].max).toBe(0);
    expect(result.crossCheck.upButNotRunning).toBe(0);

    const client = new XmlRpcClient(one.url);
    try {
      const hosts = await client.call('one.hostpool.info', [one.session]);
      expect(String(hosts[1])).not.toContain('<HOST>');
      const vms = await client.call('one.vmpool.info', [one.session, -2, -1, -1, -1]);
      expect(String(vms[1])).not.toContain('<VM>');
    } finally {
      await client.close();
    }

    // oned killed (SIGKILL) once the first VM of a second burst is up
    const wall = wallClock();
    let killed = false;
    let ended = false;
    const killAtFirstUp = (probe: () => ProgressSnapshot): void => {
      const look = (): void => {
        if (ended) return;
        if (probe().counts.up > 0) {
          process.kill(one.pid, 'SIGKILL');
          killed = true;
        } else wall.timer(250, look);
      };
      look();
    };
    const cut = await run(
      resolveScenario({ launch, clock: 'scaled:1', hosts: { count: 8 }, vms: { count: 48 }, pollEvery: '1s', deadline: '40s' }),
      { watch: killAtFirstUp },
    ).finally(() => (ended = true));
    expect(killed).toBe(true);
    const { requested, up, failed, timedOut } = cut.vms;
    expect(requested).toBe(48);
    expect(up + failed + timedOut).toBe(48);
    expect(up).toBeGreaterThan(0);
    expect(up).toBeLessThan(48);
    expect(cut.run.deadlineHit).toBe(true);
    const stopped = cut.stack?.stoppedAnswering;
    expect(stopped?.sentence).toMatch(/^The stack stopped answering [\d.]+ s into the burst \(the stack at http:\/\/127\.0\.0\.1:2633\/RPC2 does not answer: \w+\); \d+ of 48 VMs never settled/);
    expect(cut.stack?.logTail.length).toBeGreaterThan(0);
    expect(cut.exitCode).toBe(ExitCode.VERDICT);
  }, 480_000);
});
