/**
 * The concurrency OpenNebula runs inside a MAD process, kept with our drivers (ActionManager.rb, VirtualMachineDriver.rb):
 * each driver takes actions on `-t` workers from one queue, and the VMM, unless `-p`, starts an
 * action only when no other one for the same host runs (the `vmm-host-lock` pathology; 4.4.1's
 * single_host). The same pools serve the drivers embedded in the harness and the driver
 * processes a real oned starts (mad-process.ts), so both behave alike.
 *
 *   madLauncher(farm)                 DriverLauncher: each MAD's ARGUMENTS parsed, its pool around the farm's driver
 *   driverPool(kind, args)            the pool a MAD of that kind runs its actions on
 *   pooledTransfer / pooledVmm / pooledIm(driver, pool)   one driver on its pool
 */
import { parseDriverArguments } from '../opennebula/driver-arguments.js';
import type {
  DriverArguments,
  DriverLauncher,
  DriverTransport,
  Drivers,
  InformationDriver,
  TransferDriver,
  VirtualMachineDriver,
} from '../opennebula/driver.js';
import { HostSerialPool, threadPool, type ActionPool } from './driver-pool.js';

export type DriverKind = 'tm' | 'vmm' | 'im';

/** The farm's drivers for a transport: what each action does on the emulated hosts. */
export type FarmLauncher = (args: { transport: DriverTransport }) => Drivers;

/** Only the VMM serializes per host (so only it needs the host an action is for) (VirtualMachineDriver.rb); the TM and IM are plain pools. */
export function driverPool(kind: DriverKind, args: Pick<DriverArguments, 'threads' | 'parallel'>): ActionPool {
  return kind === 'vmm' && !args.parallel ? new HostSerialPool(args.threads) : threadPool(args.threads);
}

export function pooledTransfer(driver: TransferDriver, pool: ActionPool): TransferDriver {
  return { transfer: (request) => pool.run('', () => driver.transfer(request)) };
}

export function pooledVmm(driver: VirtualMachineDriver, pool: ActionPool): VirtualMachineDriver {
  return { execute: (request) => pool.run(request.host, () => driver.execute(request)) };
}

export function pooledIm(driver: InformationDriver, pool: ActionPool): InformationDriver {
  return { monitor: (request) => pool.run(request.hostname, () => driver.monitor(request)) };
}

/** Drivers started as oned starts its MADs: each with its ARGUMENTS, each on its own pool. */
export function madLauncher(farm: FarmLauncher): DriverLauncher {
  return (mad) => {
    const tm = parseDriverArguments(mad.tm);
    const vmm = parseDriverArguments(mad.vmm);
    const im = parseDriverArguments(mad.im);
    return {
      tm: pooledTransfer(farm(tm).tm, driverPool('tm', tm)),
      vmm: pooledVmm(farm(vmm).vmm, driverPool('vmm', vmm)),
      im: pooledIm(farm(im).im, driverPool('im', im)),
    };
  };
}
