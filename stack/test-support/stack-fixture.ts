/**
 * A reference stack on a virtual clock with recording drivers, and the few calls tests make
 * through its API (as a harness would: the stack is only reached through its method table).
 */
import { parseHostPool } from '../../opennebula/host-xml.js';
import type { VmDocument } from '../../opennebula/documents.js';
import { parseVm, parseVmPool } from '../../opennebula/vm-xml.js';
import { VirtualClock } from '../../sim/virtual-clock.js';
import { ReferenceStack } from '../reference-stack.js';
import { resolveProfile, type StackProfileInput } from '../profile.js';
import type { CycleResult } from '../scheduler.js';
import { RecordingDrivers, type RecordingDriverOptions } from './recording-drivers.js';

export const SESSION = 'oneadmin:oneadmin';

export interface FixtureOptions {
  profile: string | StackProfileInput;
  drivers?: Omit<RecordingDriverOptions, 'clock'>;
}

export function stackFixture(options: FixtureOptions) {
  const clock = new VirtualClock();
  const drivers = new RecordingDrivers({ clock, ...options.drivers });
  const cycles: CycleResult[] = [];
  const profile = resolveProfile(options.profile);
  const stack = new ReferenceStack({ clock, profile, launcher: drivers.launcher, onSchedulerCycle: (r) => cycles.push(r) });

  /** Calls a method as oneadmin and returns its value; a refusal fails the test with oned's message. */
  const call = async (method: string, ...args: unknown[]): Promise<string | number | boolean> => {
    const [ok, value] = await stack.api.call(method, [SESSION, ...args]);
    if (!ok) throw new Error(`${method} refused: ${value as string}`);
    return value;
  };

  /** Polls, every `stepMs` of emulated time, until `done()` holds. */
  const until = async (done: () => boolean | Promise<boolean>, stepMs = 1000, limitMs = 24 * 3600 * 1000): Promise<void> => {
    const deadline = clock.now() + limitMs;
    while (!(await done())) {
      if (clock.now() > deadline) throw new Error(`condition not met within ${limitMs} emulated ms`);
      await clock.sleep(stepMs);
    }
  };

  /** Every VM, oldest first, with its last history record (one.vmpool.infoextended). */
  const vms = async (): Promise<VmDocument[]> =>
    parseVmPool((await call('one.vmpool.infoextended', -2, -1, -1, -2)) as string).reverse();
  const vm = async (id: number): Promise<VmDocument> => parseVm((await call('one.vm.info', id)) as string);

  const hostStates = async (): Promise<number[]> =>
    parseHostPool((await call('one.hostpool.info')) as string).map((h) => h.state);

  /** Allocates `n` hosts host00..., and waits until the information manager has monitored them all. */
  const addHosts = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i += 1) await call('one.host.allocate', `host${String(i).padStart(2, '0')}`, 'dummy', 'dummy', -1);
    await until(async () => (await hostStates()).every((s) => s === 2));
  };

  const allocate = async (n: number, template: string): Promise<number[]> => {
    const ids: number[] = [];
    for (let i = 0; i < n; i += 1) ids.push((await call('one.vm.allocate', template)) as number);
    return ids;
  };

  /**
   * Waits until no VM is PENDING (asked cheaply: the pool filtered on STATE 1) and the head node
   * waits on no driver, i.e. no VM is in PROLOG, BOOT, SHUTDOWN or EPILOG; then reads every VM.
   */
  const settled = async (stepMs = 5000): Promise<VmDocument[]> => {
    await until(async () => {
      if (stack.actionsInFlight > 0) return false;
      return parseVmPool((await call('one.vmpool.info', -2, -1, -1, 1)) as string).length === 0;
    }, stepMs);
    return vms();
  };

  return { clock, drivers, stack, profile, cycles, call, until, vms, vm, hostStates, addHosts, allocate, settled };
}

/** A template that fits 32 times on an 8-core, 24 GiB host (with 10% kept for the hypervisor). */
export const SMALL_VM = 'NAME = small\nCPU = 0.25\nVCPU = 1\nMEMORY = 512\nDISK = [ IMAGE_ID = 0 ]\n';
