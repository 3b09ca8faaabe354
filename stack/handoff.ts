/**
 * Hand-offs between the head node's components on the deploy path (docs/fidelity.md, "vertical-pipeline"):
 * the Transfer Manager writing a transfer file and sending it, the Life-Cycle Manager taking a
 * driver's reply (state change and its database writes), the VM Manager writing a deployment file
 * and sending it. Each costs the head node a fixed service time. In 4.4 each component was one
 * ActionManager thread consuming its own queue (the `vertical-pipeline` pathology), so the
 * hand-offs of a burst wait for one another; with one worker per action they only take their time.
 * The drivers' work is not here: it runs on the drivers' own pools (`-t`).
 */
import type { Clock } from '../sim/clock.js';

export type Component = 'tm' | 'lcm' | 'vmm';

/**
 * Service time of one hand-off, emulated ms, the same for every profile. Each is what oned does
 * on its thread before the next component can go on: 4.4 kept its pools in SQLite, whose every
 * committed write costs SQLITE_WRITE_MS (16.7 ms, database.ts), and the rest is the thread's own
 * work (generating a file, logging, building the driver's message):
 *   tm   TransferManager::prolog_action: the transfer file generated and written, the history's
 *        PROLOG stamp written (one write), the TRANSFER line sent;
 *   lcm  a TRANSFER or DEPLOY SUCCESS taken: the VM and its history record updated (two writes);
 *   vmm  VirtualMachineManager::deploy_action: the deployment file generated from the template and
 *        written, the VM updated (one write), the DEPLOY line sent.
 * The writes are in these times; they do not queue on the database lock (docs/fidelity.md).
 */
export const HANDOFF_MS: Readonly<Record<Component, number>> = { tm: 25, lcm: 45, vmm: 25 };

export class Handoffs {
  /** per component, when its one thread is free again (serial mode only) */
  private readonly freeAt: Record<Component, number> = { tm: 0, lcm: 0, vmm: 0 };

  constructor(
    private readonly clock: Pick<Clock, 'now' | 'sleep'>,
    /** `vertical-pipeline`: one thread per component, hand-offs in arrival order */
    private readonly serial: boolean,
    private readonly serviceMs: Readonly<Record<Component, number>> = HANDOFF_MS,
  ) {}

  /** Runs `then` once `component` has handed the VM on: after its service time, and with one thread, after every hand-off queued before it. */
  pass<T>(component: Component, then: () => T | PromiseLike<T>): Promise<T> {
    const ms = this.serviceMs[component];
    const now = this.clock.now();
    let done = now + ms;
    if (this.serial) {
      done = Math.max(now, this.freeAt[component]) + ms;
      this.freeAt[component] = done;
    }
    return done <= now ? Promise.resolve().then(then) : this.clock.sleep(done - now).then(then);
  }
}
