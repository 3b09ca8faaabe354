/**
 * What oned does with a VM template at allocate time (VirtualMachine::insert, 7.x): checks CPU,
 * VCPU and MEMORY, resolves each DISK against the image catalog or as a volatile disk, numbers
 * the disks and the context CD, and splits the attributes between TEMPLATE (what oned manages)
 * and USER_TEMPLATE (everything else). The messages are oned's.
 */
import { getSingle, getVectors, isVector, type Template, type TemplateAttribute } from '../opennebula/template.js';
import { SYSTEM_DS_TM_MAD, type ImageCatalog } from './image-catalog.js';
import type { VmDisk } from './records.js';

export interface VmDefinition {
  name: string;
  cpu: number;
  vcpu: number;
  memoryMiB: number;
  disks: VmDisk[];
  context?: Record<string, string>;
  template: Template;
  userTemplate: Template;
}

export type VmDefinitionResult = { ok: true; vm: VmDefinition } | { ok: false; message: string };

/**
 * What a template defines whatever the VM's id: all of the definition but the default name,
 * VMID and TEMPLATE_ID. Many VMs allocated from one text can share one (see `freezeShape`).
 */
export interface VmShape {
  /** NAME as given; absent or empty, the VM is named one-<id> */
  name?: string;
  cpu: number;
  vcpu: number;
  memoryMiB: number;
  disks: VmDisk[];
  context?: Record<string, string>;
  /** TEMPLATE in vm.xsd's order up to RAW: what comes before TEMPLATE_ID */
  head: Template;
  /** TEMPLATE between TEMPLATE_ID and VMID: VCPU when given */
  tail: Template;
  userTemplate: Template;
}

export type VmShapeResult = { ok: true; shape: VmShape } | { ok: false; message: string };

const DEV_PREFIX = 'sd';

/**
 * TEMPLATE children in the order vm.xsd's sequence lists them: oned keeps only these in TEMPLATE.
 * NIC is kept as given (the reference stack has no virtual networks to lease from). TM_MAD_SYSTEM
 * comes when the VM is deployed (lifecycle.ts), as in oned.
 */
const TEMPLATE_ORDER = [
  'AUTOMATIC_REQUIREMENTS',
  'CONTEXT',
  'CPU',
  'DISK',
  'FEATURES',
  'GRAPHICS',
  'INPUT',
  'MEMORY',
  'NIC',
  'OS',
  'RAW',
  'TEMPLATE_ID',
  'VCPU',
  'VMID',
] as const;
/** The ones a user may write; the others oned sets itself. */
const USER_SETTABLE: ReadonlySet<string> = new Set(['CONTEXT', 'CPU', 'DISK', 'FEATURES', 'GRAPHICS', 'INPUT', 'MEMORY', 'NIC', 'OS', 'RAW', 'VCPU']);
for (const name of USER_SETTABLE) {
  // an attribute kept in TEMPLATE but missing from the order would silently vanish
  if (!(TEMPLATE_ORDER as readonly string[]).includes(name)) throw new Error(`vm-template: ${name} has no place in TEMPLATE_ORDER`);
}
/** Put back below in the form oned checked and completed. */
const CHECKED: ReadonlySet<string> = new Set(['CPU', 'VCPU', 'MEMORY', 'DISK', 'CONTEXT']);
/** Attributes vm.xsd allows any number of times; of the others oned keeps one. */
const REPEATABLE: ReadonlySet<string> = new Set(['DISK', 'NIC']);
const HEAD_ORDER = TEMPLATE_ORDER.slice(0, TEMPLATE_ORDER.indexOf('TEMPLATE_ID'));
const TAIL_ORDER = ['VCPU'] as const;

export function defineVm(
  template: Template,
  vmId: number,
  images: ImageCatalog,
  extra: { templateId?: number } = {},
): VmDefinitionResult {
  const shaped = shapeVm(template, images);
  return shaped.ok ? { ok: true, vm: instantiateShape(shaped.shape, vmId, extra) } : shaped;
}

