import { describe, expect, it } from 'vitest';
import type { ProgressSnapshot } from '../harness/trace.js';
import { VirtualClock } from '../harness/wall-clock.js';
import { ProgressLine, progressText } from './progress.js';

const snapshot = (t: number, up: number): ProgressSnapshot => ({
  t,
  requested: 512,
  counts: { waiting: 0, submitted: 0, pending: 512 - up - 12, prolog: 10, boot: 0, running: 0, up, failed: 2 },
});

describe('progressText', () => {
  it('shows the VMs up and every phase that has VMs', () => {
    expect(progressText(snapshot(42_000, 120))).toBe('[   42.0 s] 120/512 up | pending 380 | prolog 10 | failed 2');
  });
});

describe('ProgressLine', () => {
  it('redraws on a TTY at its own pace, whatever the run\'s clock does, and wipes itself', async () => {
    const display = new VirtualClock(); // stands in for the wall
    const writes: string[] = [];
    const line = new ProgressLine({ isTTY: true, columns: 200, write: (s) => writes.push(s) }, { clock: display, everyMs: 250 });
    let k = 0;
    line.watch(() => ((k += 1), snapshot(k * 1000, k * 100)));
    await display.run(() => display.sleep(1_100)); // four ticks of 250 ms
    line.stop();
    expect(writes).toEqual([
      '\r\x1b[2K[    1.0 s] 100/512 up | pending 400 | prolog 10 | failed 2',
      '\r\x1b[2K[    2.0 s] 200/512 up | pending 300 | prolog 10 | failed 2',
      '\r\x1b[2K[    3.0 s] 300/512 up | pending 200 | prolog 10 | failed 2',
      '\r\x1b[2K[    4.0 s] 400/512 up | pending 100 | prolog 10 | failed 2',
      '\r\x1b[2K',
    ]);
    expect(display.pending()).toBe(0);
  });

  it('fits the terminal width', async () => {
    const display = new VirtualClock();
    const writes: string[] = [];
    const line = new ProgressLine({ isTTY: true, columns: 30, write: (s) => writes.push(s) }, { clock: display });
    line.watch(() => snapshot(0, 1));
    await display.run(() => display.sleep(250));
    line.stop();
    expect(writes[0]).toBe('\r\x1b[2K[    0.0 s] 1/512 up | pendi…');
  });

  it('prints a plain line every 30 s of wall time when the output is not a terminal, and nothing before', async () => {
    const display = new VirtualClock();
    const writes: string[] = [];
    const line = new ProgressLine({ isTTY: false, write: (s) => writes.push(s) }, { clock: display });
    let k = 0;
    line.watch(() => ((k += 1), snapshot(k * 1000, k * 100)));
    await display.run(() => display.sleep(29_000));
    expect(writes).toEqual([]);
    await display.run(() => display.sleep(32_000));
    line.stop();
    expect(writes).toEqual(['[    1.0 s] 100/512 up | pending 400 | prolog 10 | failed 2\n', '[    2.0 s] 200/512 up | pending 300 | prolog 10 | failed 2\n']);
    expect(display.pending()).toBe(0);
  });
});
