import type { ScenarioInput } from '../scenario.js';

/**
 * The catalog of pathologies the detectors name, each as a scenario that switches on one of them
 * alone over the optimized profile, at a size that runs in about a second in virtual time: the
 * reference stack's pathologies, the `serial-submit` client, and the knobs and farm faults behind
 * the other patterns (a small thread pool, a dispatch cap, a hung host, a guest that never
 * reports). `suites/regressions` runs them all and prints the confusion matrix.
 */
export interface CatalogCase {
  /** what is switched on, as the confusion matrix's row names it */
  name: string;
  /** the name the detector should give (none for the clean run) */
  pathology?: string;
  /** how it is switched on, in a sentence */
  how: string;
  scenario: ScenarioInput;
}

/** The PR gate's shape: 32 VMs per host of 8 cores, as the nightly. */
const BASE = { hosts: { count: 4, cores: 8, memoryMiB: 24_576 }, vms: { count: 128 }, deadline: '10m' } as const;

const over = (name: string, how: string, profile: Record<string, unknown>, extra: Partial<ScenarioInput> = {}): CatalogCase => ({
  name,
  pathology: name.replace(/ \(.*\)$/, ''),
  how,
  scenario: { ...BASE, name: `catalog-${name.replace(/ \((.*)\)$/, '-$1').toLowerCase()}`, profile: { extends: 'optimized', ...profile }, ...extra },
});
const pathology = (name: string, how: string): CatalogCase => over(name, how, { pathologies: { [name]: true } });

export const CLEAN: CatalogCase = { name: 'clean', how: 'the optimized profile, nothing switched on', scenario: { ...BASE, name: 'catalog-clean' } };

export const CATALOG: readonly CatalogCase[] = [
  pathology('vmm-host-lock', 'the VMM driver without -p: one action per host at a time'),
  pathology('vertical-pipeline', 'TM and VMM pools of one worker each'),
  pathology('sched-ignores-max-host', 'the scheduler dispatches one VM per host per cycle'),
  pathology('ssh-per-action', 'drivers on the ssh transport: a connection per action'),
  pathology('direct-io', 'disks with cache=none'),
  { name: 'serial-submit', pathology: 'serial-submit', how: 'the serial load mode: one allocate after another', scenario: { ...BASE, name: 'catalog-serial-submit', load: { mode: 'serial' } } },
  over('thread-pool-cap (VMM)', 'the VMM driver with -t 2 on 4 hosts', { vmm: { threads: 2 } }),
  over('thread-pool-cap (TM)', 'the TM driver with -t 1 on 4 hosts: a global lock', { tm: { threads: 1 } }),
  over('dispatch-throttle', 'MAX_DISPATCH = 3 per 1 s cycle on 4 hosts', { scheduler: { MAX_DISPATCH: 3 } }),
  {
    name: 'head-of-line',
    pathology: 'head-of-line',
    how: 'every DEPLOY on host-02 hangs',
    scenario: { ...BASE, name: 'catalog-head-of-line', faults: { hosts: { 'host-02': { operations: { 'vmm.deploy': { hangRate: 1 } } } } } },
  },
  {
    name: 'lost-not-slow',
    pathology: 'lost-not-slow',
    how: 'the guest of VM 5 never sends its NET-MSG',
    scenario: { ...BASE, name: 'catalog-lost-not-slow', faults: { operations: { 'guest.boot': { hang: { vmIds: [5] } } } } },
  },
];

/**
 * The study's stack: opennebula-4.4 with its client of the time (serial submits). It contains
 * five pathologies the trace can show; `vmm-host-lock` is there too but cannot be seen: with
 * MAX_HOST 1 (and `sched-ignores-max-host`) the scheduler sends each host one VM per 30 s cycle,
 * far fewer than a DEPLOY takes, so no host ever has two to serialize.
 */
export const OPENNEBULA_4_4_CASE: CatalogCase = {
  name: 'opennebula-4.4',
  how: 'the opennebula-4.4 profile with serial submits',
  scenario: { ...BASE, vms: { count: 64 }, name: 'catalog-opennebula-4.4', profile: 'opennebula-4.4', load: { mode: 'serial' }, deadline: '1h' },
};
export const OPENNEBULA_4_4_VISIBLE = ['vertical-pipeline', 'sched-ignores-max-host', 'ssh-per-action', 'direct-io', 'serial-submit'] as const;
