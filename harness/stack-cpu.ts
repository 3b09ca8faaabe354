/**
 * The stack's CPU, measured at its seam without the stack knowing (docs/architecture.md
 * "Growth"). Embedded, the stack shares the harness's thread, so its CPU is the CPU spent while
 * its code runs: its API handlers as the harness calls them, its timer callbacks, and every
 * promise continuation they lead to, less the time spent in the drivers it calls (the drivers and
 * the farm are not the stack). Continuations are followed with async_hooks: a promise created
 * while stack code runs is the stack's, and so is the CPU of its reactions. A stack in a child
 * process (launch mode process) is measured by the OS instead: that process's own CPU, not its
 * driver children's, from when it serves to when it is stopped. Where neither can be read
 * (endpoint: someone else's process) the meter stays unstarted and a sweep fits no CPU growth.
 *
 * CPU time, not wall time: the process's user + system time (sim/cpu-time.ts), so another
 * process busy on the machine does not count. It is still a measurement, noisy by a few per
 * cent (GC, caches): read it as a growth exponent over sizes, never as a figure to the microsecond.
 */
import { createHook, executionAsyncResource, type AsyncHook } from 'node:async_hooks';
import type { Drivers, DriverLauncher } from '../opennebula/driver.js';
import { everyOn, sleepOn, type Clock, type Timer } from '../sim/clock.js';
import { cpuMicros, processCpuMicros } from '../sim/cpu-time.js';
import type { MethodHandler } from './endpoint.js';

export class StackCpuMeter {
  /** microseconds of CPU measured so far */
  private micros = 0;
  /** how deep in stack code the current turn is; 0 outside it */
  private depth = 0;
  private enteredAt = 0;
  /** async resources (promises, microtasks) created by stack code */
  private readonly owned = new WeakSet<object>();
  /** per entered async resource, whether it was the stack's: popped in `after` */
  private readonly entered: boolean[] = [];
  private hook: AsyncHook | undefined;
  /** a stack child process being measured, and its CPU when last read */
  private child: { pid: number; at: number } | undefined;
  /** how the CPU was measured: at the seam (embedded), by the OS (a child process), or not at all */
  source: 'seam' | 'process' | null = null;

  /** CPU the stack spent, in ms. */
  get cpuMs(): number {
    return this.micros / 1000;
  }

  /** Starts following the stack's continuations; the launch calls it when the stack starts. */
  start(): void {
    this.source = 'seam';
    this.hook ??= createHook({
      init: (_id, _type, _trigger, resource) => {
        if (this.depth > 0) this.owned.add(resource);
      },
      before: () => {
        const mine = this.owned.has(executionAsyncResource());
        this.entered.push(mine);
        if (mine) this.enter();
      },
      after: () => {
        if (this.entered.pop()) this.leave();
      },
    });
    this.hook.enable();
  }

  stop(): void {
    this.hook?.disable();
  }

  /** Starts measuring a stack that runs as process `pid`, from the CPU it has spent so far. */
  startProcess(pid: number): void {
    const at = processCpuMicros(pid);
    if (at === null) return;
    this.source = 'process';
    this.child = { pid, at };
  }

  /** Adds what the stack process spent since the last reading; call before stopping it. */
  readProcess(): void {
    if (!this.child) return;
    const now = processCpuMicros(this.child.pid);
    if (now === null) {
      // gone before it could be read: a partial figure would look like a measurement
      this.source = null;
      this.child = undefined;
      return;
    }
    this.micros += now - this.child.at;
    this.child.at = now;
  }

  /** Runs `fn` as stack code. */
  inside<T>(fn: () => T): T {
    this.enter();
    try {
      return fn();
    } finally {
      this.leave();
    }
  }

  /** Runs `fn` (a driver call) as not the stack's, from inside stack code. */
  outside<T>(fn: () => T): T {
    const depth = this.depth;
    if (depth > 0) {
      this.micros += cpuMicros() - this.enteredAt;
      this.depth = 0;
    }
    try {
      return fn();
    } finally {
      if (depth > 0) {
        this.depth = depth;
        this.enteredAt = cpuMicros();
      }
    }
  }

  /** The stack's API table, each handler measured. */
  table<T extends ReadonlyMap<string, MethodHandler>>(table: T): ReadonlyMap<string, MethodHandler> {
    const out = new Map<string, MethodHandler>();
    for (const [method, handler] of table) out.set(method, (params) => this.inside(() => handler(params)));
    return out;
  }

  /** The clock the stack is given: its timer callbacks measured. */
  clock(inner: Clock): Clock {
    const timer = (ms: number, fn: () => void): Timer => inner.timer(ms, () => this.inside(fn));
    return {
      kind: inner.kind,
      now: () => inner.now(),
      epochMs: () => inner.epochMs(),
      lag: () => inner.lag(),
      distortion: (from, to) => inner.distortion(from, to),
      timer,
      sleep: (ms, signal) => sleepOn({ timer }, ms, signal),
      every: (ms, fn) => everyOn({ timer, now: () => inner.now() }, ms, fn),
    };
  }

  /** The drivers the stack is given: time in them is not the stack's. */
  launcher(inner: DriverLauncher): DriverLauncher {
    return (args) => {
      const d = inner(args);
      const drivers: Drivers = {
        tm: { transfer: (r) => this.outside(() => d.tm.transfer(r)) },
        vmm: { execute: (r) => this.outside(() => d.vmm.execute(r)) },
        im: { monitor: (r) => this.outside(() => d.im.monitor(r)) },
      };
      return drivers;
    };
  }

  private enter(): void {
    if (this.depth++ === 0) this.enteredAt = cpuMicros();
  }

  private leave(): void {
    if (--this.depth === 0) this.micros += cpuMicros() - this.enteredAt;
  }
}
