import {
  failure,
  success,
  type DriverTransport,
  type MadReply,
  type VirtualMachineDriver,
  type VmmRequest,
} from '../opennebula/driver.js';
import { faultMessage, never, type FarmCore } from './farm-core.js';
import type { FarmEvent } from './farm-events.js';
import { bootGuest } from './guest-boot.js';
import type { FarmHost, FarmVm } from './host.js';

/**
 * The dummy VMM driver: DEPLOY reserves the VM's memory on its host, takes the time of a libvirt
 * define + start, answers the deploy id and lets the guest boot (on to NET-MSG); SHUTDOWN and
 * CANCEL take theirs, stop the guest and return its memory.
 *
 * The deploy id is `one-<vmid>`, the libvirt domain name OpenNebula's KVM driver answers, because
 * the farm emulates KVM hosts; OpenNebula's own dummy driver answers `<host>:<vm name>:dummy`,
 * which breaks on a VM name with a space (the deploy id is the first token of the reply).
 */
export class FarmVmmDriver implements VirtualMachineDriver {
  constructor(
    private readonly core: FarmCore,
    private readonly transport: DriverTransport,
  ) {}

  execute(request: VmmRequest): Promise<MadReply> {
    const { core } = this;
    const host = core.host(request.host);
    const index = host?.index ?? -1;
    const base: FarmEvent = { t: core.clock.now(), type: 'vmm.start', vmId: request.vmId, host: request.host, action: request.action };
    core.emit(base);
    core.instrument.begin('vmm', index, base.t);
    return this.run(request, host).then((outcome) => {
      const t = core.clock.now();
      core.instrument.finish('vmm', index, t);
      const end: FarmEvent = { ...base, t, type: 'vmm.end', result: outcome.reply.result };
      if (outcome.reply.info !== '-') end.info = outcome.reply.info;
      core.emit(end);
      if (outcome.deployed) bootGuest(core, outcome.deployed, request.vm);
      return outcome.reply;
    });
  }

  private async run(request: VmmRequest, host: FarmHost | undefined): Promise<{ reply: MadReply; deployed?: FarmVm }> {
    const { core } = this;
    const { action, vmId } = request;
    const op = action === 'DEPLOY' ? 'vmm.deploy' : action === 'SHUTDOWN' ? 'vmm.shutdown' : 'vmm.cancel';
    const key = core.actionKey(op, vmId, host, request.host);
    const unreachable = await core.reach(request.host, this.transport, op, vmId, key);
    if (unreachable !== undefined) return refuse(action, vmId, unreachable);
    const h = host!;

    if (action === 'DEPLOY') {
      const deployId = `one-${vmId}`;
      if (h.vms.has(vmId)) return refuse(action, vmId, `operation failed: domain '${deployId}' already exists on ${h.name}`);
      const fault = core.decide(op, h, vmId, key);
      if (fault.kind === 'hang') return never();
      const { memoryMiB } = request.vm;
      const free = h.freeMemoryMiB;
      const fits = fault.kind === 'fail' || h.reserve(memoryMiB);
      const failed = await core.work(h, core.latency.vmm.deploy, key, core.latency.vmm.deployCpu);
      if (failed !== undefined) return refuse(action, vmId, failed); // the host crashed: its memory went with it
      if (fault.kind === 'fail') return refuse(action, vmId, fault.message ?? faultMessage(op, h.name));
      if (!fits) {
        return refuse(
          action,
          vmId,
          `Could not create domain from ${deploymentFile(vmId)}: internal error: process exited while connecting ` +
            `to monitor: cannot set up guest memory 'pc.ram': Cannot allocate memory ` +
            `(${h.name}: ${memoryMiB} MiB asked, ${free} MiB free of ${h.memoryMiB} MiB)`,
        );
      }
      const vm: FarmVm = { id: vmId, name: request.vm.name, host: h, memoryMiB, deployId, boot: undefined };
      h.vms.set(vmId, vm);
      return { reply: success(action, vmId, deployId), deployed: vm };
    }

    const vm = h.vms.get(vmId);
    const domain = request.deployId || `one-${vmId}`;
    if (!vm || vm.deployId !== domain) {
      return refuse(action, vmId, `failed to get domain '${domain}': Domain not found: no domain with matching name '${domain}' on ${h.name}`);
    }
    const fault = core.decide(op, h, vmId, key);
    if (fault.kind === 'hang') return never();
    const failed = await core.work(h, action === 'SHUTDOWN' ? core.latency.vmm.shutdown : core.latency.vmm.cancel, key);
    if (failed !== undefined) return refuse(action, vmId, failed);
    if (fault.kind === 'fail') return refuse(action, vmId, fault.message ?? faultMessage(op, h.name));
    // The domain is gone: a guest still booting never sends its NET-MSG, and its memory is free.
    vm.boot?.stop(new Error(`${action === 'SHUTDOWN' ? 'shut down' : 'cancelled'} before the guest was up`));
    h.vms.delete(vmId);
    h.release(vm.memoryMiB);
    return { reply: success(action, vmId) };
  }
}

/** A FAILURE answer (a module function, not a closure per action: see sim/timer-heap.ts on tsx). */
function refuse(action: VmmRequest['action'], vmId: number, info: string): { reply: MadReply } {
  return { reply: failure(action, vmId, info) };
}

function deploymentFile(vmId: number): string {
  return `/var/lib/one//datastores/0/${vmId}/deployment.0`;
}
