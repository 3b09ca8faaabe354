/**
 * The Transfer Manager: writes a VM's transfer file (one TM action per line, as 4.4's
 * TransferManager.cc wrote them) and hands it to the TM driver, which queues it on
 * its own workers (`-t`), as a MAD process does. CONTEXT travels in the prolog as in 4.4 (7.x moved it into the VMM's TM_COMMAND).
 */
import { failure, type MadReply, type TransferDriver, type TransferRequest } from '../opennebula/driver.js';
import { formatTransferLine, type TransferCommand } from '../opennebula/transfer-file.js';
import { DATASTORES_DIR, SYSTEM_DS_ID, SYSTEM_DS_TM_MAD, VMS_DIR } from './image-catalog.js';
import type { VmRecord } from './records.js';

export function diskPath(hostname: string, vmId: number, diskId: number): string {
  return `${hostname}:${DATASTORES_DIR}/${SYSTEM_DS_ID}/${vmId}/disk.${diskId}`;
}

/** The prolog: one action per disk in DISK_ID order, then the context disk. */
export function prologCommands(vm: VmRecord, hostname: string, frontend: string): TransferCommand[] {
  const commands = vm.disks.map((disk): TransferCommand => {
    const placed = { vmId: vm.id, target: diskPath(hostname, vm.id, disk.diskId) };
    switch (disk.kind) {
      case 'image':
        return {
          action: disk.persistent ? 'LN' : 'CLONE',
          tmMad: disk.tmMad,
          source: `${frontend}:${disk.source}`,
          dsId: disk.datastoreId!,
          ...placed,
        };
      case 'fs':
        return { action: 'MKIMAGE', tmMad: SYSTEM_DS_TM_MAD, sizeMb: disk.sizeMiB, format: disk.format, dsId: SYSTEM_DS_ID, ...placed };
      case 'swap':
        return { action: 'MKSWAP', tmMad: SYSTEM_DS_TM_MAD, sizeMb: disk.sizeMiB, dsId: SYSTEM_DS_ID, ...placed };
    }
  });
  if (vm.context) {
    commands.push({
      action: 'CONTEXT',
      tmMad: SYSTEM_DS_TM_MAD,
      files: [`${VMS_DIR}/${vm.id}/context.sh`],
      target: diskPath(hostname, vm.id, Number(vm.context.DISK_ID)),
      vmId: vm.id,
      dsId: SYSTEM_DS_ID,
    });
  }
  return commands;
}

/** The epilog: each disk deleted (a persistent one moved back), then the VM directory. */
export function epilogCommands(vm: VmRecord, hostname: string): TransferCommand[] {
  const commands = vm.disks.map((disk): TransferCommand => {
    const target = diskPath(hostname, vm.id, disk.diskId);
    if (disk.kind === 'image' && disk.persistent) {
      // moved from the host back over the image: the disk is the source, the image the target
      return { action: 'MVDS', tmMad: disk.tmMad, source: target, target: disk.source!, vmId: vm.id, dsId: disk.datastoreId! };
    }
    return disk.kind === 'image'
      ? { action: 'DELETE', tmMad: disk.tmMad, target, vmId: vm.id, dsId: disk.datastoreId! }
      : { action: 'DELETE', tmMad: SYSTEM_DS_TM_MAD, target, vmId: vm.id, dsId: SYSTEM_DS_ID };
  });
  commands.push({
    action: 'DELETE',
    tmMad: SYSTEM_DS_TM_MAD,
    target: `${hostname}:${DATASTORES_DIR}/${SYSTEM_DS_ID}/${vm.id}`,
    vmId: vm.id,
    dsId: SYSTEM_DS_ID,
  });
  return commands;
}

export const prologLines = (vm: VmRecord, hostname: string, frontend: string): string[] =>
  prologCommands(vm, hostname, frontend).map(formatTransferLine);

export const epilogLines = (vm: VmRecord, hostname: string): string[] => epilogCommands(vm, hostname).map(formatTransferLine);

export class TransferManager {
  constructor(
    private readonly driver: TransferDriver,
    private readonly frontend: string,
  ) {}

  prolog(vm: VmRecord, hostname: string): Promise<MadReply> {
    return this.transfer({ vmId: vm.id, op: 'prolog', lines: prologLines(vm, hostname, this.frontend) });
  }

  epilog(vm: VmRecord, hostname: string): Promise<MadReply> {
    return this.transfer({ vmId: vm.id, op: 'epilog', lines: epilogLines(vm, hostname) });
  }

  private transfer(request: TransferRequest): Promise<MadReply> {
    return settle('TRANSFER', request.vmId, () => this.driver.transfer(request));
  }
}

/** A driver that throws instead of answering is a driver that failed the action, as a crashed MAD would. */
export async function settle(action: string, id: number, call: () => Promise<MadReply>): Promise<MadReply> {
  try {
    return await call();
  } catch (error) {
    return failure(action, id, error instanceof Error ? error.message : String(error));
  }
}
