/**
 * The Virtual Machine Manager: turns a VM into what the VMM driver is handed (the deployment
 * file's disks and sizes) and sends it DEPLOY / SHUTDOWN / CANCEL. The driver's own workers are
 * where `vmm-host-lock` lives (its ARGUMENTS, see reference-stack.ts);
 * the disk cache is where `direct-io` does.
 */
import type { DeploymentDisk, DeploymentVm, MadReply, VirtualMachineDriver, VmmAction } from '../opennebula/driver.js';
import type { VmRecord } from './records.js';
import { settle } from './transfer-manager.js';

/** A context CD is a small ISO; its size only matters to a farm that models reading it. */
const CONTEXT_DISK_MIB = 1;

export function deploymentVm(vm: VmRecord, cache: DeploymentDisk['cache']): DeploymentVm {
  const disks: DeploymentDisk[] = vm.disks.map((disk) => ({
    diskId: disk.diskId,
    type: disk.kind === 'image' ? 'file' : disk.kind,
    ...(disk.source === undefined ? {} : { source: disk.source }),
    format: disk.format,
    sizeMiB: disk.sizeMiB,
    cache,
  }));
  if (vm.context) {
    disks.push({ diskId: Number(vm.context.DISK_ID), type: 'context', format: 'raw', sizeMiB: CONTEXT_DISK_MIB, cache });
  }
  return { id: vm.id, name: vm.name, cpu: vm.cpu, vcpu: vm.vcpu, memoryMiB: vm.memoryMiB, disks };
}

export class VirtualMachineManager {
  constructor(
    private readonly driver: VirtualMachineDriver,
    private readonly diskCache: DeploymentDisk['cache'],
  ) {}

  deploy(vm: VmRecord, hostname: string): Promise<MadReply> {
    return this.execute('DEPLOY', vm, hostname, '');
  }

  /** SHUTDOWN for terminate, CANCEL for terminate-hard. */
  shutdown(vm: VmRecord, hostname: string, hard: boolean): Promise<MadReply> {
    return this.execute(hard ? 'CANCEL' : 'SHUTDOWN', vm, hostname, vm.deployId);
  }

  private execute(action: VmmAction, vm: VmRecord, host: string, deployId: string): Promise<MadReply> {
    // oned writes the deployment file and sends the message before the driver queues the action
    const request = { action, vmId: vm.id, host, deployId, vm: deploymentVm(vm, this.diskCache) };
    return settle(action, vm.id, () => this.driver.execute(request));
  }
}
