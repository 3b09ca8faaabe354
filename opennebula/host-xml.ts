/**
 * Host documents on the wire, written as oned 7.4 writes them (Host::to_xml, HostShare,
 * HostMonitoringTemplate; checked against test-support/samples/host-info.xml and
 * opennebula/xsd/host.xsd, host_pool.xsd).
 *
 *   renderHost(host)          one.host.info
 *   renderHostPool(hosts)     one.hostpool.info, hosts in the order given (oned: by ID)
 *   parseHost(xml), parseHostPool(xml), hostFromElement(el)   real answers back into HostDocuments
 */
import type { HostDocument, HostMonitoring, HostShare } from './documents.js';
import { idsFromElement, idsXml } from './pool-object-xml.js';
import { templateFromElement, type Template } from './template.js';
import { child, children, intOf, readXml, textOf, XmlDocumentError, type XmlElement } from './xml-reader.js';
import { cdata, escapeXml, poolXml, templateXml } from './xml-text.js';

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

/** A host's MONITORING (7.x), `<MONITORING/>` for a host never monitored. */
export function hostMonitoringXml(m: HostMonitoring | undefined): string {
  if (m === undefined) return '<MONITORING/>';
  let out =
    `<MONITORING><TIMESTAMP>${m.timestamp}</TIMESTAMP><ID>${m.id}</ID>` +
    `${templateXml('CAPACITY', m.capacity)}${templateXml('SYSTEM', m.system)}`;
  for (const node of m.numaNodes) out += templateXml('NUMA_NODE', node);
  return `${out}</MONITORING>`;
}

/** What a host's document says before its TEMPLATE. */
export type HostHead = Omit<HostDocument, 'template' | 'monitoring'>;

/**
 * A host's document is these parts in order: hostHeadXml (`<HOST>` to VMS), its TEMPLATE
 * (templateXml), hostMonitoringXml, `</HOST>`; a cache may keep them apart.
 */
export function renderHost(host: HostDocument): string {
  return `${hostHeadXml(host)}${templateXml('TEMPLATE', host.template)}${hostMonitoringXml(host.monitoring)}</HOST>`;
}

/** `<HOST>` to VMS: the host's fields, HOST_SHARE and its VMs. */
export function hostHeadXml(host: HostHead): string {
  return (
    `<HOST><ID>${host.id}</ID><NAME>${escapeXml(host.name)}</NAME>` +
    `<STATE>${host.state}</STATE><PREV_STATE>${host.prevState}</PREV_STATE>` +
    `<IM_MAD>${cdata(host.imMad)}</IM_MAD><VM_MAD>${cdata(host.vmMad)}</VM_MAD>` +
    `<CLUSTER_ID>${host.clusterId}</CLUSTER_ID><CLUSTER>${escapeXml(host.cluster)}</CLUSTER>` +
    `${shareXml(host.share)}${idsXml('VMS', host.vms)}`
  );
}

export function renderHostPool(hosts: Iterable<HostDocument>): string {
  return poolXml('HOST_POOL', hosts, renderHost);
}

function templateOf(el: XmlElement | undefined, name: string): Template {
  const c = el === undefined ? undefined : child(el, name);
  return c === undefined ? [] : templateFromElement(c);
}

function shareFromElement(el: XmlElement | undefined, what: string): HostShare {
  const int = (name: string) => (el === undefined ? 0 : intOf(el, name, 0, what));
  const numa = el === undefined ? undefined : child(el, 'NUMA_NODES');
  return {
    memUsage: int('MEM_USAGE'),
    cpuUsage: int('CPU_USAGE'),
    totalMem: int('TOTAL_MEM'),
    totalCpu: int('TOTAL_CPU'),
    maxMem: int('MAX_MEM'),
    maxCpu: int('MAX_CPU'),
    runningVms: int('RUNNING_VMS'),
    vmsThread: int('VMS_THREAD'),
    datastores: templateOf(el, 'DATASTORES'),
    pciDevices: templateOf(el, 'PCI_DEVICES'),
    numaNodes: numa === undefined ? [] : children(numa, 'NODE').map(templateFromElement),
  };
}

function monitoringFromElement(el: XmlElement | undefined, what: string): HostMonitoring | undefined {
  if (el === undefined || el.children.length === 0) return undefined;
  return {
    timestamp: intOf(el, 'TIMESTAMP', 0, what),
    id: intOf(el, 'ID', -1, what),
    capacity: templateOf(el, 'CAPACITY'),
    system: templateOf(el, 'SYSTEM'),
    numaNodes: children(el, 'NUMA_NODE').map(templateFromElement),
  };
}

export function hostFromElement(el: XmlElement): HostDocument {
  if (el.name !== 'HOST') throw new XmlDocumentError(`Expected a <HOST> element but found <${el.name}>.`);
  const id = intOf(el, 'ID', Number.NaN, 'A host');
  if (Number.isNaN(id)) throw new XmlDocumentError('A <HOST> element has no <ID>.');
  const what = `Host ${id}`;
  const state = intOf(el, 'STATE', 0, what);
  const monitoring = monitoringFromElement(child(el, 'MONITORING'), what);
  return {
    id,
    name: textOf(el, 'NAME', ''),
    state,
    prevState: intOf(el, 'PREV_STATE', state, what),
    imMad: textOf(el, 'IM_MAD', ''),
    vmMad: textOf(el, 'VM_MAD', ''),
    clusterId: intOf(el, 'CLUSTER_ID', -1, what),
    cluster: textOf(el, 'CLUSTER', ''),
    share: shareFromElement(child(el, 'HOST_SHARE'), what),
    vms: idsFromElement(child(el, 'VMS'), what),
    template: templateOf(el, 'TEMPLATE'),
    ...(monitoring === undefined ? {} : { monitoring }),
  };
}

/** Reads a one.host.info answer. */
export function parseHost(xml: string): HostDocument {
  return hostFromElement(readXml(xml, 'The host document'));
}

/** Reads a one.hostpool.info answer, hosts in document order. */
export function parseHostPool(xml: string): HostDocument[] {
  const root = readXml(xml, 'The host pool document');
  if (root.name !== 'HOST_POOL') throw new XmlDocumentError(`The host pool document has <${root.name}> at its root instead of <HOST_POOL>.`);
  return children(root, 'HOST').map(hostFromElement);
}
