/**
 * The head node's objects as plain data: what oned keeps in its pools and renders into the VM and
 * HOST documents (vm.xsd, host.xsd). Times are epoch seconds (`time(0)`), 0 meaning "not yet", exactly
 * as the documents carry them.
 */
import type {
  HistoryRecord as DocumentHistoryRecord,
  OwnedObject,
  VmDocument,
  VmTemplateDocument,
} from '../opennebula/documents.js';

/** A disk of a VM, resolved against the image catalog at allocate time. */
export interface VmDisk {
  diskId: number;
  /** `image`: a clone of a catalog image; `fs`/`swap`: a volatile disk made on the host */
  kind: 'image' | 'fs' | 'swap';
  sizeMiB: number;
  format: string;
  /** for image disks */
  imageId?: number;
  imageName?: string;
  datastoreId?: number;
  /** the image's SOURCE in its datastore */
  source?: string;
  /** TM driver of the datastore the disk lives in */
  tmMad: string;
  /** a persistent image is linked (LN), not cloned, and moved back at the end (MVDS) */
  persistent: boolean;
}

/**
 * A HISTORY record as the stack keeps it: the document's fields but those the documents fill in
 * themselves (the VM id, and what 7.x's scheduler plans and request log add).
 */
export type HistoryRecord = Omit<DocumentHistoryRecord, 'oid' | 'planId' | 'actionId' | 'uid' | 'gid' | 'requestId'>;

/**
 * A VM as the stack keeps it: the document's identity, states, times and templates (TEMPLATE is
 * what oned manages, CPU, MEMORY, DISK, CONTEXT as it completed them; USER_TEMPLATE holds
 * SCHED_MESSAGE, ERROR and whatever oned did not claim), plus what the deploy path reads often.
 */
export interface VmRecord
  extends Pick<
    VmDocument,
    | keyof OwnedObject
    | 'state'
    | 'lcmState'
    | 'prevState'
    | 'prevLcmState'
    | 'stime'
    | 'etime'
    | 'deployId'
    | 'template'
    | 'userTemplate'
  > {
  /** capacity the VM reserves on its host: CPU in cores (the template's CPU), MEMORY in MiB */
  cpu: number;
  vcpu: number;
  memoryMiB: number;
  disks: VmDisk[];
  /** CONTEXT as the VM shows it (with DISK_ID and TARGET), when the template has one */
  context?: Record<string, string>;
  history: HistoryRecord[];
}

/** What the last successful IM MONITOR said (units as the probes print them). */
export interface HostMonitor {
  hypervisor: string;
  /** percent of a core: 800 = 8 cores */
  totalCpu: number;
  usedCpu: number;
  freeCpu: number;
  totalMemKiB: number;
  usedMemKiB: number;
  freeMemKiB: number;
  /** every KEY=VALUE the probe printed, for the host's TEMPLATE */
  attributes: Readonly<Record<string, string>>;
}

export interface HostRecord {
  id: number;
  name: string;
  imMad: string;
  vmmMad: string;
  clusterId: number;
  cluster: string;
  state: number;
  prevState: number;
  /** epoch seconds of the last monitor answer; 0 = never */
  lastMonTime: number;
  monitor?: HostMonitor;
  /** what deployed VMs reserve (oned's add_capacity): CPU in percent of a core, memory in KiB */
  cpuUsage: number;
  memUsageKiB: number;
  vmIds: Set<number>;
  /** counts every change of vmIds (HostPool's add/delCapacity), so a rendered VMS list knows it is current */
  vmsVersion: number;
  /** the IM's failure message while the host is in ERROR */
  error?: string;
}

/** A VM template as the stack keeps it: the document's, less what the documents fill in. */
export type VmTemplateRecord = Pick<VmTemplateDocument, keyof OwnedObject | 'regtime' | 'template'>;

/** The built-in image catalog: images a template's DISK can name by IMAGE_ID or IMAGE. */
export interface ImageRecord {
  id: number;
  name: string;
  datastoreId: number;
  datastore: string;
  /** TM_MAD of the image datastore */
  tmMad: string;
  source: string;
  format: string;
  sizeMiB: number;
  persistent: boolean;
}

/** ctime(3) without the newline, in UTC: "Wed Nov 25 13:26:22 2026", as oned stamps messages. */
export function ctime(epochMs: number): string {
  const d = new Date(epochMs);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]!;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]!;
  const two = (n: number): string => String(n).padStart(2, '0');
  const date = String(d.getUTCDate()).padStart(2, ' ');
  return `${day} ${month} ${date} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export function epochSeconds(epochMs: number): number {
  return Math.floor(epochMs / 1000);
}
