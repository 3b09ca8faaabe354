/**
 * The stack's records as the API's documents (opennebula/documents.ts), which the renderers in
 * opennebula/ write as oned does. Only the mapping lives here: what a field means is decided by
 * the records and by the documents' types.
 */
import {
  historyRecord,
  hostDocument,
  vmDocument,
  vmTemplateDocument,
  type HostDocument,
  type HostMonitoring,
  type VmDocument,
  type VmTemplateDocument,
} from '../opennebula/documents.js';
import type { HostHead } from '../opennebula/host-xml.js';
import { normalizeAttributeName, setSingle, type Template } from '../opennebula/template.js';
import type { HostRecord, VmRecord, VmTemplateRecord } from './records.js';

export function toVmDocument(vm: VmRecord): VmDocument {
  return vmDocument({
    id: vm.id,
    uid: vm.uid,
    gid: vm.gid,
    uname: vm.uname,
    gname: vm.gname,
    name: vm.name,
    state: vm.state,
    lcmState: vm.lcmState,
    prevState: vm.prevState,
    prevLcmState: vm.prevLcmState,
    stime: vm.stime,
    etime: vm.etime,
    deployId: vm.deployId,
    template: vm.template,
    userTemplate: vm.userTemplate,
    history: vm.history.map((h) =>
      historyRecord({
        oid: vm.id,
        seq: h.seq,
        hostname: h.hostname,
        hid: h.hid,
        cid: h.cid,
        stime: h.stime,
        etime: h.etime,
        vmMad: h.vmMad,
        tmMad: h.tmMad,
        dsId: h.dsId,
        pstime: h.pstime,
        petime: h.petime,
        rstime: h.rstime,
        retime: h.retime,
        estime: h.estime,
        eetime: h.eetime,
        action: h.action,
      }),
    ),
  });
}

/**
 * HOST_SHARE as oned keeps it: TOTAL_* and MAX_* from the last monitor (no RESERVED_CPU/MEM
 * here, so MAX = TOTAL), *_USAGE what the VMs placed on the host reserve.
 */
const DYNAMIC: ReadonlySet<string> = new Set(['USEDCPU', 'FREECPU', 'USEDMEMORY', 'FREEMEMORY', 'NETRX', 'NETTX']);

export function toHostDocument(host: HostRecord): HostDocument {
  const monitoring = toHostMonitoring(host);
  return { ...toHostHead(host), template: toHostTemplate(host), ...(monitoring ? { monitoring } : {}) };
}

/** A host's document before its TEMPLATE: its fields, HOST_SHARE and VMs. */
export function toHostHead(host: HostRecord): HostHead {
  const { template: _, ...base } = hostDocument({ id: host.id, name: host.name });
  const m = host.monitor;
  return {
    ...base,
    state: host.state,
    prevState: host.prevState,
    imMad: host.imMad,
    vmMad: host.vmmMad,
    clusterId: host.clusterId,
    cluster: host.cluster,
    share: {
      ...base.share,
      memUsage: host.memUsageKiB,
      cpuUsage: host.cpuUsage,
      totalMem: m?.totalMemKiB ?? 0,
      totalCpu: m?.totalCpu ?? 0,
      maxMem: m?.totalMemKiB ?? 0,
      maxCpu: m?.totalCpu ?? 0,
      runningVms: host.vmIds.size,
      vmsThread: 1,
    },
    vms: [...host.vmIds].sort((a, b) => a - b),
  };
}

/** A host's TEMPLATE: 7.x keeps the probes' static facts there and the changing USED/FREE figures in MONITORING. */
export function toHostTemplate(host: HostRecord): Template {
  const m = host.monitor;
  let template: Template = [];
  if (m) {
    for (const [key, value] of Object.entries(m.attributes)) {
      if (!DYNAMIC.has(key)) template.push({ name: normalizeAttributeName(key), value });
    }
  }
  template = setSingle(template, 'RESERVED_CPU', '');
  template = setSingle(template, 'RESERVED_MEM', '');
  template = setSingle(template, 'IM_MAD', host.imMad);
  template = setSingle(template, 'VM_MAD', host.vmmMad);
  if (host.error !== undefined) template = setSingle(template, 'ERROR', host.error);
  return template;
}

/** A host's MONITORING, from its last monitor; none before the first. */
export function toHostMonitoring(host: HostRecord): HostMonitoring | undefined {
  const m = host.monitor;
  if (!m) return undefined;
  return {
    timestamp: host.lastMonTime,
    id: host.id,
    capacity: [
      { name: 'FREE_CPU', value: String(m.freeCpu) },
      { name: 'FREE_MEMORY', value: String(m.freeMemKiB) },
      { name: 'USED_CPU', value: String(m.usedCpu) },
      { name: 'USED_MEMORY', value: String(m.usedMemKiB) },
    ],
    system: [],
    numaNodes: [],
  };
}

export function toVmTemplateDocument(t: VmTemplateRecord): VmTemplateDocument {
  return vmTemplateDocument({
    id: t.id,
    uid: t.uid,
    gid: t.gid,
    uname: t.uname,
    gname: t.gname,
    name: t.name,
    regtime: t.regtime,
    template: t.template,
  });
}
