/**
 * The Transfer Manager: writes a VM's transfer file (one TM action per line, as 4.4's
 * TransferManager.cc wrote them; research 5.5) and hands it to the TM driver on one of the pool's
 * workers. CONTEXT travels in the prolog as in 4.4 (7.x moved it into the VMM's TM_COMMAND).
 */
import { failure, type MadReply, type TransferDriver, type TransferRequest } from '../opennebula/driver.js';
import type { ActionPool } from './action-pool.js';
import { DATASTORES_DIR, SYSTEM_DS_ID, SYSTEM_DS_TM_MAD, VMS_DIR } from './image-catalog.js';
import type { VmRecord } from './records.js';

export function diskPath(hostname: string, vmId: number, diskId: number): string {
  return `${hostname}:${DATASTORES_DIR}/${SYSTEM_DS_ID}/${vmId}/disk.${diskId}`;
}

/** The prolog: one line per disk in DISK_ID order, then the context disk. */
export function prologLines(vm: VmRecord, hostname: string, frontend: string): string[] {
  const lines = vm.disks.map((disk) => {
    const target = diskPath(hostname, vm.id, disk.diskId);
    switch (disk.kind) {
      case 'image': {
        const verb = disk.persistent ? 'LN' : 'CLONE';
        return `${verb} ${disk.tmMad} ${frontend}:${disk.source} ${target} ${vm.id} ${disk.datastoreId}`;
      }
      case 'fs':
        return `MKIMAGE ${SYSTEM_DS_TM_MAD} ${disk.sizeMiB} ${disk.format} ${target} ${vm.id} ${SYSTEM_DS_ID}`;
      case 'swap':
        return `MKSWAP ${SYSTEM_DS_TM_MAD} ${disk.sizeMiB} ${target} ${vm.id} ${SYSTEM_DS_ID}`;
    }
  });
  if (vm.context) {
    const target = diskPath(hostname, vm.id, Number(vm.context.DISK_ID));
    lines.push(`CONTEXT ${SYSTEM_DS_TM_MAD} ${VMS_DIR}/${vm.id}/context.sh ${target} ${vm.id} ${SYSTEM_DS_ID}`);
  }
  return lines;
}

/** The epilog: each disk deleted (a persistent one moved back), then the VM directory. */
export function epilogLines(vm: VmRecord, hostname: string): string[] {
  const lines = vm.disks.map((disk) => {
    const target = diskPath(hostname, vm.id, disk.diskId);
    if (disk.kind === 'image' && disk.persistent) {
      return `MVDS ${disk.tmMad} ${target} ${disk.source} ${vm.id} ${disk.datastoreId}`;
    }
    const [tmMad, dsId] = disk.kind === 'image' ? [disk.tmMad, disk.datastoreId] : [SYSTEM_DS_TM_MAD, SYSTEM_DS_ID];
    return `DELETE ${tmMad} ${target} ${vm.id} ${dsId}`;
  });
  lines.push(`DELETE ${SYSTEM_DS_TM_MAD} ${hostname}:${DATASTORES_DIR}/${SYSTEM_DS_ID}/${vm.id} ${vm.id} ${SYSTEM_DS_ID}`);
  return lines;
}

export class TransferManager {
  constructor(
    private readonly driver: TransferDriver,
    private readonly pool: ActionPool,
    private readonly frontend: string,
  ) {}

  prolog(vm: VmRecord, hostname: string): Promise<MadReply> {
    return this.transfer(hostname, { vmId: vm.id, op: 'prolog', lines: prologLines(vm, hostname, this.frontend) });
  }

  epilog(vm: VmRecord, hostname: string): Promise<MadReply> {
    return this.transfer(hostname, { vmId: vm.id, op: 'epilog', lines: epilogLines(vm, hostname) });
  }

  private transfer(hostname: string, request: TransferRequest): Promise<MadReply> {
    return this.pool.run(hostname, () => settle('TRANSFER', request.vmId, () => this.driver.transfer(request)));
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
