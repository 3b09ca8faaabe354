import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BUILTIN_PROFILES, resolveScenario } from '../scenario.js';
import { renderConfig } from './config.js';
import { withKnobs, type KnobValue } from './knobs.js';

const OPENNEBULA_4_4 = BUILTIN_PROFILES['opennebula-4.4']!;
const OPTIMIZED = BUILTIN_PROFILES['optimized']!;

const tuned = new Map<string, KnobValue>([
  ['scheduler.SCHED_INTERVAL', 5],
  ['scheduler.MAX_HOST', 8],
  ['scheduler.POLICY', 'packing'],
  ['tm.threads', 64],
  ['vmm.threads', 10],
  ['api.MAX_CONN', 240],
]);

describe('a configuration in the stack\'s own terms', () => {
  it('writes the sched.conf and oned.conf lines of the tuned knobs, saying what moved', () => {
    const c = renderConfig(withKnobs(OPENNEBULA_4_4, tuned), OPENNEBULA_4_4, [...tuned.keys()], 'opennebula-4.4');
    expect(c['sched.conf']).toEqual(['SCHED_INTERVAL = 5   # was 30', 'MAX_HOST = 8   # was 1', 'DEFAULT_SCHED = [ policy = 0 ]   # was policy = 1']);
    expect(c['oned.conf']).toEqual([
      'TM_MAD = [ executable = "one_tm", arguments = "-t 64 -d dummy,lvm,shared,fs_lvm,qcow2,ssh,vmfs,ceph" ]   # was -t 15',
      // 4.4's VMM runs without -p while its host lock is on: the lock is code, and stays
      'VM_MAD = [ name = "kvm", executable = "one_vmm_exec", arguments = "-t 10 -r 0 kvm", default = "vmm_exec/vmm_exec_kvm.conf", type = "kvm" ]',
      'MAX_CONN = 240   # was 15',
    ]);
    expect(c.notes).toEqual([]);
  });

  it('gives the VMM -p when the profile has no per-host lock, and says which knob OpenNebula lacks', () => {
    const profile = withKnobs(OPTIMIZED, new Map<string, KnobValue>([['vmm.threads', 64], ['scheduler.RERANK_PER_DISPATCH', false]]));
    const c = renderConfig(profile, OPTIMIZED, ['vmm.threads', 'scheduler.RERANK_PER_DISPATCH'], 'optimized');
    expect(c['oned.conf'][0]).toContain('arguments = "-t 64 -r 0 kvm -p"');
    expect(c.notes).toEqual(["scheduler.RERANK_PER_DISPATCH = false: the reference stack's own knob; OpenNebula has no line for it   # was true"]);
  });

  it('writes a --set that resolves to the tuned profile again, for a named and for an inline profile', () => {
    const want = withKnobs(OPENNEBULA_4_4, tuned);
    const named = renderConfig(want, OPENNEBULA_4_4, [...tuned.keys()], 'opennebula-4.4').set;
    expect(named).toBe("--set 'profile={extends: opennebula-4.4, scheduler: {SCHED_INTERVAL: 5, MAX_HOST: 8, POLICY: packing}, tm: {threads: 64}, vmm: {threads: 10}, api: {MAX_CONN: 240}}'");
    // the value as the CLI reads a --set: YAML
    const value = named.slice("--set 'profile=".length, -1);
    const again = resolveScenario({}, { set: [{ path: ['profile'], value: parse(value) }] });
    expect({ ...again.profile, name: want.name }).toEqual(want);

    const inline = { extends: 'opennebula-4.4', pathologies: { 'direct-io': false } };
    const sets = renderConfig(want, OPENNEBULA_4_4, ['tm.threads', 'scheduler.MAX_HOST'], inline).set;
    expect(sets).toBe('--set profile.scheduler.MAX_HOST=8 --set profile.tm.threads=64');
  });
});
