/**
 * The reference stack: our own head node, faithful to OpenNebula's deploy path knob for knob,
 * with every known pathology switchable (docs/architecture.md, "The reference stack"). It is reached only
 * through its API method table, and reaches its drivers only through opennebula/driver.ts.
 *
 *   const stack = new ReferenceStack({ clock, profile: resolveProfile('opennebula-4.4'), launcher });
 *   stack.start();                                   // monitoring and scheduler timers
 *   await stack.api.call('one.vm.allocate', ['oneadmin:oneadmin', 'CPU=1 MEMORY=512']);
 *   stack.stop();                                    // cancels the timers so a virtual run can end
 *
 * Where each pathology lives:
 *   sched-ignores-max-host  Scheduler: one VM per host per cycle          (scheduler.ts)
 *   vmm-host-lock           VMM driver without -p: one action per host     (here, its ARGUMENTS)
 *   vertical-pipeline       one thread per component for the hand-offs     (handoff.ts)
 *   ssh-per-action          drivers launched with --transport ssh          (here, their ARGUMENTS)
 *   direct-io               disks handed to the VMM with cache 'none'      (vm-manager.ts)
 */
import type { Clock } from '../sim/clock.js';
import { formatDriverArguments } from '../opennebula/driver-arguments.js';
import type { DriverLauncher, Drivers, MadArguments } from '../opennebula/driver.js';
import { HostState, LcmState, VmState } from '../opennebula/states.js';
import { setSingle } from '../opennebula/template.js';
import { StackApi } from './api.js';
import { ApiGate } from './api-gate.js';
import { Database } from './database.js';
import { hostMethods } from './api-host.js';
import { systemMethods } from './api-system.js';
import { templateMethods } from './api-template.js';
import { vmMethods } from './api-vm.js';
import type { HeadNode } from './head-node.js';
import { DEFAULT_IMAGES, ImageCatalog } from './image-catalog.js';
import { InformationManager } from './information-manager.js';
import { Handoffs } from './handoff.js';
import { Lifecycle } from './lifecycle.js';
import type { HostShare } from './placement.js';
import { HostPool, TemplatePool, VmPool } from './pools.js';
import type { StackProfile } from './profile.js';
import { ctime, type HostRecord, type ImageRecord } from './records.js';
import { PlanScheduler } from './plan-scheduler.js';
import { Scheduler, type CycleResult, type SchedulerSource } from './scheduler.js';
import { TransferManager } from './transfer-manager.js';
import { VirtualMachineManager } from './vm-manager.js';

export interface ReferenceStackOptions {
  clock: Clock;
  /** a resolved profile (see resolveProfile) */
  profile: StackProfile;
  launcher: DriverLauncher;
  /** user -> password for session strings "user:password"; the scheduler calls as oneadmin */
  users?: Readonly<Record<string, string>>;
  /** the image catalog DISKs may name; default: image 0 "base", qcow2, in datastore 1 */
  images?: readonly ImageRecord[];
  /** the head node's hostname in transfer lines (`<frontend>:<image source>`) */
  frontend?: string;
  /** called after every scheduling cycle with what it dispatched (mm_sched's log, as data) */
  onSchedulerCycle?: (result: CycleResult) => void;
}

export const DEFAULT_USERS: Readonly<Record<string, string>> = { oneadmin: 'oneadmin' };

export class ReferenceStack {
  readonly api: StackApi;
  readonly profile: StackProfile;
  /** the drivers as launched, with the arguments the profile implies */
  readonly drivers: Drivers;
  private readonly node: HeadNode;
  private readonly im: InformationManager;
  /** 4.4's mm_sched, or 7.x's placement plans when the profile has `placement` */
  private readonly scheduler: Scheduler | PlanScheduler;
  private readonly plans: PlanScheduler | undefined;
  private readonly gate: ApiGate;

