import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceBytes } from './trace-bytes.js';
import { traceLine, type TraceEvent, type TraceEventType } from './trace-event.js';

const bytesOf = (e: TraceEvent, capacity = 4096): string | false => {
  const chunk = new TraceBytes(capacity);
  return chunk.append(e) && chunk.buffer.toString('utf8', 0, chunk.length);
};

describe('TraceBytes', () => {
  it('encodes the bytes traceLine writes, whatever the numbers and strings', () => {
    const num = fc.oneof(
      fc.nat(),
      fc.integer(),
      fc.double(),
      fc.constantFrom(0, -0, 2 ** 31 - 1, 2 ** 31, 2 ** 53, 1e21, 7269.12, Number.NaN, Number.POSITIVE_INFINITY),
    );
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom('host-01', 'a "quoted"\nline', '\\', '\u001f', '\ud800'));
    const event = fc.record(
      {
        t: num,
        type: fc.constantFrom<TraceEventType>('submit', 'vmm.end', 'net-msg', 'api.answer'),
        index: num,
        vmId: num,
        host: text,
        action: text,
        result: fc.constantFrom('SUCCESS' as const, 'FAILURE' as const),
        info: text,
      },
      { requiredKeys: ['t', 'type'] },
    );
    fc.assert(fc.property(event, (e) => {
        expect(bytesOf(e)).toBe(`${traceLine(e)}\n`);
      }), { numRuns: 2000 });
  });

  it('appends line after line, and refuses a line that might not fit without writing any of it', () => {
    const chunk = new TraceBytes(300);
    const e: TraceEvent = { t: 1.5, type: 'vmm.end', vmId: 3, host: 'host-01', action: 'DEPLOY', result: 'SUCCESS' };
    expect(chunk.append(e)).toBe(true);
    const one = chunk.length;
    expect(chunk.append({ t: 2, type: 'lost', vmId: 3, info: 'x'.repeat(100) })).toBe(false);
    expect(chunk.length).toBe(one);
    expect(chunk.buffer.toString('utf8', 0, chunk.length)).toBe(`${traceLine(e)}\n`);
  });
});
