/**
 * VMM_DRIVER_ACTION_DATA: the document oned sends, base64 on one line, as the payload of every
 * VMM action (`DEPLOY  17 PFZNTV9...`; VirtualMachineManager.cc format_message, captured from oned 7.5):
 *
 *   <VMM_DRIVER_ACTION_DATA><HOST>h</HOST><MIGR_HOST/><DEPLOY_ID/><LOCAL_DEPLOYMENT_FILE>..
 *   </LOCAL_DEPLOYMENT_FILE><REMOTE_DEPLOYMENT_FILE>..</REMOTE_DEPLOYMENT_FILE><CHECKPOINT_FILE/>
 *   <TM_COMMAND/><TM_COMMAND_ROLLBACK/><DISK_TARGET_PATH/><VM>..</VM><DATASTORE/>
 *   </VMM_DRIVER_ACTION_DATA>
 *
 * No declaration, no whitespace between elements, empty values as `<X/>`. oned puts the whole VM
 * document in `<VM>`; what a driver needs of it is ID, NAME and TEMPLATE (CPU, VCPU, MEMORY, the
 * DISKs and CONTEXT). We write those (the reference stack holds no more for its drivers) and read
 * them from either, so our drivers read oned's payloads and oned's dummy driver would read ours.
 *
 *   encodeVmmActionData(request, files?)   base64 of the document
 *   decodeVmmActionData(base64, action, id) -> VmmRequest; VmmActionDataError names what is wrong
 */
import type { DeploymentDisk, DeploymentVm, VmmAction, VmmRequest } from './driver.js';
import { getSingle, getVector, getVectors, templateFromElement, type Template } from './template.js';
import { cdata, escapeXml, templateXml } from './xml-text.js';
import { child, readXml, text, XmlDocumentError, type XmlElement } from './xml-reader.js';

export class VmmActionDataError extends Error {
  override readonly name = 'VmmActionDataError';
}

/** The file fields oned fills in for a DEPLOY (paths on the head node and the host). */
export interface VmmActionFiles {
  localDeploymentFile?: string;
  remoteDeploymentFile?: string;
  /** the TM command the VMM runs before the action (oned 7: the context disk's CONTEXT line) */
  tmCommand?: string;
  diskTargetPath?: string;
}

const CACHES: ReadonlySet<string> = new Set(['default', 'none', 'writethrough', 'writeback', 'unsafe']);

/** A context CD is a small ISO: its size as the farm models it (the VM document does not say). */
export const CONTEXT_DISK_MIB = 1;

function element(name: string, value: string | undefined, wrap: (v: string) => string = escapeXml): string {
  return value === undefined || value === '' ? `<${name}/>` : `<${name}>${wrap(value)}</${name}>`;
}

function vmTemplate(vm: DeploymentVm): Template {
  const template: Template = [
    { name: 'CPU', value: String(vm.cpu) },
    { name: 'VCPU', value: String(vm.vcpu) },
    { name: 'MEMORY', value: String(vm.memoryMiB) },
  ];
  for (const disk of vm.disks) {
    if (disk.type === 'context') {
      template.push({ name: 'CONTEXT', vector: { DISK_ID: String(disk.diskId) } });
      continue;
    }
    const vector: Record<string, string> = {
      DISK_ID: String(disk.diskId),
      TYPE: disk.type === 'file' ? 'FILE' : disk.type,
      FORMAT: disk.format,
      SIZE: String(disk.sizeMiB),
    };
    if (disk.source !== undefined) vector['SOURCE'] = disk.source;
    if (disk.cache !== 'default') vector['CACHE'] = disk.cache;
    template.push({ name: 'DISK', vector });
  }
  return template;
}

