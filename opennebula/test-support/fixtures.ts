/**
 * Representative documents for tests, shaped after real oned 7 responses (test-support/samples/):
 *
 *   pendingVm()    PENDING, no history, a SCHED_MESSAGE, no TM_MAD_SYSTEM yet (as oned)
 *   runningVm()    RUNNING after a resched: two history records, disks, a NIC, CONTEXT, monitoring
 *   failedVm()     BOOT_FAILURE with the driver's message in USER_TEMPLATE/ERROR
 *   doneVm()       DONE after terminate, every history time set
 *   monitoredHost(), newHost(), vmTemplate()
 *
 * Times are epoch seconds around 2026-11-25, like the samples.
 */
import {
  HistoryAction,
  historyRecord,
  hostDocument,
  vmDocument,
  vmTemplateDocument,
  type HostDocument,
  type VmDocument,
  type VmTemplateDocument,
} from '../documents.js';
import { HostState, LcmState, VmState } from '../states.js';
import type { Template } from '../template.js';

const T0 = 1795610446;

function vmAttributes(id: number, deployed: boolean): Template {
  const t: Template = [
    { name: 'AUTOMATIC_REQUIREMENTS', value: '!(PIN_POLICY = PINNED)' },
    { name: 'CONTEXT', vector: { DISK_ID: '2', NETWORK: 'YES', TARGET: 'hda', ETH0_DNS: '' } },
    { name: 'CPU', value: '0.1' },
    { name: 'DISK', vector: { DISK_ID: '0', IMAGE: 'ubuntu', IMAGE_ID: '0', SIZE: '1024', TYPE: 'FILE', CLONE: 'YES', TM_MAD: 'dummy' } },
    { name: 'DISK', vector: { DISK_ID: '1', SIZE: '64', TYPE: 'fs', FORMAT: 'qcow2' } },
    { name: 'MEMORY', value: '64' },
    { name: 'NIC', vector: { IP: '10.0.0.10', MAC: '02:00:0a:00:00:0a', NETWORK: 'net', NETWORK_ID: '0', NIC_ID: '0', SECURITY_GROUPS: '0' } },
    { name: 'OS', vector: { MACHINE: 'q35', UUID: '21b65f1d-355b-43c8-980b-1ea517c41513' } },
    { name: 'VCPU', value: '1' },
    { name: 'VMID', value: String(id) },
  ];
  return deployed ? [...t, { name: 'TM_MAD_SYSTEM', value: 'dummy' }] : t;
}

export function pendingVm(id = 799): VmDocument {
  return vmDocument({
    id,
    name: `scale-vm-${id}`,
    stime: T0 + 300,
    template: vmAttributes(id, false),
    userTemplate: [{ name: 'SCHED_MESSAGE', value: 'Wed Nov 25 13:26:22 2026: [HOST] Not enough CPU on hosts: 0,1,2,3' }],
  });
}

export function runningVm(id = 5): VmDocument {
  return vmDocument({
    id,
    name: `scale-vm-${id}`,
    state: VmState.ACTIVE,
    lcmState: LcmState.RUNNING,
    lastPoll: T0 + 30,
    stime: T0,
    deployId: `dummyhost1:scale-vm-${id}:dummy`,
    monitoring: [
      { name: 'CPU', value: '0' },
      { name: 'ID', value: String(id) },
      { name: 'MEMORY', value: '56360' },
      { name: 'NETRX', value: '576' },
      { name: 'NETTX', value: '576' },
      { name: 'TIMESTAMP', value: String(T0 + 30) },
    ],
    template: vmAttributes(id, true),
    history: [
      historyRecord({ oid: id, seq: 0, hostname: 'dummyhost0', hid: 0, stime: T0 + 10, etime: T0 + 20, pstime: T0 + 10, petime: T0 + 12, rstime: T0 + 12, retime: T0 + 20, action: HistoryAction.RESCHED }),
      historyRecord({ oid: id, seq: 1, hostname: 'dummyhost1', hid: 1, stime: T0 + 21, pstime: T0 + 21, petime: T0 + 22, rstime: T0 + 22 }),
    ],
  });
}

