import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../opennebula/template.js';
import { ImageCatalog } from './image-catalog.js';
import type { VmRecord } from './records.js';
import { parseTransferLine } from '../opennebula/transfer-file.js';
import { epilogLines, prologLines } from './transfer-manager.js';
import { defineVm } from './vm-template.js';

function vmFrom(text: string, id: number): VmRecord {
  const result = defineVm(parseTemplate(text), id, new ImageCatalog());
  if (!result.ok) throw new Error(result.message);
  return { ...result.vm, id, uid: 0, gid: 0, uname: 'oneadmin', gname: 'oneadmin', state: 1, lcmState: 0, prevState: 1, prevLcmState: 0, stime: 0, etime: 0, deployId: '', history: [] };
}

const TEMPLATE =
  'CPU = 1\nMEMORY = 64\nDISK = [ IMAGE_ID = 0 ]\nDISK = [ TYPE = swap, SIZE = 32 ]\nDISK = [ TYPE = fs, SIZE = 64, FORMAT = qcow2 ]\nCONTEXT = [ NETWORK = YES ]\n';

describe('transfer files', () => {
  it('writes the prolog one action per disk in DISK_ID order, then the context', () => {
    expect(prologLines(vmFrom(TEMPLATE, 17), 'host03', 'frontend')).toEqual([
      'CLONE qcow2 frontend:/var/lib/one/datastores/1/8a3f1e2bd49c5a07e1f6c3d2b0a9e8f7 host03:/var/lib/one/datastores/0/17/disk.0 17 1',
      'MKSWAP shared 32 host03:/var/lib/one/datastores/0/17/disk.1 17 0',
      'MKIMAGE shared 64 qcow2 host03:/var/lib/one/datastores/0/17/disk.2 17 0',
      'CONTEXT shared /var/lib/one/vms/17/context.sh host03:/var/lib/one/datastores/0/17/disk.3 17 0',
    ]);
  });

  it('writes lines the TM driver side reads back to the same commands', () => {
    const vm = vmFrom(TEMPLATE, 17);
    for (const line of [...prologLines(vm, 'host03', 'frontend'), ...epilogLines(vm, 'host03')]) {
      expect(parseTransferLine(line)).toMatchObject({ vmId: 17 });
    }
    expect(parseTransferLine(prologLines(vm, 'host03', 'frontend')[2]!)).toMatchObject({ action: 'MKIMAGE', sizeMb: 64, format: 'qcow2', dsId: 0 });
  });

  it('writes the epilog: each disk deleted from its datastore, then the VM directory', () => {
    expect(epilogLines(vmFrom(TEMPLATE, 17), 'host03')).toEqual([
      'DELETE qcow2 host03:/var/lib/one/datastores/0/17/disk.0 17 1',
      'DELETE shared host03:/var/lib/one/datastores/0/17/disk.1 17 0',
      'DELETE shared host03:/var/lib/one/datastores/0/17/disk.2 17 0',
      'DELETE shared host03:/var/lib/one/datastores/0/17 17 0',
    ]);
  });

  it('links a persistent image instead of cloning it, and moves it back at the end', () => {
    const images = new ImageCatalog([
      { id: 5, name: 'db', datastoreId: 1, datastore: 'default', tmMad: 'qcow2', source: '/ds/1/db', format: 'raw', sizeMiB: 16, persistent: true },
    ]);
    const result = defineVm(parseTemplate('CPU = 1\nMEMORY = 64\nDISK = [ IMAGE_ID = 5 ]\n'), 3, images);
    if (!result.ok) throw new Error(result.message);
    const vm = { ...vmFrom('CPU = 1\nMEMORY = 64\n', 3), disks: result.vm.disks };
    expect(prologLines(vm, 'h', 'fe')).toEqual(['LN qcow2 fe:/ds/1/db h:/var/lib/one/datastores/0/3/disk.0 3 1']);
    expect(epilogLines(vm, 'h')[0]).toBe('MVDS qcow2 h:/var/lib/one/datastores/0/3/disk.0 /ds/1/db 3 1');
  });
});
