/**
 * VM documents on the wire, written as oned 7.4 writes them (VirtualMachine::to_xml_extended and
 * to_xml_short, History::to_xml and to_xml_short; checked against real responses in
 * test-support/samples/ and against opennebula/xsd/vm.xsd, vm_pool.xsd, vm_pool_extended.xsd).
 *
 *   renderVm(vm)                    one.vm.info: the full body with every history record
 *   renderVmPool(vms, 'short')      one.vmpool.info: the short body (ID ... DEPLOY_ID, a TEMPLATE
 *                                   with CPU, MEMORY, VCPU and short DISK/NIC/GRAPHICS, short
 *                                   MONITORING and USER_TEMPLATE, the last history record
 *                                   without its times)
 *   renderVmPool(vms, 'extended')   one.vmpool.infoextended: full bodies, last history record only
 *
 *   parseVm(xml)                    a one.vm.info answer (or any <VM> body) into a VmDocument
 *   parseVmPool(xml)                a one.vmpool.info / infoextended answer, short or full bodies
 *   vmFromElement(el)               the same from an already parsed <VM> element
 *
 * Pools are written in the order given: oned 7 lists newest first (API_LIST_ORDER DESC), 4.4
 * oldest first; that is the caller's choice. Strings are built directly (no DOM): a pool of
 * 100,000 VMs is one pass. Parsing a short body leaves what it lacks (PERMISSIONS, PREV_*,
 * history times, BACKUPS) at the defaults of vmDocument/historyRecord, PREV_* = current as oned.
 */
import type { HistoryRecord, VmDocument } from './documents.js';
import { idsFromElement, idsXml, lockFromElement, lockXml, permissionsFromElement, permissionsXml } from './pool-object-xml.js';
import { getSingle, getVectors, isVector, templateFromElement, type Template } from './template.js';
import { child, children, intOf, readXml, textOf, XmlDocumentError, type XmlElement } from './xml-reader.js';
import { cdata, escapeXml, poolXml, templateBodyXml, templateXml } from './xml-text.js';

export type VmPoolBody = 'short' | 'extended';

function historyXml(h: HistoryRecord): string {
  return (
    `<HISTORY><OID>${h.oid}</OID><SEQ>${h.seq}</SEQ><HOSTNAME>${escapeXml(h.hostname)}</HOSTNAME>` +
    `<HID>${h.hid}</HID><CID>${h.cid}</CID><STIME>${h.stime}</STIME><ETIME>${h.etime}</ETIME>` +
    `<VM_MAD>${cdata(h.vmMad)}</VM_MAD><TM_MAD>${cdata(h.tmMad)}</TM_MAD><DS_ID>${h.dsId}</DS_ID>` +
    `<PLAN_ID>${h.planId}</PLAN_ID><ACTION_ID>${h.actionId}</ACTION_ID>` +
    `<PSTIME>${h.pstime}</PSTIME><PETIME>${h.petime}</PETIME><RSTIME>${h.rstime}</RSTIME>` +
    `<RETIME>${h.retime}</RETIME><ESTIME>${h.estime}</ESTIME><EETIME>${h.eetime}</EETIME>` +
    `<ACTION>${h.action}</ACTION><UID>${h.uid}</UID><GID>${h.gid}</GID>` +
    `<REQUEST_ID>${escapeXml(h.requestId)}</REQUEST_ID></HISTORY>`
  );
}

function historyRecordsXml(records: readonly HistoryRecord[]): string {
  if (records.length === 0) return '<HISTORY_RECORDS/>';
  let out = '<HISTORY_RECORDS>';
  for (const record of records) out += historyXml(record);
  return `${out}</HISTORY_RECORDS>`;
}

function vmBodyXml(vm: VmDocument, history: readonly HistoryRecord[]): string {
  const backupConfig = vm.backups.config.length === 0 ? '<BACKUP_CONFIG/>' : templateXml('BACKUP_CONFIG', vm.backups.config);
  return (
    `<VM><ID>${vm.id}</ID><UID>${vm.uid}</UID><GID>${vm.gid}</GID>` +
    `<UNAME>${escapeXml(vm.uname)}</UNAME><GNAME>${escapeXml(vm.gname)}</GNAME><NAME>${escapeXml(vm.name)}</NAME>` +
    `${permissionsXml(vm.permissions)}<LAST_POLL>${vm.lastPoll}</LAST_POLL>` +
    `<STATE>${vm.state}</STATE><LCM_STATE>${vm.lcmState}</LCM_STATE>` +
    `<PREV_STATE>${vm.prevState}</PREV_STATE><PREV_LCM_STATE>${vm.prevLcmState}</PREV_LCM_STATE>` +
    `<RESCHED>${vm.resched}</RESCHED><STIME>${vm.stime}</STIME><ETIME>${vm.etime}</ETIME>` +
    `<DEPLOY_ID>${escapeXml(vm.deployId)}</DEPLOY_ID>${lockXml(vm.lock)}` +
    `${templateXml('MONITORING', vm.monitoring)}${idsXml('SCHED_ACTIONS', vm.schedActionIds)}` +
    `${templateXml('TEMPLATE', vm.template)}${templateXml('USER_TEMPLATE', vm.userTemplate)}` +
    `${historyRecordsXml(history)}<BACKUPS>${backupConfig}${idsXml('BACKUP_IDS', vm.backups.ids)}</BACKUPS></VM>`
  );
}

