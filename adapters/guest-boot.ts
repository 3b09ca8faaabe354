import type { DeploymentDisk, DeploymentVm } from '../opennebula/driver.js';
import { StopSignal } from '../sim/stop-signal.js';
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
 * from the store itself, one guest-sized request at a time. Otherwise the host page cache serves
 * it: the first boot of an image on a host reads it, boots starting meanwhile wait for that same
 * read, later ones find it cached, unless the guests' memory has squeezed the cache since.
 * Writes: see writeBack.
 */
export function bootGuest(core: FarmCore, vm: FarmVm, deployment: DeploymentVm): void {
  const { host } = vm;
  const stop = new StopSignal();
  vm.boot = stop;
  const t0 = core.clock.now();
  core.emit({ t: t0, type: 'boot.start', vmId: vm.id, host: host.name });
  core.instrument.begin('boot', host.index, t0);
  const key = core.actionKey('guest.boot', vm.id, host, host.name);
  const fault = core.decide('guest.boot', host, vm.id, key);

  // Promise chains rather than an async function: a 100,000-VM burst keeps every boot's frame
  // alive at once, and a chain holds less.
  let work: Promise<unknown>;
  if (fault.kind === 'hang') {
    work = untilStopped(new Promise<never>(() => {}), stop); // stuck (a fsck prompt, a bad grub): ends only if stopped
  } else {
    const { guest } = core.latency;
    const cpu = core.draw(guest.bootCpu, 'latency', key) * host.slow;
    // OpenNebula's VCPU defaults to 1 when a template leaves it out.
    const compute = host.cpu.consume(cpu, { maxRate: deployment.vcpu > 0 ? deployment.vcpu : 1, signal: stop });
    const read = readWorkingSet(core, host, deployment, stop);
    // the waits (timers, timeouts) are not spent on the host's cores; then the network comes up
    const waitMs = (core.draw(guest.bootWait, 'wait', key) * 1000 + core.draw(guest.network, 'network', key)) * host.slow;
    work = (read === undefined ? compute : Promise.all([compute, read])).then(() => core.clock.sleep(waitMs, stop));
  }
  work.then(
    () => endBoot(core, vm, fault.kind === 'fail' ? (fault.message ?? faultMessage('guest.boot', host.name)) : undefined),
    (error: unknown) => endBoot(core, vm, error instanceof Error ? error.message : String(error)),
  );
}

function endBoot(core: FarmCore, vm: FarmVm, failure: string | undefined): void {
  const { host } = vm;
  vm.boot = undefined;
  const t = core.clock.now();
  core.instrument.finish('boot', host.index, t);
  const e: FarmEvent = { t, type: 'boot.end', vmId: vm.id, host: host.name, result: failure === undefined ? 'SUCCESS' : 'FAILURE' };
  if (failure !== undefined) e.info = failure;
  core.emit(e);
  if (failure === undefined) core.netMsg(vm);
}

function readWorkingSet(core: FarmCore, host: FarmHost, deployment: DeploymentVm, stop: StopSignal): Promise<unknown> | undefined {
  // The OS disk is the first image-backed one; a guest without one reads nothing from the store.
  const disk = deployment.disks.find((d) => d.type === 'file');
  if (disk === undefined) return undefined;
  const image = disk.source ?? `vm-${deployment.id}-disk-${disk.diskId}`;
  const mb = core.workingSetMB(image);
  const writes = writeBack(core, deployment.id, disk.cache, stop);
  if (mb === 0) return writes;
  const both = (read: Promise<unknown>): Promise<unknown> => (writes === undefined ? read : Promise.all([read, writes]));
  if (disk.cache === 'none') {
    storeRead(core, host, deployment.id, image, mb);
    return both(core.store.consume(mb, { maxRate: core.directMBps, signal: stop }));
  }
  let cached = host.pageCache.get(image);
  if (cached === true && host.pageCacheRoomMiB() < cachedMB(core, host)) {
    // Memory pressure: the guests' memory left the page cache too little room and the kernel
    // dropped the image's pages; this boot reads it again.
    host.pageCache.delete(image);
    cached = undefined;
    core.emit({ t: core.clock.now(), type: 'cache.evict', vmId: deployment.id, host: host.name, action: image, info: String(mb) });
  }
  if (cached === true) return writes;
  let read = cached;
  if (read === undefined) {
    // The read belongs to the page cache, not to this guest: it goes on if the guest is stopped.
    storeRead(core, host, deployment.id, image, mb);
    read = core.store.consume(mb, { maxRate: core.latency.guest.readMaxMBps, signal: host.signal }).then(() => {
      if (!host.crashed) host.pageCache.set(image, true);
    });
    read.catch(() => host.pageCache.delete(image));
    host.pageCache.set(image, read);
  }
  return both(untilStopped(read, stop));
}

/** MB of base images this host's page cache holds or is filling. */
function cachedMB(core: FarmCore, host: FarmHost): number {
  let mb = 0;
  for (const image of host.pageCache.keys()) mb += core.workingSetMB(image);
  return mb;
}

/**
 * The boot's writes to its overlay on the shared datastore. `none` and `writethrough` complete a
 * write only once the store has it, so the boot waits for them, one request at a time. With
 * `writeback` (qemu's default since 1.2, `default` here) the host's page cache takes them and the
 * kernel flushes them once they are 30 s old (dirty_expire_centisecs), one stream per host and
 * after the boot: the model leaves that flush out.
 */
function writeBack(core: FarmCore, vmId: number, cache: DeploymentDisk['cache'], stop: StopSignal): Promise<unknown> | undefined {
  if (cache !== 'none' && cache !== 'writethrough') return undefined;
  const mb = core.draw(core.latency.guest.bootWriteMB, 'write', ['vm', vmId, 'bootWriteMB']);
  return mb === 0 ? undefined : core.store.consume(mb, { maxRate: core.directMBps, signal: stop });
}

/** The store starts serving `mb` of `image` to a boot on `host`: what tells a host cache from direct I/O. */
function storeRead(core: FarmCore, host: FarmHost, vmId: number, image: string, mb: number): void {
  core.emit({ t: core.clock.now(), type: 'store.read', vmId, host: host.name, action: image, info: String(mb) });
}

/**
 * `promise`, or a rejection with the stop's reason if it comes first. The listener is not
 * removed: a StopSignal lives as long as one boot, and stopping a settled promise does nothing.
 */
function untilStopped<T>(promise: Promise<T>, stop: StopSignal): Promise<T> {
  if (stop.aborted) return Promise.reject(stop.reason);
  return new Promise<T>((resolve, reject) => {
    stop.addEventListener('abort', () => reject(stop.reason));
    promise.then(resolve, reject);
  });
}
