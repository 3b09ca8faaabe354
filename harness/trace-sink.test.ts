import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Tracer } from './trace.js';
import { traceLine, type TraceEvent } from './trace-event.js';
import { JsonlFile } from './trace-sink.js';

describe('JsonlFile, under a Tracer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-trace-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes lines durable at every emulated second, before the run ends', () => {
    const path = join(dir, 'nested', 'trace.jsonl');
    const tracer = new Tracer({ vms: 1, sink: new JsonlFile(path) });
    tracer.record({ t: 0, type: 'submit', index: 0 });
    tracer.record({ t: 500, type: 'answer', index: 0, vmId: 1 });
    expect(readFileSync(path, 'utf8')).toBe(''); // still in the chunk
    tracer.record({ t: 1_000, type: 'tm.start', vmId: 1, action: 'prolog' });
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['submit', 'answer', 'tm.start']);
    tracer.record({ t: 1_200, type: 'tm.end', vmId: 1, action: 'prolog', result: 'SUCCESS' });
    tracer.close();
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(4);
  });

  it('writes every line as traceLine does, across chunks and lines longer than a chunk', () => {
    const path = join(dir, 'long.jsonl');
    const file = new JsonlFile(path);
    const events: TraceEvent[] = [];
    for (let i = 0; i < 3000; i += 1) events.push({ t: i * 1.25, type: 'vmm.end', vmId: i, host: `host-${i % 7}`, action: 'DEPLOY', result: 'SUCCESS' });
    events.splice(1500, 0, { t: 1, type: 'lost', vmId: 1, info: `a "long" reason ${'é'.repeat(70_000)}` });
    for (const e of events) file.write(e);
    file.close();
    expect(readFileSync(path, 'utf8')).toBe(events.map((e) => `${traceLine(e)}\n`).join(''));
  });

  it('says which file it cannot write', () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    expect(() => new JsonlFile(join(blocker, 'trace.jsonl'))).toThrow(/cannot write the trace to ".*a-file\/trace.jsonl"/);
  });
});