/** one.vm.info: the full document with every history record. */
export function renderVm(vm: VmDocument): string {
  return vmBodyXml(vm, vm.history);
}

// ------------------------------------------------------------------------------ short body

const shortDiskFields = [
  'DISK_ID',
  'DATASTORE',
  'DATASTORE_ID',
  'IMAGE',
  'IMAGE_ID',
  'SIZE',
  'TYPE',
  'CLONE',
  'CLONE_TARGET',
  'LN_TARGET',
  'DISK_SNAPSHOT_TOTAL_SIZE',
] as const;
const shortNicOptionalFields = [
  'IP',
  'EXTERNAL_IP',
  'IP6',
  'IP6_ULA',
  'IP6_LINK',
  'IP6_GLOBAL',
  'NETWORK_MODE',
  'SCHED_REQUIREMENTS',
  'SCHED_RANK',
] as const;
const shortNicFields = ['MAC', 'NETWORK', 'NETWORK_ID', 'NIC_ID', 'SECURITY_GROUPS'] as const;
const shortUserSingles = ['SCHED_RANK', 'SCHED_DS_RANK', 'SCHED_REQUIREMENTS', 'SCHED_DS_REQUIREMENTS', 'USER_PRIORITY'] as const;

function element(name: string, value: string): string {
  return `<${name}>${cdata(value)}</${name}>`;
}

/** The TEMPLATE of a short body: CPU, MEMORY, VCPU and the short DISK, NIC and GRAPHICS. */
export function shortTemplateXml(template: Template): string {
  let out = `<TEMPLATE><CPU>${escapeXml(getSingle(template, 'CPU') ?? '')}</CPU><MEMORY>${escapeXml(getSingle(template, 'MEMORY') ?? '')}</MEMORY>`;
  const vcpu = getSingle(template, 'VCPU');
  if (vcpu !== undefined) out += `<VCPU>${escapeXml(vcpu)}</VCPU>`;
  for (const disk of getVectors(template, 'DISK')) {
    out += '<DISK>';
    for (const field of shortDiskFields) out += element(field, disk[field] ?? '');
    out += '</DISK>';
  }
  for (const nic of getVectors(template, 'NIC')) {
    out += '<NIC>';
    for (const field of shortNicOptionalFields) {
      const value = nic[field];
      if (value !== undefined && value !== '') out += element(field, value);
    }
    for (const field of shortNicFields) out += element(field, nic[field] ?? '');
    out += '</NIC>';
  }
  const graphics = template.find((a) => a.name === 'GRAPHICS' && isVector(a));
  if (graphics !== undefined) out += templateBodyXml([graphics]);
  return `${out}</TEMPLATE>`;
}

function shortMonitoringXml(monitoring: Template): string {
  if (monitoring.length === 0) return '<MONITORING/>';
  return (
    `<MONITORING>${element('CPU', getSingle(monitoring, 'CPU') ?? '')}` +
    `${element('MEMORY', getSingle(monitoring, 'MEMORY') ?? '')}${element('STATE', getSingle(monitoring, 'STATE') ?? '')}</MONITORING>`
  );
}

/** What the scheduler and Sunstone need of the user template (VirtualMachineTemplate::to_xml_short). */
function shortUserTemplateXml(userTemplate: Template): string {
  if (userTemplate.length === 0) return '<USER_TEMPLATE/>';
  let out = '<USER_TEMPLATE>';
  for (const name of ['LABELS', 'ERROR', 'SCHED_MESSAGE']) {
    const value = getSingle(userTemplate, name);
    if (value !== undefined && value !== '') out += element(name, value);
  }
  for (const name of shortUserSingles) {
    const value = getSingle(userTemplate, name);
    if (value !== undefined) out += element(name, value);
  }
  out += templateBodyXml(userTemplate.filter((a) => a.name === 'PUBLIC_CLOUD' && isVector(a)));
  out += templateBodyXml(userTemplate.filter((a) => a.name === 'SCHED_ACTION' && isVector(a)));
  return `${out}</USER_TEMPLATE>`;
}

