/**
 * oned's object pools, in memory: VMs, hosts and VM templates by id, with the bookkeeping oned
 * does on them (host capacity as VMs come and go). Ids start at 0 and are never reused.
 */
import { HostState, VmState } from '../opennebula/states.js';
import type { HostRecord, VmRecord, VmTemplateRecord } from './records.js';

export class VmPool {
  private readonly vms = new Map<number, VmRecord>();
  private nextId = 0;
  /**
   * The scheduler's queue: ids of VMs that were PENDING when last seen, ascending, from
   * `pendingHead` on. Scanning the whole pool every cycle costs O(VMs) at 100,000 of them; this
   * costs what the cycle takes. A VM that has left PENDING is dropped when a scan meets it, so
   * only a change back to PENDING needs telling (`stateChanged`).
   */
  private pendingIds: number[] = [];
  private pendingHead = 0;

  /** The id the next VM will get: a template that fails its checks does not use one up. */
  peekId(): number {
    return this.nextId;
  }

  insert(vm: VmRecord): void {
    if (vm.id !== this.nextId) throw new Error(`VM ids are handed out in order: expected ${this.nextId}, got ${vm.id}`);
    this.nextId += 1;
    this.vms.set(vm.id, vm);
    this.stateChanged(vm);
  }

  /** To be called after a VM's state changes: a VM that became PENDING joins the queue in id order. */
  stateChanged(vm: VmRecord): void {
    if (vm.state !== VmState.PENDING) return;
    const ids = this.pendingIds;
    const last = ids.length > this.pendingHead ? ids[ids.length - 1]! : -1;
    if (vm.id > last) {
      ids.push(vm.id);
      return;
    }
    // released from HOLD: an older VM goes back to its place, unless a stale entry still holds it
    let lo = this.pendingHead;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[mid]! < vm.id) lo = mid + 1;
      else hi = mid;
    }
    if (ids[lo] !== vm.id) ids.splice(lo, 0, vm.id);
  }

  get(id: number): VmRecord | undefined {
    return this.vms.get(id);
  }

  /** In id order, as the pool dumps (4.4 `ORDER BY oid`). */
  all(): VmRecord[] {
    return [...this.vms.values()];
  }

  /** PENDING VMs, oldest first, at most `limit` (0 = all): what mm_sched loads each cycle. */
  pending(limit: number): VmRecord[] {
    const out: VmRecord[] = [];
    const ids = this.pendingIds;
    let read = this.pendingHead;
    while (read < ids.length && (limit <= 0 || out.length < limit)) {
      const vm = this.vms.get(ids[read]!);
      read += 1;
      if (vm?.state === VmState.PENDING) out.push(vm);
    }
    // the scanned stretch keeps only the VMs still PENDING, packed against the unscanned rest
    const head = read - out.length;
    for (let i = 0; i < out.length; i += 1) ids[head + i] = out[i]!.id;
    this.pendingHead = head;
    if (head > 1024 && head * 2 > ids.length) {
      this.pendingIds = ids.slice(head);
      this.pendingHead = 0;
    }
    return out;
  }

  get size(): number {
    return this.vms.size;
  }
}

export class HostPool {
  private readonly hosts = new Map<number, HostRecord>();
  /** host names are unique and never change: one.host.allocate checks 10,000 of them */
  private readonly names = new Map<string, HostRecord>();
  private nextId = 0;

  /** The id the next host will get; ids are handed out in order and never reused. */
  peekId(): number {
    return this.nextId;
  }

  allocate(name: string, imMad: string, vmmMad: string, clusterId: number, cluster: string): HostRecord {
    const host: HostRecord = {
      id: this.nextId++,
      name,
      imMad,
      vmmMad,
      clusterId,
      cluster,
      state: HostState.INIT,
      prevState: HostState.INIT,
      lastMonTime: 0,
      cpuUsage: 0,
      memUsageKiB: 0,
      vmIds: new Set(),
      vmsVersion: 0,
    };
    this.hosts.set(host.id, host);
    this.names.set(name, host);
    return host;
  }

  get(id: number): HostRecord | undefined {
    return this.hosts.get(id);
  }

  byName(name: string): HostRecord | undefined {
    return this.names.get(name);
  }

  all(): HostRecord[] {
    return [...this.hosts.values()];
  }

  /** In id order, without the copy `all()` makes. */
  values(): IterableIterator<HostRecord> {
    return this.hosts.values();
  }

  /** Removes a host (one.host.delete); its id is never handed out again. */
  drop(host: HostRecord): void {
    this.hosts.delete(host.id);
    this.names.delete(host.name);
  }

  get size(): number {
    return this.hosts.size;
  }

  /** oned's add_capacity when a VM is deployed: the host share now counts what the VM reserves. */
  addCapacity(host: HostRecord, vm: VmRecord): void {
    host.cpuUsage += cpuShare(vm);
    host.memUsageKiB += vm.memoryMiB * 1024;
    host.vmIds.add(vm.id);
    host.vmsVersion += 1;
  }

  /** del_capacity when the VM leaves the host (DONE, or deleted from a failure state). */
  delCapacity(host: HostRecord, vm: VmRecord): void {
    if (!host.vmIds.delete(vm.id)) return;
    host.vmsVersion += 1;
    host.cpuUsage -= cpuShare(vm);
    host.memUsageKiB -= vm.memoryMiB * 1024;
  }
}

/** A VM's CPU in the host share's unit: percent of a core (CPU 0.5 reserves 50). */
export function cpuShare(vm: Pick<VmRecord, 'cpu'>): number {
  // CPU is a float in the template; oned stores the share as an integer (cpu * 100)
  return Math.round(vm.cpu * 100);
}

export class TemplatePool {
  private readonly templates = new Map<number, VmTemplateRecord>();
  private nextId = 0;

  peekId(): number {
    return this.nextId;
  }

  insert(template: VmTemplateRecord): void {
    if (template.id !== this.nextId) throw new Error(`template ids are handed out in order: expected ${this.nextId}, got ${template.id}`);
    this.nextId += 1;
    this.templates.set(template.id, template);
  }

  get(id: number): VmTemplateRecord | undefined {
    return this.templates.get(id);
  }

  all(): VmTemplateRecord[] {
    return [...this.templates.values()];
  }
}
