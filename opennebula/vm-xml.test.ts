import { describe, expect, it } from 'vitest';
import { historyRecord, vmDocument } from './documents.js';
import { doneVm, failedVm, pendingVm, runningVm } from './test-support/fixtures.js';
import { validateXsd, validateXsdMany } from './test-support/xsd.js';
import { XmlDocumentError } from './xml-reader.js';
import { parseVm, parseVmPool, renderVm, renderVmPool } from './vm-xml.js';

const representative = { pending: pendingVm(), running: runningVm(), failed: failedVm(), done: doneVm() };

describe('renderVm (one.vm.info)', () => {
  it('writes the top-level elements in vm.xsd order', () => {
    const xml = renderVm(runningVm());
    expect(xml.startsWith('<VM><ID>5</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>scale-vm-5</NAME><PERMISSIONS><OWNER_U>1</OWNER_U>')).toBe(true);
    expect(xml).toContain('<LAST_POLL>1795610476</LAST_POLL><STATE>3</STATE><LCM_STATE>3</LCM_STATE><PREV_STATE>3</PREV_STATE><PREV_LCM_STATE>3</PREV_LCM_STATE><RESCHED>0</RESCHED><STIME>1795610446</STIME><ETIME>0</ETIME><DEPLOY_ID>dummyhost1:scale-vm-5:dummy</DEPLOY_ID><MONITORING>');
    expect(xml).toContain('</MONITORING><SCHED_ACTIONS></SCHED_ACTIONS><TEMPLATE>');
    expect(xml).toContain('</TEMPLATE><USER_TEMPLATE></USER_TEMPLATE><HISTORY_RECORDS><HISTORY>');
    expect(xml.endsWith('</HISTORY_RECORDS><BACKUPS><BACKUP_CONFIG/><BACKUP_IDS></BACKUP_IDS></BACKUPS></VM>')).toBe(true);
  });

  it('writes every history record with its times, in epoch seconds', () => {
    const xml = renderVm(runningVm());
    expect(xml.match(/<HISTORY>/g)).toHaveLength(2);
    expect(xml).toContain(
      '<HISTORY><OID>5</OID><SEQ>0</SEQ><HOSTNAME>dummyhost0</HOSTNAME><HID>0</HID><CID>0</CID><STIME>1795610456</STIME><ETIME>1795610466</ETIME>' +
        '<VM_MAD><![CDATA[dummy]]></VM_MAD><TM_MAD><![CDATA[dummy]]></TM_MAD><DS_ID>0</DS_ID><PLAN_ID>-1</PLAN_ID><ACTION_ID>0</ACTION_ID>' +
        '<PSTIME>1795610456</PSTIME><PETIME>1795610458</PETIME><RSTIME>1795610458</RSTIME><RETIME>1795610466</RETIME><ESTIME>0</ESTIME><EETIME>0</EETIME>' +
        '<ACTION>17</ACTION><UID>-1</UID><GID>-1</GID><REQUEST_ID>-1</REQUEST_ID></HISTORY>',
    );
  });

  it('writes <HISTORY_RECORDS/> for a VM never deployed', () => {
    expect(renderVm(pendingVm())).toContain('<USER_TEMPLATE><SCHED_MESSAGE><![CDATA[Wed Nov 25');
    expect(renderVm(pendingVm())).toContain('</USER_TEMPLATE><HISTORY_RECORDS/><BACKUPS>');
  });

  it('sorts template attributes and vector keys by name as oned does, keeping repeats in order', () => {
    const vm = vmDocument({
      id: 1,
      name: 'x',
      template: [
        { name: 'VMID', value: '1' },
        { name: 'DISK', vector: { TYPE: 'fs', DISK_ID: '1' } },
        { name: 'CPU', value: '1' },
        { name: 'DISK', vector: { DISK_ID: '0' } },
      ],
    });
    expect(renderVm(vm)).toContain(
      '<TEMPLATE><CPU><![CDATA[1]]></CPU><DISK><DISK_ID><![CDATA[1]]></DISK_ID><TYPE><![CDATA[fs]]></TYPE></DISK>' +
        '<DISK><DISK_ID><![CDATA[0]]></DISK_ID></DISK><VMID><![CDATA[1]]></VMID></TEMPLATE>',
    );
  });

  it('keeps the document well-formed whatever the names and values hold', () => {
    const vm = vmDocument({ id: 2, name: 'a<b>&c', template: [{ name: 'VMID', value: 'x]]>y' }, { name: 'TM_MAD_SYSTEM', value: 'dummy' }] });
    const xml = renderVm(vm);
    expect(xml).toContain('<NAME>a&lt;b&gt;&amp;c</NAME>');
    expect(xml).toContain('<VMID><![CDATA[x]]]]><![CDATA[>y]]></VMID>');
  });
});