  constructor(options: ReferenceStackOptions) {
    const { clock, profile } = options;
    const users = options.users ?? DEFAULT_USERS;
    const adminPassword = users.oneadmin;
    if (adminPassword === undefined) {
      throw new Error('reference stack: users must include oneadmin, the account the scheduler dispatches with');
    }
    this.profile = profile;
    const on = profile.pathologies;
    // oned execs its drivers when it boots, each with the ARGUMENTS oned.conf gives it
    this.drivers = options.launcher(madArguments(profile));

    const vms = new VmPool();
    const hosts = new HostPool();
    const lifecycle = new Lifecycle({
      clock,
      vms,
      hosts,
      tm: new TransferManager(this.drivers.tm, options.frontend ?? 'frontend'),
      vmm: new VirtualMachineManager(this.drivers.vmm, on['direct-io'] ? 'none' : 'default'),
      handoffs: new Handoffs(clock, on['vertical-pipeline']),
      onDeploySettled: (vmId) => this.plans?.settled(vmId),
    });
    this.node = {
      clock,
      profile,
      vms,
      hosts,
      templates: new TemplatePool(),
      images: new ImageCatalog(options.images ?? DEFAULT_IMAGES),
      lifecycle,
    };
    // SQLite's lock around every statement (database.ts): the API's writes and pool dumps wait
    // for each host's monitoring report; a MySQL back end has none
    const database = profile.db?.BACKEND === 'sqlite' ? new Database(clock) : undefined;
    this.gate = new ApiGate(clock, profile.api, database);
    this.api = new StackApi(
      {
        ...systemMethods(this.node),
        ...hostMethods(this.node),
        ...vmMethods(this.node),
        ...templateMethods(this.node),
      },
      this.gate,
      users,
    );
    this.im = new InformationManager(
      clock,
      hosts,
      this.drivers.im,
      profile.monitoring,
      database && {
        listenerFree: () => database.free(),
        // the report lists the host's domains: the VMs booting or running there
        record: (host) => void database.hold(database.reportMs(domainsOn(host, vms))),
      },
    );
    const session = `oneadmin:${adminPassword}`;
    const shares: HostShare[] = [];
    const source: SchedulerSource = {
      // mm_sched reads the pools over XML-RPC, one call after another, and pays for the dumps on
      // the API's workers (and the database lock). 4.4 reads the whole VM pool twice a cycle, for
      // the scheduled actions and then for the pending VMs; with VMs pending it also reads the
      // hosts, the datastores (twice), the clusters and the ACLs.
      load: async (maxVm) => {
        await this.gate.serve('one.vmpool.info', () => undefined, () => vms.size);
        const pending = await this.gate.serve('one.vmpool.info', () => vms.pending(maxVm), () => vms.size);
        if (pending.length === 0) return { vms: [], hosts: [] };
        const monitored = await this.gate.serve('one.hostpool.info', () => schedulableHosts(hosts, shares), () => hosts.size);
        for (const pool of ['one.datastorepool.info', 'one.datastorepool.info', 'one.clusterpool.info', 'one.acl.info']) {
          await this.gate.serve(pool, () => undefined);
        }
        return { vms: pending.map((vm) => ({ id: vm.id, cpu: vm.cpu, memoryMiB: vm.memoryMiB })), hosts: monitored };
      },
      deploy: (vmId, hostId) => this.api.call('one.vm.deploy', [session, vmId, hostId, false, 0]),
      setSchedMessage: (vmId, message) => {
        const vm = vms.get(vmId);
        if (vm?.state !== VmState.PENDING) return;
        vm.userTemplate = setSingle(vm.userTemplate, 'SCHED_MESSAGE', `${ctime(clock.epochMs())}: ${message}`);
      },
    };
    this.plans = profile.placement && new PlanScheduler(clock, source, profile.scheduler, profile.placement, options.onSchedulerCycle);
    this.scheduler =
      this.plans ??
      new Scheduler(clock, source, profile.scheduler, {
        oneVmPerHost: on['sched-ignores-max-host'],
        ...(options.onSchedulerCycle ? { onCycle: options.onSchedulerCycle } : {}),
      });
  }

  /** Starts the information manager's and the scheduler's timers. */
  start(): void {
    this.im.start();
    this.scheduler.start();
  }

  /** Cancels every timer of the head node; driver actions already sent still complete. */
  stop(): void {
    this.im.stop();
    this.scheduler.stop();
  }

  /** Driver round trips (TM and VMM) the head node is waiting on. */
  get actionsInFlight(): number {
    return this.node.lifecycle.actionsInFlight;
  }
}

/**
 * Each driver's ARGUMENTS as the profile implies them, what oned.conf would say: the driver
 * threads (`-t`), `-p` on the VMM unless `vmm-host-lock`, and the transport (`ssh-per-action`).
 * The drivers run their own pools; the head node only sends.
 */
export function madArguments(profile: StackProfile): MadArguments {
  const on = profile.pathologies;
  const transport = on['ssh-per-action'] ? 'ssh' : 'persistent';
  return {
    tm: formatDriverArguments({ threads: profile.tm.threads, parallel: false, transport }),
    vmm: formatDriverArguments({ threads: profile.vmm.threads, parallel: !on['vmm-host-lock'], transport }),
    im: formatDriverArguments({ threads: profile.im.threads, parallel: false, transport }),
  };
}

/** VMs a host's hypervisor has a domain for, which its monitoring report lists: those booting or running there. */
function domainsOn(host: HostRecord, vms: VmPool): number {
  let n = 0;
  for (const id of host.vmIds) {
    const vm = vms.get(id);
    if (vm?.state === VmState.ACTIVE && (vm.lcmState === LcmState.BOOT || vm.lcmState === LcmState.RUNNING)) n += 1;
  }
  return n;
}

/**
 * The hosts mm_sched considers: `/HOST_POOL/HOST[STATE=1 or STATE=2]`. Each host's share is one
 * object kept in `shares` (by host id) and filled again at every read, so a scheduler reading
 * 100,000 hosts a cycle makes no object per host: a read is valid until the next one (a cycle's
 * plan copies what it needs when it is made).
 */
function schedulableHosts(hosts: HostPool, shares: HostShare[]): HostShare[] {
  const out: HostShare[] = [];
  for (const h of hosts.values()) {
    if ((h.state !== HostState.MONITORED && h.state !== HostState.MONITORING_MONITORED) || !h.monitor) continue;
    let share = shares[h.id];
    if (share === undefined) {
      share = { id: h.id, maxCpu: 0, maxMemKiB: 0, cpuUsage: 0, memUsageKiB: 0, runningVms: 0 };
      shares[h.id] = share;
    }
    share.maxCpu = h.monitor.totalCpu;
    share.maxMemKiB = h.monitor.totalMemKiB;
    share.cpuUsage = h.cpuUsage;
    share.memUsageKiB = h.memUsageKiB;
    share.runningVms = h.vmIds.size;
    out.push(share);
  }
  return out;
}
