/**
 * Our drivers under a real oned (README, "Against your own OpenNebula", way 2): OpenNebula 7.5.80
 * from the bundle with VM_MAD, TM_MAD and the monitoring IM_MAD pointing at `stampede driver`,
 * which reach this harness's host farm over HTTP. Every stage boundary is observed at the driver
 * seam, as against the reference stack; the same scenario on the reference stack with profile
 * opennebula-7.5 is set beside it (the parity table, printed, and written to $STAMPEDE_OUT).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleUnavailable, startOpenNebula, type RunningOpenNebula } from '../../harness/test-support/opennebula-bundle.js';
import { run } from '../../harness/run.js';
import { resolveScenario } from '../../harness/scenario.js';
import { STAGES } from '../../harness/stages.js';
import { parityMarkdown } from './parity.js';
import { plugStampedeDrivers } from './stampede-drivers.js';

const unavailable = bundleUnavailable();

/** The parity scenario: hosts, VMs, seed and latency model the same on both stacks. */
const SCENARIO = { hosts: { count: 8 }, vms: { count: 32 }, seed: 1, deadline: '150s', budgets: { failed: '== 0' } };

describe.skipIf(unavailable !== undefined)('a real OpenNebula driving stampede driver tm|vmm|im', () => {
  let one: RunningOpenNebula;
  let farmFile = '';
  beforeAll(async () => {
    one = await startOpenNebula({ configure: async (tree) => void (farmFile = await plugStampedeDrivers(tree)) });
  }, 900_000);
  afterAll(async () => {
    await one?.stop();
    expect(one?.leftovers() ?? []).toEqual([]);
  }, 120_000);

  it('deploys 32 VMs on 8 hosts with every boundary observed at the driver seam, beside the reference stack with opennebula-7.5', async () => {
    const launch = { mode: 'endpoint', url: one.url, auth: one.authFile, imMad: 'stampede', vmMad: 'stampede', farmFile, log: one.log, keep: true };
    const real = await run(resolveScenario({ ...SCENARIO, launch, clock: 'scaled:1', pollEvery: '5s' }));
    expect(real.vms).toMatchObject({ requested: 32, up: 32, failed: 0, timedOut: 0 });
    expect(real.stack?.observation).toMatchObject({ source: 'drivers', resolutionS: null });
    for (const stage of STAGES) expect(real.stages[stage].count, stage).toBe(32);
    expect(real.crossCheck.upButNotRunning).toBe(0);

    const reference = await run(resolveScenario({ ...SCENARIO, profile: 'opennebula-7.5' }));
    expect(reference.vms).toMatchObject({ requested: 32, up: 32 });
    const table = parityMarkdown(real, reference);
    console.log(`parity, 32 VMs on 8 hosts, seed 1 (emulated seconds):\n${table}`);
    const out = process.env['STAMPEDE_OUT'];
    if (out) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'parity-opennebula-7.5.md'), table);
    }
  }, 600_000);
});