describe('renderVmPool', () => {
  it('short: the reduced body of one.vmpool.info, last history record without times', () => {
    const xml = renderVmPool([runningVm()], 'short');
    expect(xml).toBe(
      '<VM_POOL><VM><ID>5</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>scale-vm-5</NAME>' +
        '<LAST_POLL>1795610476</LAST_POLL><STATE>3</STATE><LCM_STATE>3</LCM_STATE><RESCHED>0</RESCHED><STIME>1795610446</STIME><ETIME>0</ETIME>' +
        '<DEPLOY_ID>dummyhost1:scale-vm-5:dummy</DEPLOY_ID><TEMPLATE><CPU>0.1</CPU><MEMORY>64</MEMORY><VCPU>1</VCPU>' +
        '<DISK><DISK_ID><![CDATA[0]]></DISK_ID><DATASTORE><![CDATA[]]></DATASTORE><DATASTORE_ID><![CDATA[]]></DATASTORE_ID><IMAGE><![CDATA[ubuntu]]></IMAGE><IMAGE_ID><![CDATA[0]]></IMAGE_ID><SIZE><![CDATA[1024]]></SIZE><TYPE><![CDATA[FILE]]></TYPE><CLONE><![CDATA[YES]]></CLONE><CLONE_TARGET><![CDATA[]]></CLONE_TARGET><LN_TARGET><![CDATA[]]></LN_TARGET><DISK_SNAPSHOT_TOTAL_SIZE><![CDATA[]]></DISK_SNAPSHOT_TOTAL_SIZE></DISK>' +
        '<DISK><DISK_ID><![CDATA[1]]></DISK_ID><DATASTORE><![CDATA[]]></DATASTORE><DATASTORE_ID><![CDATA[]]></DATASTORE_ID><IMAGE><![CDATA[]]></IMAGE><IMAGE_ID><![CDATA[]]></IMAGE_ID><SIZE><![CDATA[64]]></SIZE><TYPE><![CDATA[fs]]></TYPE><CLONE><![CDATA[]]></CLONE><CLONE_TARGET><![CDATA[]]></CLONE_TARGET><LN_TARGET><![CDATA[]]></LN_TARGET><DISK_SNAPSHOT_TOTAL_SIZE><![CDATA[]]></DISK_SNAPSHOT_TOTAL_SIZE></DISK>' +
        '<NIC><IP><![CDATA[10.0.0.10]]></IP><MAC><![CDATA[02:00:0a:00:00:0a]]></MAC><NETWORK><![CDATA[net]]></NETWORK><NETWORK_ID><![CDATA[0]]></NETWORK_ID><NIC_ID><![CDATA[0]]></NIC_ID><SECURITY_GROUPS><![CDATA[0]]></SECURITY_GROUPS></NIC>' +
        '</TEMPLATE><MONITORING><CPU><![CDATA[0]]></CPU><MEMORY><![CDATA[56360]]></MEMORY><STATE><![CDATA[]]></STATE></MONITORING><USER_TEMPLATE/>' +
        '<HISTORY_RECORDS><HISTORY><OID>5</OID><SEQ>1</SEQ><HOSTNAME><![CDATA[dummyhost1]]></HOSTNAME><HID>1</HID><CID>0</CID><DS_ID>0</DS_ID>' +
        '<VM_MAD><![CDATA[dummy]]></VM_MAD><TM_MAD><![CDATA[dummy]]></TM_MAD><ACTION><![CDATA[0]]></ACTION></HISTORY></HISTORY_RECORDS></VM></VM_POOL>',
    );
  });

  it('extended: full bodies with only the last history record', () => {
    const xml = renderVmPool([runningVm(), pendingVm()], 'extended');
    expect(xml.startsWith('<VM_POOL><VM><ID>5</ID>')).toBe(true);
    expect(xml.match(/<HISTORY>/g)).toHaveLength(1);
    expect(xml).toContain('<SEQ>1</SEQ><HOSTNAME>dummyhost1</HOSTNAME>');
    expect(xml).toContain(renderVm(pendingVm()));
  });

  it('writes VMs in the order given and an empty pool as <VM_POOL></VM_POOL>', () => {
    const ids = [...renderVmPool([doneVm(9), doneVm(3), doneVm(7)], 'short').matchAll(/<VM><ID>(\d+)<\/ID>/g)].map((m) => m[1]);
    expect(ids).toEqual(['9', '3', '7']);
    expect(renderVmPool([], 'extended')).toBe('<VM_POOL></VM_POOL>');
  });

  it('short body keeps only what the scheduler and Sunstone read of the user template', () => {
    const vm = vmDocument({
      id: 3,
      name: 'u',
      userTemplate: [
        { name: 'SCHED_REQUIREMENTS', value: 'ID="0"' },
        { name: 'LABELS', value: '' },
        { name: 'COLOR', value: 'blue' },
        { name: 'ERROR', value: 'boom' },
      ],
      history: [historyRecord({ oid: 3, seq: 0, hostname: 'h', hid: 4 })],
    });
    expect(renderVmPool([vm], 'short')).toContain(
      '<USER_TEMPLATE><ERROR><![CDATA[boom]]></ERROR><SCHED_REQUIREMENTS><![CDATA[ID="0"]]></SCHED_REQUIREMENTS></USER_TEMPLATE>',
    );
  });
});