/** A history record as a short body shows it; OID is the VM's id when the record does not say. */
export type ShortHistory = Pick<HistoryRecord, 'seq' | 'hostname' | 'hid' | 'cid' | 'dsId' | 'vmMad' | 'tmMad' | 'action'> &
  Partial<Pick<HistoryRecord, 'oid'>>;

/**
 * What a short body shows of a VM: a VmDocument has it all; a record that keeps only what it
 * changes (LAST_POLL, RESCHED, MONITORING at their defaults, no LOCK) has enough.
 */
export type ShortVm = Pick<
  VmDocument,
  'id' | 'uid' | 'gid' | 'uname' | 'gname' | 'name' | 'state' | 'lcmState' | 'stime' | 'etime' | 'deployId' | 'template' | 'userTemplate'
> &
  Partial<Pick<VmDocument, 'lastPoll' | 'resched' | 'lock' | 'monitoring'>>;

function shortHistoryXml(h: ShortHistory, oid: number): string {
  return (
    `<HISTORY><OID>${oid}</OID><SEQ>${h.seq}</SEQ><HOSTNAME>${cdata(h.hostname)}</HOSTNAME>` +
    `<HID>${h.hid}</HID><CID>${h.cid}</CID><DS_ID>${h.dsId}</DS_ID>` +
    `<VM_MAD>${cdata(h.vmMad)}</VM_MAD><TM_MAD>${cdata(h.tmMad)}</TM_MAD><ACTION>${cdata(String(h.action))}</ACTION></HISTORY>`
  );
}

/**
 * One VM's short body (one.vmpool.info), `last` its last history record; `templateXml` is
 * shortTemplateXml(vm.template), for a caller that already has it. The body is the four parts
 * below, in order: a cache may keep them apart, the TEMPLATE shared by the VMs of one template.
 */
export function shortBodyXml(vm: ShortVm, last: ShortHistory | undefined, templateXml = shortTemplateXml(vm.template)): string {
  return shortHeadXml(vm) + templateXml + shortMiddleXml(vm) + shortHistoryTailXml(vm, last);
}

/** A short body up to its TEMPLATE: `<VM><ID>...</DEPLOY_ID>` and LOCK when there is one. */
export function shortHeadXml(vm: ShortVm): string {
  return (
    `<VM><ID>${vm.id}</ID><UID>${vm.uid}</UID><GID>${vm.gid}</GID>` +
    `<UNAME>${escapeXml(vm.uname)}</UNAME><GNAME>${escapeXml(vm.gname)}</GNAME><NAME>${escapeXml(vm.name)}</NAME>` +
    `<LAST_POLL>${vm.lastPoll ?? 0}</LAST_POLL><STATE>${vm.state}</STATE><LCM_STATE>${vm.lcmState}</LCM_STATE>` +
    `<RESCHED>${vm.resched ?? 0}</RESCHED><STIME>${vm.stime}</STIME><ETIME>${vm.etime}</ETIME>` +
    `<DEPLOY_ID>${escapeXml(vm.deployId)}</DEPLOY_ID>` +
    (vm.lock === undefined ? '' : `<LOCK><LOCKED>${vm.lock.locked}</LOCKED></LOCK>`)
  );
}

/** MONITORING and USER_TEMPLATE of a short body: one shared text for a VM with neither. */
export function shortMiddleXml(vm: Pick<ShortVm, 'monitoring' | 'userTemplate'>): string {
  const monitoring = vm.monitoring ?? [];
  if (monitoring.length === 0 && vm.userTemplate.length === 0) return '<MONITORING/><USER_TEMPLATE/>';
  return shortMonitoringXml(monitoring) + shortUserTemplateXml(vm.userTemplate);
}

/** HISTORY_RECORDS of a short body, and the body's end. */
export function shortHistoryTailXml(vm: Pick<ShortVm, 'id'>, last: ShortHistory | undefined): string {
  return last === undefined ? '<HISTORY_RECORDS/></VM>' : `<HISTORY_RECORDS>${shortHistoryXml(last, last.oid ?? vm.id)}</HISTORY_RECORDS></VM>`;
}

function vmShortXml(vm: VmDocument): string {
  return shortBodyXml(vm, vm.history.at(-1));
}