/** The document for `request`, as base64 on one line. */
export function encodeVmmActionData(request: VmmRequest, files: VmmActionFiles = {}): string {
  const { vm } = request;
  const xml =
    '<VMM_DRIVER_ACTION_DATA>' +
    element('HOST', request.host) +
    '<MIGR_HOST/>' +
    element('DEPLOY_ID', request.deployId) +
    element('LOCAL_DEPLOYMENT_FILE', files.localDeploymentFile) +
    element('REMOTE_DEPLOYMENT_FILE', files.remoteDeploymentFile) +
    '<CHECKPOINT_FILE/>' +
    element('TM_COMMAND', files.tmCommand, cdata) +
    '<TM_COMMAND_ROLLBACK/>' +
    element('DISK_TARGET_PATH', files.diskTargetPath) +
    `<VM><ID>${vm.id}</ID><NAME>${escapeXml(vm.name)}</NAME>${templateXml('TEMPLATE', vmTemplate(vm))}</VM>` +
    '<DATASTORE/>' +
    '</VMM_DRIVER_ACTION_DATA>';
  return Buffer.from(xml, 'utf8').toString('base64');
}

function number(template: Template, name: string, where: string): number {
  const raw = getSingle(template, name);
  const value = raw === undefined ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) throw new VmmActionDataError(`${where}: VM/TEMPLATE/${name} is ${raw === undefined ? 'missing' : `'${raw}', not a number`}.`);
  return value;
}

function disk(vector: Record<string, string>, where: string): DeploymentDisk {
  const diskId = Number(vector['DISK_ID']);
  if (!Number.isInteger(diskId)) throw new VmmActionDataError(`${where}: a DISK has no integer DISK_ID.`);
  const type = (vector['TYPE'] ?? 'FILE').toLowerCase();
  const cache = (vector['CACHE'] ?? 'default').toLowerCase();
  const size = Number(vector['SIZE'] ?? 0);
  const out: DeploymentDisk = {
    diskId,
    type: type === 'fs' ? 'fs' : type === 'swap' ? 'swap' : 'file',
    format: vector['FORMAT'] ?? vector['DRIVER'] ?? 'raw',
    sizeMiB: Number.isFinite(size) ? size : 0,
    cache: (CACHES.has(cache) ? cache : 'default') as DeploymentDisk['cache'],
  };
  const source = vector['SOURCE'];
  if (source !== undefined && source !== '') out.source = source;
  return out;
}

function required(root: XmlElement, name: string, where: string): XmlElement {
  const el = child(root, name);
  if (!el) throw new VmmActionDataError(`${where}: no ${name} element.`);
  return el;
}

/** Reads the payload of a VMM action `action` for object `id` (oned's or ours). */
export function decodeVmmActionData(payload: string, action: VmmAction, id: number): VmmRequest {
  const where = `${action} ${id}: VMM_DRIVER_ACTION_DATA`;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload) || payload === '') throw new VmmActionDataError(`${where} is not base64.`);
  let root: XmlElement;
  try {
    root = readXml(Buffer.from(payload, 'base64').toString('utf8'), 'VMM_DRIVER_ACTION_DATA');
  } catch (error) {
    throw new VmmActionDataError(`${where} is not XML: ${error instanceof XmlDocumentError ? error.message : String(error)}`);
  }
  if (root.name !== 'VMM_DRIVER_ACTION_DATA') throw new VmmActionDataError(`${where}: the root element is ${root.name}.`);
  const host = text(required(root, 'HOST', where));
  if (host === '') throw new VmmActionDataError(`${where}: HOST is empty.`);
  const vmEl = required(root, 'VM', where);
  const template = templateFromElement(required(vmEl, 'TEMPLATE', where));
  const disks = getVectors(template, 'DISK').map((d) => disk(d, where));
  const contextId = getVector(template, 'CONTEXT')?.['DISK_ID'];
  if (contextId !== undefined && Number.isInteger(Number(contextId))) {
    const cache = disks[0]?.cache ?? 'default';
    disks.push({ diskId: Number(contextId), type: 'context', format: 'raw', sizeMiB: CONTEXT_DISK_MIB, cache });
  }
  return {
    action,
    vmId: id,
    host,
    deployId: text(child(root, 'DEPLOY_ID') ?? { name: 'DEPLOY_ID', children: [] }),
    vm: {
      id,
      name: text(required(vmEl, 'NAME', where)),
      cpu: number(template, 'CPU', where),
      vcpu: getSingle(template, 'VCPU') === undefined ? 1 : number(template, 'VCPU', where),
      memoryMiB: number(template, 'MEMORY', where),
      disks,
    },
  };
}
