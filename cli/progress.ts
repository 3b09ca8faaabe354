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
 * time the run's clock jumps ahead while this one follows the wall. Not on a terminal (a CI
 * log, a file), it prints the same text as a line of its own every `logEveryMs` (30 s): a run
 * of a few seconds prints none, a run of an hour shows in its log that it is alive and how far.
 */
export class ProgressLine {
  private timer: Timer | undefined;
  private drawn = false;
  private readonly clock: Pick<Clock, 'every'>;
  private readonly everyMs: number;
  private readonly logEveryMs: number;

  constructor(
    private readonly out: LineOutput,
    options: { clock?: Pick<Clock, 'every'>; everyMs?: number; logEveryMs?: number } = {},
  ) {
    this.clock = options.clock ?? wallClock();
    this.everyMs = options.everyMs ?? 250;
    this.logEveryMs = options.logEveryMs ?? 30_000;
  }

  /** Starts redrawing from `probe`; a second call replaces the probe. */
  watch(probe: () => ProgressSnapshot): void {
    this.timer?.cancel();
    this.timer = this.out.isTTY
      ? this.clock.every(this.everyMs, () => this.draw(progressText(probe())))
      : this.clock.every(this.logEveryMs, () => void this.out.write(`${progressText(probe())}\n`));
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