/** one.vmpool.info ('short') or one.vmpool.infoextended ('extended'), VMs in the order given. */
export function renderVmPool(vms: Iterable<VmDocument>, body: VmPoolBody): string {
  if (body === 'short') return poolXml('VM_POOL', vms, vmShortXml);
  return poolXml('VM_POOL', vms, (vm) => {
    const last = vm.history.at(-1);
    return vmBodyXml(vm, last === undefined ? [] : [last]);
  });
}

// ------------------------------------------------------------------------------ parsing

function historyFromElement(el: XmlElement, what: string): HistoryRecord {
  const int = (name: string, fallback: number) => intOf(el, name, fallback, what);
  return {
    oid: int('OID', 0),
    seq: int('SEQ', 0),
    hostname: textOf(el, 'HOSTNAME', ''),
    hid: int('HID', -1),
    cid: int('CID', -1),
    stime: int('STIME', 0),
    etime: int('ETIME', 0),
    vmMad: textOf(el, 'VM_MAD', ''),
    tmMad: textOf(el, 'TM_MAD', ''),
    dsId: int('DS_ID', -1),
    planId: int('PLAN_ID', -1),
    actionId: int('ACTION_ID', 0),
    pstime: int('PSTIME', 0),
    petime: int('PETIME', 0),
    rstime: int('RSTIME', 0),
    retime: int('RETIME', 0),
    estime: int('ESTIME', 0),
    eetime: int('EETIME', 0),
    action: int('ACTION', 0),
    uid: int('UID', -1),
    gid: int('GID', -1),
    requestId: textOf(el, 'REQUEST_ID', '-1'),
  };
}

function templateOf(el: XmlElement, name: string): Template {
  const c = child(el, name);
  return c === undefined ? [] : templateFromElement(c);
}

/** A <VM> element, full or short body, as a VmDocument. */
export function vmFromElement(el: XmlElement): VmDocument {
  if (el.name !== 'VM') throw new XmlDocumentError(`Expected a <VM> element but found <${el.name}>.`);
  const id = intOf(el, 'ID', Number.NaN, 'A VM');
  if (Number.isNaN(id)) throw new XmlDocumentError('A <VM> element has no <ID>.');
  const what = `VM ${id}`;
  const int = (name: string, fallback: number) => intOf(el, name, fallback, what);
  const state = int('STATE', 0);
  const lcmState = int('LCM_STATE', 0);
  const backups = child(el, 'BACKUPS');
  const records = child(el, 'HISTORY_RECORDS');
  const lock = lockFromElement(child(el, 'LOCK'), what);
  return {
    id,
    uid: int('UID', 0),
    gid: int('GID', 0),
    uname: textOf(el, 'UNAME', ''),
    gname: textOf(el, 'GNAME', ''),
    name: textOf(el, 'NAME', ''),
    permissions: permissionsFromElement(child(el, 'PERMISSIONS'), what),
    lastPoll: int('LAST_POLL', 0),
    state,
    lcmState,
    prevState: int('PREV_STATE', state),
    prevLcmState: int('PREV_LCM_STATE', lcmState),
    resched: int('RESCHED', 0),
    stime: int('STIME', 0),
    etime: int('ETIME', 0),
    deployId: textOf(el, 'DEPLOY_ID', ''),
    ...(lock === undefined ? {} : { lock }),
    monitoring: templateOf(el, 'MONITORING'),
    schedActionIds: idsFromElement(child(el, 'SCHED_ACTIONS'), what),
    template: templateOf(el, 'TEMPLATE'),
    userTemplate: templateOf(el, 'USER_TEMPLATE'),
    history: records === undefined ? [] : children(records, 'HISTORY').map((h) => historyFromElement(h, what)),
    backups: {
      config: backups === undefined ? [] : templateOf(backups, 'BACKUP_CONFIG'),
      ids: idsFromElement(backups === undefined ? undefined : child(backups, 'BACKUP_IDS'), what),
    },
  };
}

/** Reads a one.vm.info answer (a <VM> document). */
export function parseVm(xml: string): VmDocument {
  return vmFromElement(readXml(xml, 'The VM document'));
}

/** Reads a one.vmpool.info or one.vmpool.infoextended answer, VMs in document order. */
export function parseVmPool(xml: string): VmDocument[] {
  const root = readXml(xml, 'The VM pool document');
  if (root.name !== 'VM_POOL') throw new XmlDocumentError(`The VM pool document has <${root.name}> at its root instead of <VM_POOL>.`);
  return children(root, 'VM').map(vmFromElement);
}
