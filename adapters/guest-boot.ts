import type { DeploymentVm } from '../opennebula/driver.js';
import type { FarmCore } from './farm-core.js';
import { faultMessage } from './farm-core.js';
import type { FarmEvent } from './farm-events.js';
import type { FarmHost, FarmVm } from './host.js';

/**
 * A guest's boot after DEPLOY SUCCESS, up to its NET-MSG: CPU work on the host (at most `vcpu`
 * cores) while its boot working set is read from the image store, then the network wait. It
 * stops without a NET-MSG when the VM is shut down or cancelled, or its host crashes.
 *
 * Reads: a disk with `cache: 'none'` (O_DIRECT, the `direct-io` pathology) reads the whole set
 * from the store itself. Otherwise the host page cache serves it: the first boot of an image on
 * a host reads it, boots starting meanwhile wait for that same read, later ones find it cached.
 */
export async function bootGuest(core: FarmCore, vm: FarmVm, deployment: DeploymentVm): Promise<void> {
  const { host } = vm;
  const stop = new AbortController();
  vm.boot = stop;
  const { signal } = stop;
  const t0 = core.clock.now();
  core.emit({ t: t0, type: 'boot.start', vmId: vm.id, host: host.name });
  core.instrument.begin('boot', host.index, t0);
  const key = core.actionKey('guest.boot', vm.id, host, host.name);
  const fault = core.decide('guest.boot', host, vm.id, key);
  let failure: string | undefined;
  try {
    if (fault.kind === 'hang') await aborted(signal); // stuck (a fsck prompt, a bad grub): ends only if stopped
    const { guest } = core.latency;
    const cpu = core.draw(guest.bootCpu, 'latency', key) * host.slow;
    await Promise.all([
      // OpenNebula's VCPU defaults to 1 when a template leaves it out.
      host.cpu.consume(cpu, { maxRate: deployment.vcpu > 0 ? deployment.vcpu : 1, signal }),
      readWorkingSet(core, host, deployment, signal),
    ]);
    await core.clock.sleep(core.draw(guest.network, 'network', key) * host.slow, signal);
    if (fault.kind === 'fail') failure = fault.message ?? faultMessage('guest.boot', host.name);
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  vm.boot = undefined;
  const t = core.clock.now();
  core.instrument.finish('boot', host.index, t);
  const end: FarmEvent = { t, type: 'boot.end', vmId: vm.id, host: host.name, result: failure === undefined ? 'SUCCESS' : 'FAILURE' };
  if (failure !== undefined) end.info = failure;
  core.emit(end);
  if (failure === undefined) core.netMsg(vm);
}

async function readWorkingSet(core: FarmCore, host: FarmHost, deployment: DeploymentVm, signal: AbortSignal): Promise<void> {
  // The OS disk is the first image-backed one; a guest without one reads nothing from the store.
  const disk = deployment.disks.find((d) => d.type === 'file');
  if (disk === undefined) return;
  const image = disk.source ?? `vm-${deployment.id}-disk-${disk.diskId}`;
  const mb = core.workingSetMB(image);
  if (mb === 0) return;
  const maxRate = core.latency.guest.readMaxMBps;
  if (disk.cache === 'none') {
    await core.store.consume(mb, { maxRate, signal });
    return;
  }
  const cached = host.pageCache.get(image);
  if (cached === true) return;
  let read = cached;
  if (read === undefined) {
    // The read belongs to the page cache, not to this guest: it goes on if the guest is stopped.
    read = core.store.consume(mb, { maxRate, signal: host.signal }).then(() => {
      if (!host.crashed) host.pageCache.set(image, true);
    });
    read.catch(() => host.pageCache.delete(image));
    host.pageCache.set(image, read);
  }
  await untilAborted(read, signal);
}

/** `promise`, or a rejection with the signal's reason if it aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Rejects with the signal's reason when it aborts; never resolves. */
function aborted(signal: AbortSignal): Promise<never> {
  return untilAborted(new Promise<never>(() => {}), signal);
}
