/**
 * The documents of OpenNebula's API as plain data: the VM with its history records, the host,
 * the VM template. Fields follow the element names and order of OpenNebula 7.4's XSDs
 * (opennebula/xsd/vm.xsd, host.xsd, vmtemplate.xsd) and of real oned 7 responses; the
 * renderers in vm-xml.ts, host-xml.ts and vmtemplate-xml.ts write them as oned does, and their
 * parsers read real responses back into these types.
 *
 * Units, as oned: every *TIME and LAST_POLL is epoch SECONDS (0 = not set); template MEMORY is
 * MiB and CPU a share of one physical CPU; HOST_SHARE memory is KiB and CPU is percent of a
 * core (8 cores = 800).
 *
 * Exports:
 *   types Permissions, Lock, HistoryRecord, VmDocument, VmBackups, HostDocument, HostShare,
 *         HostMonitoring, VmTemplateDocument
 *   vmDocument(init), historyRecord(init), hostDocument(init), vmTemplateDocument(init):
 *         a complete document from the fields that matter, the rest at oned's defaults
 *   OWNER_USE_MANAGE   the permissions oned gives a new object under the default umask (110 000 000)
 *   HistoryAction      the numbers of a history record's ACTION (vm.xsd), e.g. TERMINATE 27
 */
import { LcmState, VmState } from './states.js';
import type { Template } from './template.js';

export interface PermissionBits {
  use: 0 | 1;
  manage: 0 | 1;
  admin: 0 | 1;
}

export interface Permissions {
  owner: PermissionBits;
  group: PermissionBits;
  other: PermissionBits;
}

export const OWNER_USE_MANAGE: Permissions = Object.freeze({
  owner: Object.freeze({ use: 1, manage: 1, admin: 0 }),
  group: Object.freeze({ use: 0, manage: 0, admin: 0 }),
  other: Object.freeze({ use: 0, manage: 0, admin: 0 }),
});

/** LOCK: present only while the object is locked. */
export interface Lock {
  locked: number;
  owner?: number;
  time?: number;
  reqId?: number;
}

/** A history record's ACTION: the action that closed the record (or opened it), as vm.xsd numbers them. */
export const HistoryAction = {
  NONE: 0,
  MIGRATE: 1,
  LIVE_MIGRATE: 2,
  SHUTDOWN: 3,
  SHUTDOWN_HARD: 4,
  UNDEPLOY: 5,
  UNDEPLOY_HARD: 6,
  HOLD: 7,
  RELEASE: 8,
  STOP: 9,
  SUSPEND: 10,
  RESUME: 11,
  BOOT: 12,
  DELETE: 13,
  DELETE_RECREATE: 14,
  REBOOT: 15,
  REBOOT_HARD: 16,
  RESCHED: 17,
  UNRESCHED: 18,
  POWEROFF: 19,
  POWEROFF_HARD: 20,
  DISK_ATTACH: 21,
  DISK_DETACH: 22,
  NIC_ATTACH: 23,
  NIC_DETACH: 24,
  DISK_SNAPSHOT_CREATE: 25,
  DISK_SNAPSHOT_DELETE: 26,
  TERMINATE: 27,
  TERMINATE_HARD: 28,
  DISK_RESIZE: 29,
  DEPLOY: 30,
  CHOWN: 31,
  CHMOD: 32,
  UPDATECONF: 33,
  RENAME: 34,
  RESIZE: 35,
  UPDATE: 36,
  SNAPSHOT_CREATE: 37,
  SNAPSHOT_DELETE: 38,
  SNAPSHOT_REVERT: 39,
  DISK_SAVEAS: 40,
  DISK_SNAPSHOT_REVERT: 41,
  RECOVER: 42,
  RETRY: 43,
  MONITOR: 44,
  DISK_SNAPSHOT_RENAME: 45,
  ALIAS_ATTACH: 46,
  ALIAS_DETACH: 47,
} as const;
export type HistoryAction = (typeof HistoryAction)[keyof typeof HistoryAction];

/** One HISTORY record (7.4 `History::to_xml`): one per deploy or migration, SEQ from 0. */
export interface HistoryRecord {
  oid: number;
  seq: number;
  hostname: string;
  hid: number;
  cid: number;
  /** start of this record: when the deploy was processed (same instant as PSTIME on a first deploy) */
  stime: number;
  etime: number;
  vmMad: string;
  tmMad: string;
  dsId: number;
  /** 7.x scheduler plan and action that created the record; -1 and 0 when none */
  planId: number;
  actionId: number;
  /** PROLOG start and end */
  pstime: number;
  petime: number;
  /** stamped when the prolog ENDS (BOOT starts); no field marks BOOT -> RUNNING */
  rstime: number;
  retime: number;
  /** EPILOG start and end */
  estime: number;
  eetime: number;
  /** the HistoryAction that closed the record, or opened it (0 NONE, 27 TERMINATE, ...) */
  action: number;
  uid: number;
  gid: number;
  requestId: string;
}

export interface VmBackups {
  /** BACKUP_CONFIG's attributes (empty for a VM never backed up) */
  config: Template;
  ids: number[];
}

/** What every owned pool object starts with: its id, owner, group and name (PoolObjectSQL). */
export interface OwnedObject {
  id: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  name: string;
}

