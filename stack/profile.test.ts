import { describe, expect, it } from 'vitest';
import { OPENNEBULA_4_4, OPTIMIZED, PATHOLOGIES, ProfileError, resolveProfile } from './profile.js';

describe('built-in profiles', () => {
  it('opennebula-4.4 carries the release defaults and every pathology', () => {
    const p = resolveProfile('opennebula-4.4');
    expect(p.scheduler).toMatchObject({ SCHED_INTERVAL: 30, MAX_VM: 5000, MAX_DISPATCH: 30, MAX_HOST: 1, POLICY: 'striping' });
    expect([p.tm.threads, p.vmm.threads]).toEqual([15, 10]);
    expect(PATHOLOGIES.every((n) => p.pathologies[n])).toBe(true);
  });

  it('optimized lifts the limits and switches every pathology off', () => {
    const p = resolveProfile('optimized');
    expect(p.scheduler).toMatchObject({ SCHED_INTERVAL: 1, MAX_VM: 1024, MAX_DISPATCH: 1024, MAX_HOST: 1024 });
    expect([p.tm.threads, p.vmm.threads]).toEqual([128, 32]);
    expect(PATHOLOGIES.some((n) => p.pathologies[n])).toBe(false);
  });

  it('hands out copies, so a caller cannot edit the built-ins', () => {
    resolveProfile('optimized').scheduler.MAX_HOST = 1;
    expect(OPTIMIZED.scheduler.MAX_HOST).toBe(1024);
  });
});

describe('resolveProfile', () => {
  it('extends a profile and overrides single knobs, keeping the rest', () => {
    const p = resolveProfile({
      name: 'fast-4.4',
      extends: 'opennebula-4.4',
      scheduler: { MAX_HOST: 1024 },
      pathologies: { 'sched-ignores-max-host': false },
      api: { methodMs: { 'one.vm.info': 1 } },
    });
    expect(p.name).toBe('fast-4.4');
    expect(p.scheduler).toEqual({ ...OPENNEBULA_4_4.scheduler, MAX_HOST: 1024 });
    expect(p.pathologies['sched-ignores-max-host']).toBe(false);
    expect(p.pathologies['vmm-host-lock']).toBe(true);
    expect(p.api.methodMs).toEqual({ ...OPENNEBULA_4_4.api.methodMs, 'one.vm.info': 1 });
  });

  it('names an unknown key by its path', () => {
    expect(() => resolveProfile({ name: 'burst', extends: 'optimized', scheduler: { MAX_HOTS: 4 } })).toThrow(
      new ProfileError('profile "burst": scheduler.MAX_HOTS: unknown key'),
    );
    expect(() => resolveProfile({ extends: 'optimized', pathologies: { 'vmm-lock': true } })).toThrow(
      'profile: pathologies.vmm-lock: unknown key',
    );
    expect(() => resolveProfile({ extends: 'optimized', shceduler: {} })).toThrow('profile: shceduler: unknown key');
  });

  it('names a badly typed knob by its path', () => {
    expect(() => resolveProfile({ extends: 'optimized', tm: { threads: 0 } })).toThrow(/^profile: tm\.threads: /);
    expect(() => resolveProfile({ extends: 'optimized', scheduler: { POLICY: 'random' } })).toThrow(/scheduler\.POLICY/);
  });

  it('rejects an unknown base and a partial profile that extends nothing', () => {
    expect(() => resolveProfile({ extends: 'opennebula-5.0' })).toThrow(
      'profile: extends: unknown profile "opennebula-5.0" (known: opennebula-4.4, opennebula-7.5, optimized, study-0, study-1, study-2, study-3, study-4, study-5)',
    );
    expect(() => resolveProfile('opennebula-5.0')).toThrow(ProfileError);
    expect(() => resolveProfile({ name: 'bare', scheduler: OPTIMIZED.scheduler })).toThrow(/monitoring: missing/);
  });

  it('extends a user-defined profile when the caller knows it', () => {
    const mine = resolveProfile({ name: 'mine', extends: 'optimized', vmm: { threads: 4 } });
    const p = resolveProfile({ extends: 'mine', tm: { threads: 8 } }, { mine });
    expect([p.tm.threads, p.vmm.threads]).toEqual([8, 4]);
  });
});
