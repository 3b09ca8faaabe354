import { describe, expect, it } from 'vitest';
import { run } from './run.js';
import { resolveScenario } from './scenario.js';
import { BAR_STAGES, HEAT_BINS, MAX_BARS, SERIES_BINS, SERIES_PHASES, seriesOfTrace } from './series.js';
import type { TraceEvent } from './trace-event.js';
import { MemorySink } from './trace-sink.js';

/** One VM's deploy on `host`: submit at t, each boundary `step` ms after the last. */
function deploy(index: number, host: string, t: number, step: number): TraceEvent[] {
  const vmId = index;
  return [
    { t, type: 'submit', index },
    { t: t + step, type: 'answer', index, vmId },
    { t: t + 2 * step, type: 'tm.start', vmId, host, action: 'prolog' },
    { t: t + 3 * step, type: 'tm.end', vmId, host, action: 'prolog', result: 'SUCCESS' },
    { t: t + 3 * step, type: 'vmm.start', vmId, host, action: 'DEPLOY' },
    { t: t + 4 * step, type: 'vmm.end', vmId, host, action: 'DEPLOY', result: 'SUCCESS' },
    { t: t + 5 * step, type: 'net-msg', vmId, host },
  ];
}

describe('seriesOfTrace', () => {
  it('draws one bar per VM, sorted by total, its stages the boundaries apart', () => {
    const events = [...deploy(0, 'host-01', 0, 200), ...deploy(1, 'host-02', 0, 100)].sort((a, b) => a.t - b.t);
    const s = seriesOfTrace(events);
    expect(s.bars.perBar).toBe(1);
    expect(s.bars.stages).toEqual([
      [0.1, 0.1, 0.1, 0.1, 0.1],
      [0.2, 0.2, 0.2, 0.2, 0.2],
    ]);
    expect(s.bars.censored).toEqual([false, false]);
  });

  it('cuts a VM that never came up at the run end, and marks its bar censored', () => {
    const events = deploy(0, 'host-01', 0, 100).slice(0, 5);
    const s = seriesOfTrace(events, 1000);
    expect(s.bars.stages[0]).toEqual([0.1, 0.1, 0.1, 0.7, 0]);
    expect(s.bars.censored).toEqual([true]);
  });

  it('shows a per-host lock as a flat line of 1 and counts every VM in one phase at each instant', () => {
    // four deploys on one host, one after the other (a lock), and one on another host
    const events = [0, 1, 2, 3].flatMap((i) => deploy(i, 'host-01', i * 500, 100)).concat(deploy(4, 'host-02', 0, 100)).sort((a, b) => a.t - b.t);
    const s = seriesOfTrace(events);
    const tl = s.timeline;
    expect(tl.tm).toHaveLength(SERIES_BINS);
    expect(Math.max(...tl.busiest[0]!.vmm)).toBe(1);
    expect(tl.busiest[0]!.host).toBe('host-01');
    expect(Math.max(...tl.vmm)).toBe(2);
    // every VM submitted by an instant is in exactly one phase there
    for (let i = 0; i < SERIES_BINS; i += 1) {
      const t = tl.startMs + i * tl.stepMs;
      expect(SERIES_PHASES.reduce((n, p) => n + tl.phases[p][i]!, 0)).toBe(1 + [0, 500, 1000, 1500].filter((s) => s <= t).length);
    }
    expect(tl.phases.up.at(-1)).toBe(4);
    expect(tl.heat.hosts).toEqual(['host-01', 'host-02']);
    expect(tl.heat.inFlight[0]).toHaveLength(HEAT_BINS);
    expect(tl.heat.of).toBe(2);
  });

  it('groups VMs of adjacent rank when there are more than MAX_BARS', () => {
    const events = Array.from({ length: MAX_BARS * 2 + 1 }, (_, i) => deploy(i, 'host-01', i, 100 + i)).flat().sort((a, b) => a.t - b.t);
    const s = seriesOfTrace(events);
    expect(s.bars.perBar).toBe(3);
    expect(s.bars.stages).toHaveLength(Math.ceil((MAX_BARS * 2 + 1) / 3));
    expect(s.bars.vms).toBe(MAX_BARS * 2 + 1);
    for (const bar of s.bars.stages) expect(bar).toHaveLength(BAR_STAGES.length);
  });

  it('is what a run puts in its result, and the trace read back gives the same', async () => {
    const sink = new MemorySink();
    const result = await run(resolveScenario({ vms: { count: 48 }, hosts: { count: 4 } }), { sink });
    expect(result.series?.bars.vms).toBe(48);
    const events = sink.lines.map((l) => JSON.parse(l) as TraceEvent);
    expect(seriesOfTrace(events, result.run.endAtMs)).toEqual(result.series);
  });
});
