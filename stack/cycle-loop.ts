/**
 * What both schedulers (mm_sched's cycle, the 7.x placement plans) share: one loop of cycles,
 * started once, stopped by aborting it, counting the cycles it ran.
 */
export abstract class CycleLoop {
  protected abort: AbortController | undefined;
  protected cycles = 0;

  get cyclesRun(): number {
    return this.cycles;
  }

  start(): void {
    if (this.abort) return;
    this.abort = new AbortController();
    void this.loop(this.abort.signal);
  }

  stop(): void {
    this.abort?.abort(new Error('scheduler stopped'));
    this.abort = undefined;
  }

  protected abstract loop(signal: AbortSignal): Promise<void>;
}
