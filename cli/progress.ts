import { PHASE_NAMES, type ProgressSnapshot } from '../harness/trace.js';
import { wallClock, type Clock, type Timer } from '../harness/wall-clock.js';

/** The part of a stream the progress line needs (process.stdout has it). */
export interface LineOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * The live line on a terminal: how many VMs are in each phase, redrawn at most every `everyMs`
 * of WALL time. Its timer runs on its own wall clock, outside the measured path: in virtual
 * time the run's clock jumps ahead while this one follows the wall. Silent when not a TTY.
 */
export class ProgressLine {
  private timer: Timer | undefined;
  private drawn = false;
  private readonly clock: Pick<Clock, 'every'>;
  private readonly everyMs: number;

  constructor(
    private readonly out: LineOutput,
    options: { clock?: Pick<Clock, 'every'>; everyMs?: number } = {},
  ) {
    this.clock = options.clock ?? wallClock();
    this.everyMs = options.everyMs ?? 250;
  }

  /** Starts redrawing from `probe`; a second call replaces the probe. */
  watch(probe: () => ProgressSnapshot): void {
    if (!this.out.isTTY) return;
    this.timer?.cancel();
    this.timer = this.clock.every(this.everyMs, () => this.draw(progressText(probe())));
  }

  /** Stops and wipes the line, so the table prints on a clean terminal. */
  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }

  private draw(text: string): void {
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    this.out.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    this.drawn = true;
  }
}

/** "[  42.0 s] 120/512 up | pending 200 | prolog 150 | boot 40 | failed 2": phases with VMs only. */
export function progressText(s: ProgressSnapshot): string {
  const parts = PHASE_NAMES.filter((name) => name !== 'up' && s.counts[name] > 0).map((name) => `${name} ${s.counts[name]}`);
  const head = `[${(s.t / 1000).toFixed(1).padStart(7)} s] ${s.counts.up}/${s.requested} up`;
  return parts.length ? `${head} | ${parts.join(' | ')}` : head;
}
