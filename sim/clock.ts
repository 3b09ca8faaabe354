/**
 * The one source of time for sim/, adapters/ and stack/. Everything that waits or stamps a time
 * goes through a Clock, so the same code runs in deterministic virtual time and in scaled real
 * time (docs/architecture.md, "Two clocks").
 */

/** A pending callback that can be called off. Cancelling twice, or after it fired, is harmless. */
export interface Timer {
  cancel(): void;
}

/**
 * How far the emulator fell behind its own schedule: a timer due at emulated time t that ran at
 * t + d is `d` late. A virtual clock is never late; a scaled clock is late when the event loop is
 * busy or when a delay is shorter than the platform's timer resolution.
 */
export interface ClockLag {
  /** timers that fired */
  timers: number;
  /** in emulated milliseconds */
  meanMs: number;
  p99Ms: number;
  maxMs: number;
  /**
   * Emulated ms the emulator itself took, busy or late, in the whole run: time the emulated cloud
   * did not live (0 in virtual time, where the emulator's work takes no emulated time).
   */
  lostMs: number;
  /** emulated seconds per wall second; null in virtual time */
  scale: number | null;
}

export interface Clock {
  readonly kind: 'virtual' | 'scaled';
  /** Emulated milliseconds since the clock's origin (monotonic, fractional). */
  now(): number;
  /** Unix epoch milliseconds at now(): what a real head node's time(0) would read, times 1000. */
  epochMs(): number;
  /** Resolves after `ms` emulated milliseconds; rejects with the signal's reason if aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` once, `ms` emulated milliseconds from now. */
  timer(ms: number, fn: () => void): Timer;
  /** Calls `fn` every `ms` emulated milliseconds, first at now + ms, on a drift-free grid. */
  every(ms: number, fn: () => void): Timer;
  lag(): ClockLag;
  /**
   * Emulated ms within [fromMs, toMs] that the emulator itself took (busy event loop, late timers):
   * an upper bound on how much it stretched an interval measured between those instants. Always 0
   * in virtual time.
   */
  distortion(fromMs: number, toMs: number): number;
}

/** 2026-01-01T00:00:00Z: a fixed origin keeps virtual runs byte-identical from day to day. */
export const DEFAULT_VIRTUAL_ORIGIN_EPOCH_MS = Date.UTC(2026, 0, 1);

export function assertDelay(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`clock delay must be a finite number of milliseconds >= 0, got ${ms}`);
  }
}

/** Shared by both clocks: a sleep is a timer whose callback resolves a promise. */
export function sleepOn(clock: Pick<Clock, 'timer'>, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      t.cancel();
      reject(signal!.reason);
    };
    const t = clock.timer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Shared by both clocks: a drift-free periodic timer re-armed against its own grid. */
export function everyOn(clock: Pick<Clock, 'timer' | 'now'>, ms: number, fn: () => void): Timer {
  assertDelay(ms);
  if (ms === 0) throw new RangeError('clock period must be > 0 ms');
  const start = clock.now();
  let k = 0;
  let current: Timer | undefined;
  let cancelled = false;
  const arm = (): void => {
    k += 1;
    const due = start + k * ms;
    current = clock.timer(Math.max(0, due - clock.now()), () => {
      if (cancelled) return;
      arm();
      fn();
    });
  };
  arm();
  return {
    cancel() {
      cancelled = true;
      current?.cancel();
    },
  };
}
