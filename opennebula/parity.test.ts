/**
 * Parity with a real oned 7: each sample in test-support/samples/ is parsed into our document
 * types and rendered again; the bytes must come back identical, so element names, order, values,
 * CDATA and empty-element forms are all oned's. The field checks show the parse reads values,
 * not just structure.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHost, parseHostPool, renderHost, renderHostPool } from './host-xml.js';
import { HostState, LcmState, VmState } from './states.js';
import { getSingle, getVectors } from './template.js';
import { parseVm, parseVmPool, renderVm, renderVmPool } from './vm-xml.js';

const sample = (name: string) => readFileSync(new URL(`./test-support/samples/${name}`, import.meta.url), 'utf8');

function deployPayloadVm(): string {
  const payload = sample('deploy-payload-vm0.xml');
  return payload.slice(payload.indexOf('<VM>'), payload.indexOf('</VM>') + '</VM>'.length);
}

describe('one.vm.info samples', () => {
  it('a RUNNING VM renders back byte for byte', () => {
    const xml = sample('vm-info.xml');
    const vm = parseVm(xml);
    expect(renderVm(vm)).toBe(xml);
    expect(vm).toMatchObject({ id: 5, name: 'scale-vm-5', state: VmState.ACTIVE, lcmState: LcmState.RUNNING, stime: 1795610446, deployId: 'dummyhost0:scale-vm-5:dummy', lastPoll: 1795610476 });
    expect(vm.history).toEqual([
      { oid: 5, seq: 0, hostname: 'dummyhost0', hid: 0, cid: 0, stime: 1795610456, etime: 0, vmMad: 'dummy', tmMad: 'local', dsId: 0, planId: -1, actionId: 0, pstime: 1795610456, petime: 1795610456, rstime: 1795610456, retime: 0, estime: 0, eetime: 0, action: 0, uid: -1, gid: -1, requestId: '-1' },
    ]);
    expect(getSingle(vm.monitoring, 'MEMORY')).toBe('56360');
    expect(getSingle(vm.template, 'TM_MAD_SYSTEM')).toBe('local');
  });

  it('a PENDING VM with a scheduler message and no history renders back byte for byte', () => {
    const xml = sample('vm-info-pending.xml');
    const vm = parseVm(xml);
    expect(renderVm(vm)).toBe(xml);
    expect(vm.state).toBe(VmState.PENDING);
    expect(vm.history).toEqual([]);
    expect(getSingle(vm.userTemplate, 'SCHED_MESSAGE')).toMatch(/Not enough CPU on hosts/);
  });

  it('the VM of a DEPLOY payload (disks, NIC, CONTEXT with empty values) renders back byte for byte', () => {
    const xml = deployPayloadVm();
    const vm = parseVm(xml);
    expect(renderVm(vm)).toBe(xml);
    expect(vm.lcmState).toBe(LcmState.BOOT);
    expect(getVectors(vm.template, 'DISK').map((d) => [d.DISK_ID, d.TYPE])).toEqual([
      ['0', 'FILE'],
      ['1', 'FILE'],
      ['2', 'swap'],
      ['3', 'fs'],
    ]);
    expect(getVectors(vm.template, 'CONTEXT')[0]?.ETH0_DNS).toBe('');
  });
});

describe('one.vmpool.info sample (short bodies)', () => {
  it('renders back byte for byte, newest first as oned sent it', () => {
    const xml = sample('vmpool-info.xml');
    const vms = parseVmPool(xml);
    expect(renderVmPool(vms, 'short')).toBe(xml);
    expect(vms.map((vm) => vm.id)).toEqual([19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(vms[0]?.history[0]).toMatchObject({ hostname: 'dummyhost0', hid: 0, vmMad: 'dummy', tmMad: 'local', action: 0, stime: 0 });
    expect(getSingle(vms[0]?.template ?? [], 'CPU')).toBe('0.1');
  });

  it('gives the same fields as parsing the full body, where the short body has them', () => {
    const full = parseVm(sample('vm-info.xml'));
    const short = parseVmPool(renderVmPool([full], 'short'))[0];
    expect(short).toMatchObject({ id: full.id, name: full.name, state: full.state, lcmState: full.lcmState, stime: full.stime, deployId: full.deployId });
    expect(short?.history[0]).toMatchObject({ hostname: 'dummyhost0', hid: 0, seq: 0, dsId: 0 });
  });
});

describe('one.host.info sample', () => {
  it('renders back byte for byte, PCI devices and NUMA nodes included', () => {
    const xml = sample('host-info.xml');
    const host = parseHost(xml);
    expect(renderHost(host)).toBe(xml);
    expect(host).toMatchObject({ id: 0, name: 'dummyhost0', state: HostState.MONITORED, clusterId: 0, cluster: 'default' });
    expect(host.share).toMatchObject({ memUsage: 1310720, cpuUsage: 200, totalCpu: 800, maxMem: 16777216, runningVms: 20 });
    expect(host.vms).toEqual([...Array(20).keys()]);
    expect(host.share.numaNodes).toHaveLength(2);
    expect(getSingle(host.monitoring?.capacity ?? [], 'FREE_CPU')).toBe('537');
  });

  it('round-trips through a host pool', () => {
    const host = parseHost(sample('host-info.xml'));
    const pool = renderHostPool([host, { ...host, id: 1, name: 'dummyhost1' }]);
    expect(renderHostPool(parseHostPool(pool))).toBe(pool);
  });
});