/** The id-free part of defineVm: checks, disks, context, and TEMPLATE and USER_TEMPLATE split. */
export function shapeVm(template: Template, images: ImageCatalog): VmShapeResult {
  const cpu = positiveFloat(getSingle(template, 'CPU'));
  if (cpu === undefined) return { ok: false, message: 'CPU attribute must be a positive float or integer value.' };
  const vcpuText = getSingle(template, 'VCPU');
  const vcpu = vcpuText === undefined ? 1 : positiveInt(vcpuText);
  if (vcpu === undefined) return { ok: false, message: 'VCPU attribute must be a positive integer value.' };
  const memoryMiB = positiveInt(getSingle(template, 'MEMORY'));
  if (memoryMiB === undefined) return { ok: false, message: 'MEMORY attribute must be a positive integer value.' };

  const disks: VmDisk[] = [];
  const diskVectors: Record<string, string>[] = [];
  for (const given of getVectors(template, 'DISK')) {
    const diskId = disks.length;
    const resolved = resolveDisk(given, diskId, images);
    if (!resolved.ok) return resolved;
    disks.push(resolved.disk);
    diskVectors.push(resolved.vector);
  }

  const givenContext = getVectors(template, 'CONTEXT')[0];
  const context = givenContext
    ? sortedVector({ ...givenContext, DISK_ID: String(disks.length), TARGET: target(disks.length) })
    : undefined;

  const managed = new Map<string, TemplateAttribute[]>();
  const put = (attribute: TemplateAttribute): void => {
    const list = managed.get(attribute.name) ?? [];
    if (list.length > 0 && !REPEATABLE.has(attribute.name)) return;
    list.push(attribute);
    managed.set(attribute.name, list);
  };
  const userTemplate: Template = [];
  let name: string | undefined;
  for (const attribute of template) {
    if (attribute.name === 'NAME' && !isVector(attribute)) {
      if (attribute.value !== '') name = attribute.value;
    } else if (USER_SETTABLE.has(attribute.name)) {
      if (!CHECKED.has(attribute.name)) put(attribute);
    } else {
      userTemplate.push(attribute);
    }
  }
  put({ name: 'AUTOMATIC_REQUIREMENTS', value: '!(PIN_POLICY = PINNED)' });
  if (context) put({ name: 'CONTEXT', vector: context });
  put({ name: 'CPU', value: getSingle(template, 'CPU')! });
  for (const vector of diskVectors) put({ name: 'DISK', vector });
  put({ name: 'MEMORY', value: String(memoryMiB) });
  if (vcpuText !== undefined) put({ name: 'VCPU', value: String(vcpu) });

  return {
    ok: true,
    shape: {
      ...(name === undefined ? {} : { name }),
      cpu,
      vcpu,
      memoryMiB,
      disks,
      ...(context ? { context } : {}),
      head: HEAD_ORDER.flatMap((key) => managed.get(key) ?? []),
      tail: TAIL_ORDER.flatMap((key) => managed.get(key) ?? []),
      userTemplate,
    },
  };
}

/** One VM's definition from a shape: its name, TEMPLATE_ID and VMID in their places. */
export function instantiateShape(shape: VmShape, vmId: number, extra: { templateId?: number } = {}): VmDefinition {
  const template: Template = [...shape.head];
  if (extra.templateId !== undefined) template.push({ name: 'TEMPLATE_ID', value: String(extra.templateId) });
  template.push(...shape.tail, { name: 'VMID', value: String(vmId) });
  return {
    name: shape.name ?? `one-${vmId}`,
    cpu: shape.cpu,
    vcpu: shape.vcpu,
    memoryMiB: shape.memoryMiB,
    disks: shape.disks,
    ...(shape.context ? { context: shape.context } : {}),
    template,
    userTemplate: [...shape.userTemplate],
  };
}

/**
 * Freezes what VMs instantiated from `shape` share (attributes, vectors, disks, context), so that
 * one VM's record can only change by copy (setSingle, removeAttribute), never under the others.
 */
