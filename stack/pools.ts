/**
 * oned's object pools, in memory: VMs, hosts and VM templates by id, with the bookkeeping oned
 * does on them (host capacity as VMs come and go). Ids start at 0 and are never reused.
 */
import { HostState, VmState } from '../opennebula/states.js';
import type { HostRecord, VmRecord, VmTemplateRecord } from './records.js';

export class VmPool {
  private readonly vms = new Map<number, VmRecord>();
  private nextId = 0;

  /** The id the next VM will get: a template that fails its checks does not use one up. */
  peekId(): number {
    return this.nextId;
  }

  insert(vm: VmRecord): void {
    if (vm.id !== this.nextId) throw new Error(`VM ids are handed out in order: expected ${this.nextId}, got ${vm.id}`);
    this.nextId += 1;
    this.vms.set(vm.id, vm);
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
    for (const vm of this.vms.values()) {
      if (vm.state !== VmState.PENDING) continue;
      out.push(vm);
      if (limit > 0 && out.length >= limit) break;
    }
    return out;
  }

  get size(): number {
    return this.vms.size;
  }
}

export class HostPool {
  private readonly hosts = new Map<number, HostRecord>();
  private nextId = 0;

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
    };
    this.hosts.set(host.id, host);
    return host;
  }

  get(id: number): HostRecord | undefined {
    return this.hosts.get(id);
  }

  byName(name: string): HostRecord | undefined {
    for (const host of this.hosts.values()) if (host.name === name) return host;
    return undefined;
  }

  all(): HostRecord[] {
    return [...this.hosts.values()];
  }

  get size(): number {
    return this.hosts.size;
  }

  /** oned's add_capacity when a VM is deployed: the host share now counts what the VM reserves. */
  addCapacity(host: HostRecord, vm: VmRecord): void {
    host.cpuUsage += cpuShare(vm);
    host.memUsageKiB += vm.memoryMiB * 1024;
    host.vmIds.add(vm.id);
  }

  /** del_capacity when the VM leaves the host (DONE, or deleted from a failure state). */
  delCapacity(host: HostRecord, vm: VmRecord): void {
    if (!host.vmIds.delete(vm.id)) return;
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