export interface VmDocument extends OwnedObject {
  permissions: Permissions;
  /** timestamp of the last monitoring record, epoch seconds; 0 before any */
  lastPoll: number;
  state: number;
  lcmState: number;
  prevState: number;
  prevLcmState: number;
  resched: number;
  /** when the VM was allocated */
  stime: number;
  /** when the VM reached DONE; 0 until then */
  etime: number;
  deployId: string;
  lock?: Lock;
  /** the last monitoring record (CPU, MEMORY, NETRX, ..., ID, TIMESTAMP); empty before any */
  monitoring: Template;
  schedActionIds: number[];
  template: Template;
  userTemplate: Template;
  /** all records, oldest first; one.vm.info shows all, pool listings the last one */
  history: HistoryRecord[];
  backups: VmBackups;
}

export interface HostShare {
  /** KiB of memory the VMs on the host asked for */
  memUsage: number;
  /** percent of a core the VMs on the host asked for (CPU 0.5 = 50) */
  cpuUsage: number;
  totalMem: number;
  totalCpu: number;
  maxMem: number;
  maxCpu: number;
  runningVms: number;
  vmsThread: number;
  /** DISK_USAGE, DS vectors, FREE_DISK, MAX_DISK, USED_DISK */
  datastores: Template;
  /** PCI vectors */
  pciDevices: Template;
  /** one template per NODE: CORE, HUGEPAGE and MEMORY vectors, NODE_ID */
  numaNodes: Template[];
}

/** Absent until the host has been monitored once (oned writes `<MONITORING/>`). */
export interface HostMonitoring {
  timestamp: number;
  id: number;
  /** FREE_CPU, FREE_MEMORY, USED_CPU, USED_MEMORY */
  capacity: Template;
  /** NETRX, NETTX, ... */
  system: Template;
  numaNodes: Template[];
}

export interface HostDocument {
  id: number;
  name: string;
  state: number;
  prevState: number;
  imMad: string;
  vmMad: string;
  clusterId: number;
  cluster: string;
  share: HostShare;
  /** IDs of the VMs placed on the host */
  vms: number[];
  template: Template;
  monitoring?: HostMonitoring;
}

export interface VmTemplateDocument extends OwnedObject {
  lock?: Lock;
  permissions: Permissions;
  /** registration time, epoch seconds */
  regtime: number;
  template: Template;
}

function copyPermissions(p: Permissions): Permissions {
  return { owner: { ...p.owner }, group: { ...p.group }, other: { ...p.other } };
}

/** A VM as one.vm.allocate leaves it (PENDING, no history) unless `init` says otherwise. */
export function vmDocument(init: Pick<VmDocument, 'id' | 'name'> & Partial<VmDocument>): VmDocument {
  const state = init.state ?? VmState.PENDING;
  const lcmState = init.lcmState ?? LcmState.LCM_INIT;
  return {
    uid: 0,
    gid: 0,
    uname: 'oneadmin',
    gname: 'oneadmin',
    permissions: copyPermissions(OWNER_USE_MANAGE),
    lastPoll: 0,
    prevState: state,
    prevLcmState: lcmState,
    resched: 0,
    stime: 0,
    etime: 0,
    deployId: '',
    monitoring: [],
    schedActionIds: [],
    template: [],
    userTemplate: [],
    history: [],
    backups: { config: [], ids: [] },
    ...init,
    state,
    lcmState,
  };
}

/** A history record as a deploy opens it; times 0 until set. */
export function historyRecord(
  init: Pick<HistoryRecord, 'oid' | 'seq' | 'hostname' | 'hid'> & Partial<HistoryRecord>,
): HistoryRecord {
  return {
    cid: 0,
    stime: 0,
    etime: 0,
    vmMad: 'dummy',
    tmMad: 'dummy',
    dsId: 0,
    planId: -1,
    actionId: 0,
    pstime: 0,
    petime: 0,
    rstime: 0,
    retime: 0,
    estime: 0,
    eetime: 0,
    action: 0,
    uid: -1,
    gid: -1,
    requestId: '-1',
    ...init,
  };
}

/** A host as one.host.allocate leaves it (INIT, not monitored, no capacity) unless `init` says otherwise. */
export function hostDocument(init: Pick<HostDocument, 'id' | 'name'> & Partial<HostDocument>): HostDocument {
  return {
    state: 0,
    prevState: 0,
    imMad: 'dummy',
    vmMad: 'dummy',
    clusterId: 0,
    cluster: 'default',
    share: {
      memUsage: 0,
      cpuUsage: 0,
      totalMem: 0,
      totalCpu: 0,
      maxMem: 0,
      maxCpu: 0,
      runningVms: 0,
      vmsThread: 0,
      datastores: [
        { name: 'DISK_USAGE', value: '0' },
        { name: 'FREE_DISK', value: '0' },
        { name: 'MAX_DISK', value: '0' },
        { name: 'USED_DISK', value: '0' },
      ],
      pciDevices: [],
      numaNodes: [],
    },
    vms: [],
    template: [],
    ...init,
  };
}

export function vmTemplateDocument(
  init: Pick<VmTemplateDocument, 'id' | 'name'> & Partial<VmTemplateDocument>,
): VmTemplateDocument {
  return {
    uid: 0,
    gid: 0,
    uname: 'oneadmin',
    gname: 'oneadmin',
    permissions: copyPermissions(OWNER_USE_MANAGE),
    regtime: 0,
    template: [],
    ...init,
  };
}