export function freezeShape(shape: VmShape): VmShape {
  const freezeAttribute = (attribute: TemplateAttribute): void => {
    if (isVector(attribute)) Object.freeze(attribute.vector);
    Object.freeze(attribute);
  };
  for (const attribute of [...shape.head, ...shape.tail, ...shape.userTemplate]) freezeAttribute(attribute);
  for (const disk of shape.disks) Object.freeze(disk);
  if (shape.context) Object.freeze(shape.context);
  Object.freeze(shape.disks);
  Object.freeze(shape.head);
  Object.freeze(shape.tail);
  Object.freeze(shape.userTemplate);
  return Object.freeze(shape);
}

type DiskResult = { ok: true; disk: VmDisk; vector: Record<string, string> } | { ok: false; message: string };

function resolveDisk(given: Record<string, string>, diskId: number, images: ImageCatalog): DiskResult {
  const common = { DEV_PREFIX: given.DEV_PREFIX ?? DEV_PREFIX, DISK_ID: String(diskId), TARGET: given.TARGET ?? target(diskId) };
  if (given.IMAGE_ID !== undefined || given.IMAGE !== undefined) {
    const image =
      given.IMAGE_ID !== undefined
        ? /^\d+$/.test(given.IMAGE_ID)
          ? images.get(Number(given.IMAGE_ID))
          : undefined
        : images.byName(given.IMAGE!);
    if (!image) {
      const which = given.IMAGE_ID !== undefined ? `IMAGE_ID=${given.IMAGE_ID}` : `IMAGE=${given.IMAGE}`;
      return { ok: false, message: `Error getting image for DISK ${diskId}: ${which} does not exist.` };
    }
    const vector = {
      ...given,
      ...common,
      CLONE: image.persistent ? 'NO' : 'YES',
      CLONE_TARGET: 'SYSTEM',
      DATASTORE: image.datastore,
      DATASTORE_ID: String(image.datastoreId),
      DISK_TYPE: 'FILE',
      DRIVER: image.format,
      FORMAT: image.format,
      IMAGE: image.name,
      IMAGE_ID: String(image.id),
      READONLY: 'NO',
      SIZE: String(image.sizeMiB),
      SOURCE: image.source,
      TM_MAD: image.tmMad,
      TYPE: 'FILE',
    };
    return {
      ok: true,
      vector: sortedVector(vector),
      disk: {
        diskId,
        kind: 'image',
        sizeMiB: image.sizeMiB,
        format: image.format,
        imageId: image.id,
        imageName: image.name,
        datastoreId: image.datastoreId,
        source: image.source,
        tmMad: image.tmMad,
        persistent: image.persistent,
      },
    };
  }
  const type = given.TYPE?.toLowerCase();
  if (type !== 'fs' && type !== 'swap') {
    return {
      ok: false,
      message: `DISK ${diskId} has no IMAGE_ID or IMAGE, and is not a volatile disk (TYPE = fs or swap).`,
    };
  }
  const sizeMiB = positiveInt(given.SIZE);
  if (sizeMiB === undefined) return { ok: false, message: `Volatile DISK ${diskId} must have a positive integer SIZE (MB).` };
  const format = type === 'swap' ? 'raw' : (given.FORMAT ?? 'raw');
  const vector = { ...given, ...common, DISK_TYPE: 'FILE', FORMAT: format, SIZE: String(sizeMiB), TYPE: type };
  return {
    ok: true,
    vector: sortedVector(vector),
    disk: { diskId, kind: type, sizeMiB, format, tmMad: SYSTEM_DS_TM_MAD, persistent: false },
  };
}

/** sda, sdb, ... as oned assigns targets when the template names none. */
function target(index: number): string {
  return `${DEV_PREFIX}${String.fromCharCode(97 + (index % 26))}`;
}

/** oned keeps a vector's pairs in a std::map, so they come out in name order. */
function sortedVector(vector: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(vector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function positiveFloat(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text)) return undefined;
  const n = Number(text);
  return n > 0 && Number.isFinite(n) ? n : undefined;
}

function positiveInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*[+]?\d+\s*$/.test(text)) return undefined;
  const n = Number(text);
  return n > 0 && Number.isSafeInteger(n) ? n : undefined;
}
