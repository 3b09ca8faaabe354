import { describe, expect, it } from 'vitest';
import { ErrorCode, fail, ok } from '../opennebula/errors.js';
import type { StackEndpoint } from './endpoint.js';
import { parseVmPool, pollVms, type PolledVm } from './poll.js';

/** The first VM of a real OpenNebula 7 head node's vmpool.info answer (opennebula/test-support/samples/vmpool-info.xml). */
const REAL_SAMPLE =
  '<VM_POOL>' +
  '<VM><ID>19</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>scale-vm-19</NAME><LAST_POLL>0</LAST_POLL><STATE>3</STATE><LCM_STATE>3</LCM_STATE><RESCHED>0</RESCHED><STIME>1795610446</STIME><ETIME>0</ETIME><DEPLOY_ID>dummyhost0:scale-vm-19:dummy</DEPLOY_ID><TEMPLATE><CPU>0.1</CPU><MEMORY>64</MEMORY><VCPU>1</VCPU></TEMPLATE><MONITORING/><USER_TEMPLATE/><HISTORY_RECORDS><HISTORY><OID>19</OID><SEQ>0</SEQ><HOSTNAME><![CDATA[dummyhost0]]></HOSTNAME><HID>0</HID><CID>0</CID><DS_ID>0</DS_ID><VM_MAD><![CDATA[dummy]]></VM_MAD><TM_MAD><![CDATA[local]]></TM_MAD><ACTION><![CDATA[0]]></ACTION></HISTORY></HISTORY_RECORDS></VM>' +
  '</VM_POOL>';

describe('parseVmPool', () => {
  it('reads the VMs of a real OpenNebula 7 vmpool.info answer', () => {
    expect(parseVmPool(REAL_SAMPLE)).toEqual([{ id: 19, state: 3, lcmState: 3, host: 'dummyhost0' }]);
  });

  it('reads a driver failure message and the last history record', () => {
    const xml =
      '<VM_POOL><VM><ID>5</ID><STATE>3</STATE><LCM_STATE>36</LCM_STATE>' +
      '<USER_TEMPLATE><ERROR><![CDATA[Wed Nov 25 13:41:16 2026: DEPLOY: dummyhost0:vm-5:dummy]]></ERROR></USER_TEMPLATE>' +
      '<HISTORY_RECORDS><HISTORY><SEQ>0</SEQ><HOSTNAME>h1</HOSTNAME></HISTORY><HISTORY><SEQ>1</SEQ><HOSTNAME>h2</HOSTNAME></HISTORY></HISTORY_RECORDS></VM>' +
      '<VM><ID>6</ID><STATE>1</STATE><LCM_STATE>0</LCM_STATE><USER_TEMPLATE/><HISTORY_RECORDS/></VM></VM_POOL>';
    expect(parseVmPool(xml)).toEqual([
      { id: 5, state: 3, lcmState: 36, error: 'Wed Nov 25 13:41:16 2026: DEPLOY: dummyhost0:vm-5:dummy', host: 'h2' },
      { id: 6, state: 1, lcmState: 0 },
    ]);
    expect(parseVmPool('<VM_POOL/>')).toEqual([]);
  });

  it('says what is wrong with a document that is not a VM pool', () => {
    expect(() => parseVmPool('<HOST_POOL/>')).toThrow('one.vmpool.info answered <HOST_POOL> instead of a VM_POOL document');
  });
});

describe('pollVms', () => {
  const vm = (id: number): string => `<VM><ID>${id}</ID><STATE>3</STATE><LCM_STATE>3</LCM_STATE></VM>`;

  it('asks for id ranges that cover our VMs and keeps only ours', async () => {
    const calls: unknown[][] = [];
    const pool = [0, 1, 2, 3, 50, 51, 9_000]; // 50 and 51 belong to someone else
    const endpoint: StackEndpoint = {
      call: async (_method, params) => {
        calls.push(params);
        const [, , start, end] = params as [string, number, number, number, number];
        return ok(`<VM_POOL>${pool.filter((id) => id >= start && id <= end).map(vm).join('')}</VM_POOL>`);
      },
    };
    const found = await pollVms(endpoint, 's:p', [3, 0, 1, 2, 9_000, 52], { pageSize: 100 });
    expect(calls).toEqual([
      ['s:p', -2, 0, 52, -2],
      ['s:p', -2, 9_000, 9_000, -2],
    ]);
    expect([...found.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 9_000]);
    expect(found.get(9_000)).toEqual<PolledVm>({ id: 9_000, state: 3, lcmState: 3 });
  });

  it('starts a new range at a page\'s end or at a wide gap, so scattered VMs do not drag in their neighbours', async () => {
    const calls: Array<[number, number]> = [];
    const endpoint: StackEndpoint = {
      call: async (_method, params) => {
        const [, , start, end] = params as [string, number, number, number, number];
        calls.push([start, end]);
        return ok('<VM_POOL/>');
      },
    };
    await pollVms(endpoint, 's:p', [0, 10, 20, 200, 210, 300, 301, 302], { pageSize: 300, maxGap: 64 });
    expect(calls).toEqual([
      [0, 20],
      [200, 210],
      [300, 302],
    ]);
    calls.length = 0;
    await pollVms(endpoint, 's:p', Array.from({ length: 10 }, (_, i) => i * 10), { pageSize: 50 });
    expect(calls).toEqual([
      [0, 40],
      [50, 90],
    ]);
  });

  it('names the stack\'s refusal', async () => {
    const endpoint: StackEndpoint = { call: async () => fail('one.vmpool.info', 'Incorrect filter_flag', ErrorCode.XML_RPC_API) };
    await expect(pollVms(endpoint, 's:p', [1])).rejects.toThrow("polling the stack's VMs failed: [one.vmpool.info] Incorrect filter_flag");
  });
});
