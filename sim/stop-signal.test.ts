import { describe, expect, it } from 'vitest';
import { SharedResource } from './shared-resource.js';
import { StopSignal } from './stop-signal.js';
import { VirtualClock } from './virtual-clock.js';

describe('StopSignal', () => {
  it('calls each listener once, with the reason set, and none added after the stop', () => {
    const s = new StopSignal();
    const seen: unknown[] = [];
    const a = (): void => void seen.push(['a', s.reason]);
    const b = (): void => void seen.push('b');
    s.addEventListener('abort', a);
    s.addEventListener('abort', b);
    s.removeEventListener('abort', b);
    s.stop('first');
    s.stop('second');
    s.addEventListener('abort', () => seen.push('late'));
    expect(seen).toEqual([['a', 'first']]);
    expect([s.aborted, s.reason]).toEqual([true, 'first']);
  });

  it('stops what the sim primitives run, as an AbortSignal would', async () => {
    const clock = new VirtualClock();
    const res = new SharedResource(clock, 1);
    const stop = new StopSignal();
    const out = await clock.run(async () => {
      clock.timer(500, () => stop.stop(new Error('guest stopped')));
      return res.consume(1, { signal: stop }).catch((e: Error) => `${e.message}@${clock.now()}`);
    });
    expect(out).toBe('guest stopped@500');
    expect(res.served).toBe(0.5);
  });
});
