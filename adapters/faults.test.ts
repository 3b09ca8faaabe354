import { describe, expect, it } from 'vitest';
import { Random } from '../sim/random.js';
import { FaultPlanSchema, Faults, type FaultPlanInput } from './faults.js';

const faults = (plan: FaultPlanInput, seed = 1): Faults => new Faults(FaultPlanSchema.parse(plan), new Random(seed));

describe('Faults', () => {
  it('injects nothing without a plan', () => {
    const f = faults({});
    expect(f.active).toBe(false);
    expect(f.decide('vmm.deploy', 'host-01', 1, ['k'])).toEqual({ kind: 'ok' });
  });

  it('picks the most specific rule: host over farm, operation over family over *', () => {
    const f = faults({
      operations: { '*': { fail: { vmIds: [1] } }, 'tm.*': { hang: { vmIds: [1] } }, 'tm.clone': {} },
      hosts: { 'host-02': { operations: { 'tm.clone': { fail: { vmIds: [1] }, message: 'disk full' } } } },
    });
    expect(f.decide('tm.clone', 'host-01', 1, ['a']).kind).toBe('ok'); // tm.clone rule: no victims
    expect(f.decide('tm.ln', 'host-01', 1, ['b']).kind).toBe('hang'); // tm.* rule
    expect(f.decide('vmm.deploy', 'host-01', 1, ['c']).kind).toBe('fail'); // * rule
    expect(f.decide('tm.clone', 'host-02', 1, ['d'])).toEqual({ kind: 'fail', message: 'disk full' });
    expect(f.decide('tm.ln', 'host-02', 1, ['e']).kind).toBe('hang'); // host has no tm.ln rule: the farm's applies
  });

  it('names victims by VM id and by the n-th action a rule applies to', () => {
    const f = faults({ operations: { 'vmm.deploy': { hang: { nth: [2] }, fail: { vmIds: [7], nth: [4] } } } });
    const kinds = [10, 11, 12, 7, 13, 14].map((vm) => f.decide('vmm.deploy', 'h', vm, [vm]).kind);
    expect(kinds).toEqual(['ok', 'hang', 'ok', 'fail', 'ok', 'ok']);
  });

  it('draws from the action’s own stream: the same key meets the same fate, in any order', () => {
    const plan: FaultPlanInput = { operations: { 'tm.clone': { failRate: 0.5 } } };
    const keys = Array.from({ length: 40 }, (_, i) => ['vm', i, 'tm.clone', 0]);
    const forward = faults(plan);
    const backward = faults(plan);
    const a = keys.map((k) => forward.decide('tm.clone', 'h', undefined, k).kind);
    const b = [...keys].reverse().map((k) => backward.decide('tm.clone', 'h', undefined, k).kind).reverse();
    expect(a).toEqual(b);
    expect(new Set(a)).toEqual(new Set(['ok', 'fail']));
  });

  it('rejects impossible plans with the path of the problem', () => {
    const issues = (plan: unknown): string[] =>
      FaultPlanSchema.safeParse(plan).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ operations: { 'vmm.deploy': { failRate: 0.7, hangRate: 0.5 } } })).toEqual([
      'operations.vmm.deploy.hangRate: failRate + hangRate must be at most 1',
    ]);
    expect(issues({ operations: { 'vmm.explode': { failRate: 0.1 } } })).toEqual(['operations: Unrecognized key: "vmm.explode"']);
    expect(issues({ hosts: { 'host-01': { slow: 0 } } })[0]).toMatch(/^hosts.host-01.slow: /);
    expect(issues({ operations: { 'tm.clone': { fail: { nth: [0] } } } })[0]).toMatch(/^operations.tm.clone.fail.nth.0: /);
  });
});