export function failedVm(id = 6): VmDocument {
  return vmDocument({
    id,
    name: `scale-vm-${id}`,
    state: VmState.ACTIVE,
    lcmState: LcmState.BOOT_FAILURE,
    prevState: VmState.ACTIVE,
    prevLcmState: LcmState.BOOT,
    stime: T0,
    template: vmAttributes(id, true),
    userTemplate: [{ name: 'ERROR', value: 'Wed Nov 25 13:41:16 2026: Error deploying virtual machine: dummyhost0:scale-vm-6:dummy' }],
    history: [historyRecord({ oid: id, seq: 0, hostname: 'dummyhost0', hid: 0, stime: T0 + 10, pstime: T0 + 10, petime: T0 + 11, rstime: T0 + 11 })],
  });
}

export function doneVm(id = 7): VmDocument {
  return vmDocument({
    id,
    name: `scale-vm-${id}`,
    state: VmState.DONE,
    lcmState: LcmState.LCM_INIT,
    prevState: VmState.ACTIVE,
    prevLcmState: LcmState.EPILOG,
    stime: T0,
    etime: T0 + 60,
    deployId: `dummyhost0:scale-vm-${id}:dummy`,
    template: vmAttributes(id, true),
    history: [
      historyRecord({
        oid: id,
        seq: 0,
        hostname: 'dummyhost0',
        hid: 0,
        stime: T0 + 10,
        etime: T0 + 60,
        pstime: T0 + 10,
        petime: T0 + 11,
        rstime: T0 + 11,
        retime: T0 + 58,
        estime: T0 + 58,
        eetime: T0 + 60,
        action: HistoryAction.TERMINATE,
        uid: 0,
        gid: 0,
        requestId: '4242',
      }),
    ],
  });
}

export function monitoredHost(id = 0, vms: number[] = [0, 1, 2]): HostDocument {
  const base = hostDocument({ id, name: `dummyhost${id}` });
  return {
    ...base,
    state: HostState.MONITORED,
    prevState: HostState.MONITORED,
    share: {
      ...base.share,
      memUsage: 65536 * vms.length,
      cpuUsage: 10 * vms.length,
      totalMem: 16777216,
      totalCpu: 800,
      maxMem: 16777216,
      maxCpu: 800,
      runningVms: vms.length,
      vmsThread: 1,
      datastores: [
        { name: 'DISK_USAGE', value: '0' },
        { name: 'DS', vector: { FREE_MB: '20480', ID: '0', TOTAL_MB: '20480', USED_MB: '0' } },
        { name: 'FREE_DISK', value: '20480' },
        { name: 'MAX_DISK', value: '20480' },
        { name: 'USED_DISK', value: '9720' },
      ],
    },
    vms,
    template: [
      { name: 'CPUSPEED', value: '3200' },
      { name: 'HOSTNAME', value: `dummyhost${id}` },
      { name: 'HYPERVISOR', value: 'dummy' },
      { name: 'IM_MAD', value: 'dummy' },
      { name: 'TOTALCPU', value: '800' },
      { name: 'TOTALMEMORY', value: '16777216' },
      { name: 'VM_MAD', value: 'dummy' },
    ],
    monitoring: {
      timestamp: T0 + 7,
      id,
      capacity: [
        { name: 'FREE_CPU', value: '537' },
        { name: 'FREE_MEMORY', value: '7032433' },
        { name: 'USED_CPU', value: '263' },
        { name: 'USED_MEMORY', value: '9744783' },
      ],
      system: [
        { name: 'NETRX', value: '501041' },
        { name: 'NETTX', value: '124130' },
      ],
      numaNodes: [],
    },
  };
}

/** A host as one.host.allocate leaves it, before its first monitoring. */
export function newHost(id = 1): HostDocument {
  return hostDocument({ id, name: `dummyhost${id}` });
}

export function vmTemplate(id = 0): VmTemplateDocument {
  return vmTemplateDocument({
    id,
    name: 'scale-template',
    regtime: T0 - 600,
    template: [
      { name: 'CPU', value: '0.1' },
      { name: 'MEMORY', value: '64' },
      { name: 'DISK', vector: { IMAGE_ID: '0' } },
      { name: 'DISK', vector: { TYPE: 'fs', SIZE: '64', FORMAT: 'qcow2' } },
      { name: 'CONTEXT', vector: { NETWORK: 'YES', SSH_PUBLIC_KEY: 'ssh-ed25519 AAAA test@stampede' } },
    ],
  });
}