describe('VM documents validate against OpenNebula 7.4 XSDs', () => {
  it('vm.xsd: pending, running, failed and done VMs', async () => {
    const docs = Object.entries(representative).map(([name, vm]) => ({ name, xml: renderVm(vm) }));
    const verdicts = await validateXsdMany(docs, 'vm');
    expect(Object.fromEntries(verdicts)).toEqual(Object.fromEntries(docs.map((d) => [d.name, { valid: true, errors: [] }])));
  });

  it('vm_pool.xsd and vm_pool_extended.xsd: pools of all of them', async () => {
    const vms = Object.values(representative);
    expect(await validateXsd(renderVmPool(vms, 'short'), 'vm_pool')).toEqual({ valid: true, errors: [] });
    expect(await validateXsd(renderVmPool(vms, 'extended'), 'vm_pool_extended')).toEqual({ valid: true, errors: [] });
    expect(await validateXsd(renderVmPool([], 'short'), 'vm_pool')).toEqual({ valid: true, errors: [] });
  });

  it('a pending VM fails the published vm.xsd exactly as oned\'s own does (TM_MAD_SYSTEM)', async () => {
    const verdict = await validateXsd(renderVm(pendingVm()), 'vm', { verbatim: true });
    expect(verdict.valid).toBe(false);
    expect(verdict.errors.join('\n')).toMatch(/Element 'VCPU': This element is not expected.*TM_MAD_SYSTEM/);
  });
});

describe('parseVm and parseVmPool', () => {
  it('read back what renderVm writes: same fields, templates in oned\'s sorted order', () => {
    for (const vm of Object.values(representative)) {
      const parsed = parseVm(renderVm(vm));
      const { template, userTemplate, monitoring, ...fields } = parsed;
      const { template: t, userTemplate: u, monitoring: m, ...expected } = vm;
      expect(fields).toEqual(expected);
      expect(renderVm(parsed)).toBe(renderVm(vm));
      expect([template, userTemplate, monitoring].map((x) => x.length)).toEqual([t, u, m].map((x) => x.length));
    }
  });

  it('read extended pools with the last history record', () => {
    const [running] = parseVmPool(renderVmPool([runningVm()], 'extended'));
    expect(running?.history).toEqual([runningVm().history[1]]);
  });

  it('say which document is malformed, and where a field is wrong', () => {
    expect(() => parseVm('<VM><ID>1</ID>')).toThrow(XmlDocumentError);
    expect(() => parseVm('<VM><ID>1</ID>')).toThrow(/^The VM document is not well-formed XML: /);
    expect(() => parseVm('<HOST><ID>1</ID></HOST>')).toThrow('Expected a <VM> element but found <HOST>.');
    expect(() => parseVm('<VM><NAME>x</NAME></VM>')).toThrow('A <VM> element has no <ID>.');
    expect(() => parseVm('<VM><ID>4</ID><STATE>three</STATE></VM>')).toThrow("VM 4: <STATE> should be an integer but is 'three'.");
    expect(() => parseVmPool('<HOST_POOL/>')).toThrow('The VM pool document has <HOST_POOL> at its root instead of <VM_POOL>.');
    expect(parseVmPool('<VM_POOL></VM_POOL>')).toEqual([]);
  });
});
