/**
 * Host documents on the wire, written as oned 7.4 writes them (Host::to_xml, HostShare,
 * HostMonitoringTemplate; checked against test-support/samples/host-info.xml and
 * opennebula/xsd/host.xsd, host_pool.xsd).
 *
 *   renderHost(host)          one.host.info
 *   renderHostPool(hosts)     one.hostpool.info, hosts in the order given (oned: by ID)
 */
import type { HostDocument, HostMonitoring, HostShare } from './documents.js';
import { cdata, escapeXml, idsXml, poolXml, templateXml } from './xml-text.js';

function shareXml(s: HostShare): string {
  let numa = '<NUMA_NODES>';
  for (const node of s.numaNodes) numa += templateXml('NODE', node);
  numa += '</NUMA_NODES>';
  return (
    `<HOST_SHARE><MEM_USAGE>${s.memUsage}</MEM_USAGE><CPU_USAGE>${s.cpuUsage}</CPU_USAGE>` +
    `<TOTAL_MEM>${s.totalMem}</TOTAL_MEM><TOTAL_CPU>${s.totalCpu}</TOTAL_CPU>` +
    `<MAX_MEM>${s.maxMem}</MAX_MEM><MAX_CPU>${s.maxCpu}</MAX_CPU>` +
    `<RUNNING_VMS>${s.runningVms}</RUNNING_VMS><VMS_THREAD>${s.vmsThread}</VMS_THREAD>` +
    `${templateXml('DATASTORES', s.datastores)}${templateXml('PCI_DEVICES', s.pciDevices)}${numa}</HOST_SHARE>`
  );
}

function monitoringXml(m: HostMonitoring | undefined): string {
  if (m === undefined) return '<MONITORING/>';
  let out =
    `<MONITORING><TIMESTAMP>${m.timestamp}</TIMESTAMP><ID>${m.id}</ID>` +
    `${templateXml('CAPACITY', m.capacity)}${templateXml('SYSTEM', m.system)}`;
  for (const node of m.numaNodes) out += templateXml('NUMA_NODE', node);
  return `${out}</MONITORING>`;
}

export function renderHost(host: HostDocument): string {
  return (
    `<HOST><ID>${host.id}</ID><NAME>${escapeXml(host.name)}</NAME>` +
    `<STATE>${host.state}</STATE><PREV_STATE>${host.prevState}</PREV_STATE>` +
    `<IM_MAD>${cdata(host.imMad)}</IM_MAD><VM_MAD>${cdata(host.vmMad)}</VM_MAD>` +
    `<CLUSTER_ID>${host.clusterId}</CLUSTER_ID><CLUSTER>${escapeXml(host.cluster)}</CLUSTER>` +
    `${shareXml(host.share)}${idsXml('VMS', host.vms)}${templateXml('TEMPLATE', host.template)}` +
    `${monitoringXml(host.monitoring)}</HOST>`
  );
}

export function renderHostPool(hosts: Iterable<HostDocument>): string {
  return poolXml('HOST_POOL', hosts, renderHost);
}
