import type { DriverTransport } from '../opennebula/driver.js';
import { sample, type Distribution, type Random, type StreamKeyPart } from '../sim/random.js';
import type { SharedResource } from '../sim/shared-resource.js';
import type { TimerHeap } from '../sim/timer-heap.js';
import type { FarmEvent, NetMsg } from './farm-events.js';
import type { FaultOperation, FaultOutcome, Faults } from './faults.js';
import { HostCrashed, type FarmHost, type FarmVm } from './host.js';
import type { FarmInstrument } from './instrument.js';
import type { LatencyModel } from './latency-model.js';

/**
 * The farm's shared state and the steps every driver action is made of: reach the host (is it
 * known, alive, and, with the `ssh` transport, pay the connection), decide faults, do the work
 * (a latency on the host's clock), and report. The drivers compose these; the farm owns them.
 */
export interface FarmCoreParts {
  clock: TimerHeap;
  random: Random;
  latency: LatencyModel;
  faults: Faults;
  hosts: readonly FarmHost[];
  store: SharedResource;
  headNode: SharedResource;
  instrument: FarmInstrument;
  /** one nfsd request's service, ms (the store's `requestMs`) */
  storeRequestMs: number;
  onEvent: ((e: FarmEvent) => void) | undefined;
  onNetMsg: ((m: NetMsg) => void) | undefined;
}

/** Never settles: what a hung action returns. */
export const never = <T>(): Promise<T> => new Promise<T>(() => {});

/** Reached: shared, so the common case allocates nothing. */
const REACHED: Promise<undefined> = Promise.resolve(undefined);

export class FarmCore {
  readonly clock: TimerHeap;
  readonly latency: LatencyModel;
  readonly hosts: readonly FarmHost[];
  readonly store: SharedResource;
  readonly headNode: SharedResource;
  readonly instrument: FarmInstrument;
  /**
   * Fastest one cache=none disk reads or writes, MB/s: qemu keeps one guest request in flight,
   * each a round trip plus the server's service (latency-model.ts `directRequestKiB`, `nfsRttMs`).
   */
  readonly directMBps: number;
  private readonly random: Random;
  private readonly faults: Faults;
  private readonly onEvent: ((e: FarmEvent) => void) | undefined;
  private readonly onNetMsg: ((m: NetMsg) => void) | undefined;
  private readonly byName: Map<string, FarmHost>;
  /** actions run per VM so far: the attempt number in each action's random stream names */
  private readonly vmActions = new Map<number, number>();
  /** boot working set per base image, drawn once per image */
  private readonly workingSets = new Map<string, number>();

  constructor(parts: FarmCoreParts) {
    this.clock = parts.clock;
    this.random = parts.random;
    this.latency = parts.latency;
    this.faults = parts.faults;
    this.hosts = parts.hosts;
    this.store = parts.store;
    this.headNode = parts.headNode;
    this.instrument = parts.instrument;
    const { guest } = parts.latency;
    this.directMBps = guest.directRequestKiB / 1024 / ((guest.nfsRttMs + parts.storeRequestMs) / 1000);
    this.onEvent = parts.onEvent;
    this.onNetMsg = parts.onNetMsg;
    this.byName = new Map(parts.hosts.map((h) => [h.name, h]));
  }

  host(name: string): FarmHost | undefined {
    return this.byName.get(name);
  }

  emit(event: FarmEvent): void {
    this.onEvent?.(event);
  }

  netMsg(vm: FarmVm): void {
    const t = this.clock.now();
    this.emit({ t, type: 'net-msg', vmId: vm.id, host: vm.host.name });
    this.onNetMsg?.({ t, vmId: vm.id, name: vm.name, host: vm.host.name });
  }

  /**
   * Names one action for its random streams: about a VM (`vm`, id, operation, attempt) when it
   * has one, else about its host. Attempts count per VM, so a retried deploy draws afresh while
   * no other VM's or host's actions change the count.
   */
  actionKey(op: FaultOperation, vmId: number | undefined, host: FarmHost | undefined, hostName: string): StreamKeyPart[] {
    if (vmId !== undefined) {
      const n = this.vmActions.get(vmId) ?? 0;
      this.vmActions.set(vmId, n + 1);
      return ['vm', vmId, op, n];
    }
    const n = host ? host.hostActions++ : 0;
    return ['host', hostName, op, n];
  }

  /** One draw of `dist` for `purpose` of the action named `key`. */
  draw(dist: Distribution, purpose: string, key: readonly StreamKeyPart[]): number {
    if (dist.dist === 'fixed') return dist.value; // no stream needed: saves a hash per action
    return sample(dist, this.random.stream(purpose, ...key));
  }

