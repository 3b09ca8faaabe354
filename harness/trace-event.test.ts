import { describe, expect, it } from 'vitest';
import { traceLine } from './trace-event.js';

describe('traceLine', () => {
  it('writes one JSON object with keys in a fixed order and only the fields present', () => {
    const line = traceLine({ info: 'a "quoted"\nline', t: 1.5, type: 'vmm.end', result: 'FAILURE', vmId: 3, action: 'DEPLOY', host: 'host-01' });
    expect(line).toBe('{"t":1.5,"type":"vmm.end","vmId":3,"host":"host-01","action":"DEPLOY","result":"FAILURE","info":"a \\"quoted\\"\\nline"}');
    expect(JSON.parse(line)).toMatchObject({ info: 'a "quoted"\nline', t: 1.5 });
    expect(traceLine({ t: 0, type: 'submit', index: 0 })).toBe('{"t":0,"type":"submit","index":0}');
  });
});
