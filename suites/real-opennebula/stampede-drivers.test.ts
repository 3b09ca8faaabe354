/**
 * Our drivers under a real oned (README, "Against your own OpenNebula", way 2): OpenNebula 7.5.80
 * from the bundle with VM_MAD, TM_MAD and the monitoring IM_MAD pointing at `stampede driver`,
 * which reach this harness's host farm over HTTP. Every stage boundary is observed at the driver
 * seam, as against the reference stack; the same scenario on the reference stack with profile
 * opennebula-7.5 is set beside it (the parity table, printed, and written to $STAMPEDE_OUT). Both
 * run oned.conf's SCHED_MAX_WND_LENGTH as long as the burst: with the shipped 7, this oned
 * deadlocks under 128 VMs (setPlacementWindow says how).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleUnavailable, startOpenNebula, type RunningOpenNebula } from '../../harness/test-support/opennebula-bundle.js';
import { run } from '../../harness/run.js';
import { resolveScenario } from '../../harness/scenario.js';
import { STAGES } from '../../harness/stages.js';
import { parityMarkdown } from './parity.js';
import { plugStampedeDrivers, setPlacementWindow } from './stampede-drivers.js';

const unavailable = bundleUnavailable();

/**
 * The parity scenario: hosts, VMs, seed and latency model the same on both stacks. The run ends
 * when the last VM is up (85 to 170 s here, by the machine's load); the deadline is margin.
 */
const SCENARIO = { hosts: { count: 8 }, vms: { count: 128 }, seed: 1, deadline: '360s', budgets: { failed: '== 0' } };
/** oned.conf's SCHED_MAX_WND_LENGTH on both stacks: the whole burst (why: setPlacementWindow) */
const WINDOW = SCENARIO.vms.count;

describe.skipIf(unavailable !== undefined)('a real OpenNebula driving stampede driver tm|vmm|im', () => {
  let one: RunningOpenNebula;
  let farmFile = '';
  beforeAll(async () => {
    one = await startOpenNebula({
      configure: async (tree) => {
        farmFile = await plugStampedeDrivers(tree);
        await setPlacementWindow(tree, WINDOW);
      },
    });
  }, 900_000);
  afterAll(async () => {
    await one?.stop();
    expect(one?.leftovers() ?? []).toEqual([]);
  }, 120_000);

  it('deploys 128 VMs on 8 hosts with every boundary observed at the driver seam, beside the reference stack with opennebula-7.5', async () => {
    const launch = { mode: 'endpoint', url: one.url, auth: one.authFile, imMad: 'stampede', vmMad: 'stampede', farmFile, log: one.log, keep: true };
    const real = await run(resolveScenario({ ...SCENARIO, launch, clock: 'scaled:1', pollEvery: '5s' }));
    expect(real.vms).toMatchObject({ requested: 128, up: 128, failed: 0, timedOut: 0 });
    expect(real.stack?.observation).toMatchObject({ source: 'drivers', resolutionS: null });
    for (const stage of STAGES) expect(real.stages[stage].count, stage).toBe(128);
    expect(real.crossCheck.upButNotRunning).toBe(0);

    const reference = await run(resolveScenario({ ...SCENARIO, profile: { extends: 'opennebula-7.5', placement: { SCHED_MAX_WND_LENGTH: WINDOW } } }));
    expect(reference.vms).toMatchObject({ requested: 128, up: 128 });
    const table = parityMarkdown(real, reference);
    console.log(`parity, 128 VMs on 8 hosts, seed 1, SCHED_MAX_WND_LENGTH ${WINDOW} (emulated seconds):\n${table}`);
    const out = process.env['STAMPEDE_OUT'];
    if (out) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'parity-opennebula-7.5.md'), table);
    }
  }, 600_000);
});