  /** The base image's boot working set in MB: a property of the image, the same on every host. */
  workingSetMB(image: string): number {
    let mb = this.workingSets.get(image);
    if (mb === undefined) {
      mb = this.draw(this.latency.guest.bootReadMB, 'image', [image, 'bootReadMB']);
      this.workingSets.set(image, mb);
    }
    return mb;
  }

  /**
   * The first step of any action on `hostName`: undefined once the host is reached (and, with
   * the `ssh` transport, the connection is set up), else the reason it cannot be, as ssh says it.
   */
  reach(
    hostName: string,
    transport: DriverTransport,
    op: FaultOperation,
    vmId: number | undefined,
    key: readonly StreamKeyPart[],
  ): Promise<string | undefined> {
    const host = this.byName.get(hostName);
    if (!host) return Promise.resolve(`ssh: Could not resolve hostname ${hostName}: Name or service not known`);
    if (host.crashed) {
      return this.clock.sleep(this.draw(this.latency.unreachableMs, 'unreachable', key)).then(() => noRoute(host.name));
    }
    if (transport === 'ssh') {
      return this.sshSetUp(host, op, vmId, key).then(() => (host.crashed ? noRoute(host.name) : undefined));
    }
    return REACHED;
  }

  /** What the fault plan does to this action; a `fault` event records any injection. */
  decide(op: FaultOperation, host: FarmHost, vmId: number | undefined, key: readonly StreamKeyPart[]): FaultOutcome {
    const outcome = this.faults.decide(op, host.name, vmId, key);
    if (outcome.kind !== 'ok') {
      const e: FarmEvent = {
        t: this.clock.now(),
        type: 'fault',
        host: host.name,
        action: op,
        result: 'FAILURE',
        info: outcome.kind === 'hang' ? 'hang' : `fail: ${outcome.message ?? faultMessage(op, host.name)}`,
      };
      if (vmId !== undefined) e.vmId = vmId;
      this.emit(e);
    }
    return outcome;
  }

  /**
   * The action's own latency on `host` (scaled by the host's slowness), then, if it has some, its
   * CPU work on one of the host's cores, shared with whatever else runs there (booting guests);
   * then the reason it failed, if it did.
   */
  work(host: FarmHost, dist: Distribution, key: readonly StreamKeyPart[], cpu?: Distribution): Promise<string | undefined> {
    const waited = this.clock.sleep(this.draw(dist, 'latency', key) * host.slow);
    const worked =
      cpu === undefined
        ? waited
        : waited.then(() => host.cpu.consume(this.draw(cpu, 'cpu', key) * host.slow, { maxRate: 1 }));
    return worked.then(() => (host.crashed ? connectionClosed(host.name) : undefined));
  }

  /** Crashes `host` now: its VMs are lost and their guests stop booting. */
  crash(host: FarmHost): void {
    const t = this.clock.now();
    if (host.crashed) return;
    const lost = host.crash(t);
    this.emit({ t, type: 'host.crash', host: host.name });
    for (const vm of lost) {
      this.emit({ t, type: 'vm.lost', vmId: vm.id, host: host.name, info: `host ${host.name} crashed` });
      vm.boot?.stop(new HostCrashed(host.name));
    }
  }

  private async sshSetUp(host: FarmHost, op: FaultOperation, vmId: number | undefined, key: readonly StreamKeyPart[]): Promise<void> {
    const base: FarmEvent = { t: this.clock.now(), type: 'ssh.start', host: host.name, action: op };
    if (vmId !== undefined) base.vmId = vmId;
    this.emit(base);
    this.instrument.begin('ssh', host.index, base.t);
    // Round trips, the client's CPU on the head node, sshd's on the host (one process each: one
    // core at most), each shared with whatever else runs there.
    const { ssh } = this.latency;
    const connections = op.startsWith('tm.') ? ssh.tmConnections : 1;
    for (let i = 0; i < connections; i += 1) {
      const k = i === 0 ? key : [...key, 'connection', i];
      await this.clock.sleep(this.draw(ssh.latency, 'ssh', k));
      await this.headNode.consume(this.draw(ssh.cpu, 'ssh-cpu', k), { maxRate: 1 });
      await host.cpu.consume(this.draw(ssh.hostCpu, 'ssh-host-cpu', k) * host.slow, { maxRate: 1 });
    }
    const t = this.clock.now();
    this.instrument.finish('ssh', host.index, t);
    this.emit({ ...base, t, type: 'ssh.end' });
  }
}

export function faultMessage(op: FaultOperation, host: string): string {
  const [kind, verb] = op.split('.') as [string, string];
  return `${verb.toUpperCase()} ${kind === 'guest' ? 'of the guest' : 'action'} on ${host} failed: injected fault`;
}

export const noRoute = (host: string): string => `ssh: connect to host ${host} port 22: No route to host`;
export const connectionClosed = (host: string): string => `Connection to ${host} closed by remote host.`;
