import { describe, expect, it } from 'vitest';
import { getSingle, getVector, getVectors, parseTemplate } from '../opennebula/template.js';
import { ImageCatalog } from './image-catalog.js';
import { defineVm, freezeShape, instantiateShape, shapeVm, type VmDefinitionResult } from './vm-template.js';

const images = new ImageCatalog();
const define = (text: string, id = 7): VmDefinitionResult => defineVm(parseTemplate(text), id, images);
const defined = (text: string) => {
  const result = define(text);
  if (!result.ok) throw new Error(result.message);
  return result.vm;
};

describe('defineVm', () => {
  it('reads CPU, VCPU and MEMORY and names the VM', () => {
    const vm = defined('NAME = web\nCPU = 0.5\nVCPU = 2\nMEMORY = 1024\n');
    expect([vm.name, vm.cpu, vm.vcpu, vm.memoryMiB]).toEqual(['web', 0.5, 2, 1024]);
    expect(defined('CPU = 1\nMEMORY = 64\n').name).toBe('one-7');
    expect(defined('CPU = 1\nMEMORY = 64\n').vcpu).toBe(1);
  });

  it.each([
    ['CPU = 1\n', 'MEMORY attribute must be a positive integer value.'],
    ['CPU = 1\nMEMORY = 0\n', 'MEMORY attribute must be a positive integer value.'],
    ['CPU = 1\nMEMORY = 1.5\n', 'MEMORY attribute must be a positive integer value.'],
    ['MEMORY = 64\n', 'CPU attribute must be a positive float or integer value.'],
    ['CPU = -1\nMEMORY = 64\n', 'CPU attribute must be a positive float or integer value.'],
    ['CPU = lots\nMEMORY = 64\n', 'CPU attribute must be a positive float or integer value.'],
    ['CPU = 1\nVCPU = 0.5\nMEMORY = 64\n', 'VCPU attribute must be a positive integer value.'],
  ])('rejects %j as oned does', (text, message) => {
    expect(define(text)).toEqual({ ok: false, message });
  });

  it('resolves image disks against the catalog, by id or name, and completes them as oned shows them', () => {
    const vm = defined('CPU = 1\nMEMORY = 64\nDISK = [ IMAGE_ID = 0 ]\nDISK = [ IMAGE = base ]\n');
    expect(vm.disks.map((d) => [d.diskId, d.kind, d.imageId, d.tmMad, d.datastoreId])).toEqual([
      [0, 'image', 0, 'qcow2', 1],
      [1, 'image', 0, 'qcow2', 1],
    ]);
    const disks = getVectors(vm.template, 'DISK');
    expect(disks[1]).toMatchObject({ DISK_ID: '1', IMAGE: 'base', IMAGE_ID: '0', DATASTORE_ID: '1', TARGET: 'sdb', CLONE: 'YES' });
    expect(Object.keys(disks[0]!)).toEqual([...Object.keys(disks[0]!)].sort());
  });

  it('makes volatile fs and swap disks, and refuses a disk that is neither', () => {
    const vm = defined('CPU = 1\nMEMORY = 64\nDISK = [ TYPE = fs, SIZE = 64, FORMAT = qcow2 ]\nDISK = [ TYPE = swap, SIZE = 32 ]\n');
    expect(vm.disks.map((d) => [d.kind, d.sizeMiB, d.format])).toEqual([
      ['fs', 64, 'qcow2'],
      ['swap', 32, 'raw'],
    ]);
    expect(define('CPU = 1\nMEMORY = 64\nDISK = [ SIZE = 10 ]\n')).toMatchObject({ ok: false, message: expect.stringMatching(/^DISK 0 has no IMAGE_ID/) });
    expect(define('CPU = 1\nMEMORY = 64\nDISK = [ TYPE = fs ]\n')).toMatchObject({ ok: false, message: expect.stringMatching(/SIZE/) });
    expect(define('CPU = 1\nMEMORY = 64\nDISK = [ IMAGE_ID = 42 ]\n')).toEqual({
      ok: false,
      message: 'Error getting image for DISK 0: IMAGE_ID=42 does not exist.',
    });
  });

  it('gives CONTEXT the next disk id and target', () => {
    const vm = defined('CPU = 1\nMEMORY = 64\nDISK = [ IMAGE_ID = 0 ]\nCONTEXT = [ NETWORK = YES, HELLO = world ]\n');
    expect(vm.context).toEqual({ DISK_ID: '1', HELLO: 'world', NETWORK: 'YES', TARGET: 'sdb' });
    expect(getVector(vm.template, 'CONTEXT')).toEqual(vm.context);
  });

  it('keeps what oned manages in TEMPLATE and the rest in USER_TEMPLATE', () => {
    const vm = defined('NAME = x\nCPU = 1\nMEMORY = 64\nOS = [ ARCH = x86_64 ]\nLOGO = tux.png\nSCHED_REQUIREMENTS = "ID > 2"\n');
    expect(vm.template.map((a) => a.name)).toEqual(['AUTOMATIC_REQUIREMENTS', 'CPU', 'MEMORY', 'OS', 'VMID']);
    expect(getSingle(vm.template, 'VMID')).toBe('7');
    expect(vm.userTemplate.map((a) => a.name)).toEqual(['LOGO', 'SCHED_REQUIREMENTS']);
  });
});

describe('shapeVm and instantiateShape', () => {
  it('give what defineVm gives, the VM id and template id put in their places', () => {
    const text = 'NAME = web\nCPU = 1\nVCPU = 2\nMEMORY = 64\nDISK = [ IMAGE_ID = 0 ]\nOS = [ ARCH = x86_64 ]\nCONTEXT = [ A = b ]\nLOGO = x\n';
    for (const t of [text, text.replace('NAME = web\n', ''), 'CPU = 1\nMEMORY = 64\n']) {
      const shaped = shapeVm(parseTemplate(t), images);
      if (!shaped.ok) throw new Error(shaped.message);
      const shape = freezeShape(shaped.shape);
      for (const extra of [{}, { templateId: 4 }]) {
        expect(instantiateShape(shape, 9, extra)).toEqual((defineVm(parseTemplate(t), 9, images, extra) as { vm: unknown }).vm);
      }
    }
  });

  it('freezes what the VMs of one shape share, so none can change it under the others', () => {
    const shaped = shapeVm(parseTemplate('CPU = 1\nMEMORY = 64\nDISK = [ IMAGE_ID = 0 ]\nLOGO = x\n'), images);
    if (!shaped.ok) throw new Error(shaped.message);
    const vm = instantiateShape(freezeShape(shaped.shape), 1);
    const disk = getVectors(vm.template, 'DISK')[0]!;
    expect(() => {
      disk.SIZE = '1';
    }).toThrow(TypeError);
    expect(() => vm.disks.push(vm.disks[0]!)).toThrow(TypeError);
    // the VM's own lists are its own
    vm.userTemplate.push({ name: 'MINE', value: '1' });
    expect(instantiateShape(shaped.shape, 2).userTemplate.map((a) => a.name)).toEqual(['LOGO']);
  });
});
