/**
 * Against a real OpenNebula with its own dummy drivers (README, "Against your own OpenNebula",
 * way 1): oned 7.5.80 from the bundle, stampede in endpoint mode, stages from polling. No TM or
 * VMM action reaches our host farm, so the report must say which boundaries were polled and at
 * what resolution, and the run must still account for every VM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleUnavailable, startOpenNebula, type RunningOpenNebula } from '../../harness/test-support/opennebula-bundle.js';
import { run } from '../../harness/run.js';
import { resolveScenario } from '../../harness/scenario.js';
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

  it('deploys 32 VMs on 8 hosts, PROLOG, BOOT and RUNNING polled at 1 s, and removes what it created', async () => {
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
  }, 300_000);
});
