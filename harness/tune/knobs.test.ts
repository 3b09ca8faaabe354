import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { profileSchema } from '../../stack/profile.js';
import { BUILTIN_PROFILES } from '../scenario.js';
import { KNOBS, knobAt, parseKnob, positionOf, readKnob, resourcesOf, valueAt, withKnobs } from './knobs.js';

const OPENNEBULA_4_4 = BUILTIN_PROFILES['opennebula-4.4']!;

describe('--knob PATH=RANGE', () => {
  it('reads a duration range on a log scale, in whole seconds as sched.conf takes them', () => {
    const d = parseKnob('scheduler.SCHED_INTERVAL=1s..30s');
    expect(d.range).toEqual({ lo: 1, hi: 30, log: true });
    expect([0, 0.5, 1].map((u) => valueAt(d, u))).toEqual([1, 5, 30]);
    expect(valueAt(parseKnob('scheduler.SCHED_INTERVAL=100ms..2s'), 0)).toBe(0.1);
  });

  it('reads a whole-number range, log when it spans a factor of 4, linear otherwise', () => {
    const log = parseKnob('tm.threads=1..1024');
    expect(log.range?.log).toBe(true);
    expect(valueAt(log, 0.5)).toBe(32);
    const linear = parseKnob('scheduler.MAX_HOST=2..5');
    expect(linear.range?.log).toBe(false);
    expect([0, 0.34, 0.67, 1].map((u) => valueAt(linear, u))).toEqual([2, 3, 4, 5]);
    expect(linear.levels).toBe(4);
  });

  it('reads a list in the order given, policies by name or by number, and accepts a profile. prefix', () => {
    expect(parseKnob('scheduler.POLICY=packing,1').values).toEqual(['packing', 'striping']);
    expect(parseKnob('profile.scheduler.MAX_DISPATCH=0,30,1024').values).toEqual([0, 30, 1024]);
    expect(parseKnob('scheduler.RERANK_PER_DISPATCH=true,false').values).toEqual([true, false]);
    const d = parseKnob('vmm.threads=4,16,64');
    expect([0, 0.4, 0.99].map((u) => valueAt(d, u))).toEqual([4, 16, 64]);
  });

  it('places a value back where valueAt takes it from', () => {
    for (const spec of ['tm.threads=1..256', 'scheduler.SCHED_INTERVAL=1s..60s', 'scheduler.HYPERVISOR_MEM=0..0.5', 'vmm.threads=5,10,20']) {
      const d = parseKnob(spec);
      for (const u of [0, 0.2, 0.5, 0.8, 1]) {
        const v = valueAt(d, u);
        expect(valueAt(d, positionOf(d, v)!)).toBe(v);
      }
    }
    expect(positionOf(parseKnob('tm.threads=20..256'), 15)).toBeUndefined();
  });

  it.each([
    ['scheduler.SCHED_INTERVALL=1s..30s', /no such knob \(did you mean "scheduler\.SCHED_INTERVAL"\?\)/],
    ['threads=1..8', /no such knob; knobs: scheduler\.SCHED_INTERVAL/],
    ['api.callMs=1..10', /service time, a property of its code/],
    ['pathologies.direct-io=true,false', /tune leaves pathologies as the scenario has them/],
    ['tm.threads', /takes PATH=RANGE/],
    ['tm.threads=30..10', /must go from low to high/],
    ['tm.threads=0..10', /out of the knob's bounds \(at least 1\)/],
    ['tm.threads=1.5..10', /"1\.5" is not a whole number/],
    ['scheduler.MAX_DISPATCH=0..1024', /cannot start at 0; start at 1/],
    ['scheduler.SCHED_INTERVAL=fast..30s', /"fast" is not a duration/],
    ['scheduler.HYPERVISOR_MEM=0..2', /out of the knob's bounds \(from 0 to 1\)/],
    ['scheduler.POLICY=packing..striping', /takes a list \(packing,striping\), not a range/],
    ['scheduler.POLICY=packing,load', /"load" is not a policy/],
    ['vmm.threads=4,8,4', /4 is listed twice/],
    ['vmm.threads=8', /neither a range .* nor a list/],
  ])('%s: one sentence', (spec, message) => {
    expect(() => parseKnob(spec)).toThrow(message);
  });
});

describe('knob values in a profile', () => {
  it('reads and sets knobs without touching the original profile', () => {
    const tuned = withKnobs(OPENNEBULA_4_4, new Map<string, number>([['tm.threads', 64], ['scheduler.SCHED_INTERVAL', 5]]));
    expect(readKnob(tuned, 'tm.threads')).toBe(64);
    expect(tuned.scheduler.SCHED_INTERVAL).toBe(5);
    expect(OPENNEBULA_4_4.tm.threads).toBe(15);
  });

  it('counts only the resources the tuned knobs spend', () => {
    expect(resourcesOf(OPENNEBULA_4_4, new Set(['scheduler.MAX_HOST']))).toEqual({});
    expect(resourcesOf(OPENNEBULA_4_4, new Set(['tm.threads', 'scheduler.SCHED_INTERVAL']))).toEqual({ 'driver threads': 40, 'dispatches/s': 1 });
    const unlimited = withKnobs(OPENNEBULA_4_4, new Map([['scheduler.MAX_DISPATCH', 0]]));
    expect(resourcesOf(unlimited, new Set(['scheduler.MAX_DISPATCH']))['dispatches/s']).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('the knob catalogue', () => {
  it('decides about every knob of the profile: searched, or refused as code', () => {
    // a knob added to stack/profile.ts must be added to KNOBS or to the refused ones
    for (const [group, schema] of Object.entries(profileSchema.shape)) {
      if (!(schema instanceof z.ZodObject)) continue;
      for (const key of Object.keys(schema.shape)) {
        const path = `${group}.${key}`;
        if (KNOBS.some((k) => k.path === path)) continue;
        expect(() => knobAt(path), path).toThrow(/property of its code|a defect of the code|never reaches/);
      }
    }
  });
});
