import { describe, expect, it } from 'vitest';
import { parseHost, parseHostPool, renderHost, renderHostPool } from './host-xml.js';
import { monitoredHost, newHost } from './test-support/fixtures.js';
import { validateXsd, validateXsdMany } from './test-support/xsd.js';

describe('renderHost (one.host.info)', () => {
  it('writes a monitored host with its VMs in host.xsd order', () => {
    const xml = renderHost(monitoredHost(0, [0, 1, 2]));
    expect(xml.startsWith(
      '<HOST><ID>0</ID><NAME>dummyhost0</NAME><STATE>2</STATE><PREV_STATE>2</PREV_STATE>' +
        '<IM_MAD><![CDATA[dummy]]></IM_MAD><VM_MAD><![CDATA[dummy]]></VM_MAD><CLUSTER_ID>0</CLUSTER_ID><CLUSTER>default</CLUSTER>' +
        '<HOST_SHARE><MEM_USAGE>196608</MEM_USAGE><CPU_USAGE>30</CPU_USAGE><TOTAL_MEM>16777216</TOTAL_MEM><TOTAL_CPU>800</TOTAL_CPU>' +
        '<MAX_MEM>16777216</MAX_MEM><MAX_CPU>800</MAX_CPU><RUNNING_VMS>3</RUNNING_VMS><VMS_THREAD>1</VMS_THREAD>' +
        '<DATASTORES><DISK_USAGE><![CDATA[0]]></DISK_USAGE><DS><FREE_MB><![CDATA[20480]]></FREE_MB>',
    )).toBe(true);
    expect(xml).toContain('</DATASTORES><PCI_DEVICES></PCI_DEVICES><NUMA_NODES></NUMA_NODES></HOST_SHARE><VMS><ID>0</ID><ID>1</ID><ID>2</ID></VMS><TEMPLATE><CPUSPEED>');
    expect(xml.endsWith(
      '</TEMPLATE><MONITORING><TIMESTAMP>1795610453</TIMESTAMP><ID>0</ID><CAPACITY><FREE_CPU><![CDATA[537]]></FREE_CPU>' +
        '<FREE_MEMORY><![CDATA[7032433]]></FREE_MEMORY><USED_CPU><![CDATA[263]]></USED_CPU><USED_MEMORY><![CDATA[9744783]]></USED_MEMORY></CAPACITY>' +
        '<SYSTEM><NETRX><![CDATA[501041]]></NETRX><NETTX><![CDATA[124130]]></NETTX></SYSTEM></MONITORING></HOST>',
    )).toBe(true);
  });

  it('writes <MONITORING/> and empty collections for a host never monitored', () => {
    const xml = renderHost(newHost(1));
    expect(xml).toContain('<STATE>0</STATE>');
    expect(xml).toContain('<VMS></VMS><TEMPLATE></TEMPLATE><MONITORING/></HOST>');
  });

  it('writes a pool in the order given', () => {
    const xml = renderHostPool([newHost(3), monitoredHost(1)]);
    expect([...xml.matchAll(/<HOST><ID>(\d+)/g)].map((m) => m[1])).toEqual(['3', '1']);
    expect(renderHostPool([])).toBe('<HOST_POOL></HOST_POOL>');
  });
});

describe('host documents validate against OpenNebula 7.4 XSDs', () => {
  it('host.xsd: monitored with VMs, and new', async () => {
    const verdicts = await validateXsdMany(
      [
        { name: 'monitored', xml: renderHost(monitoredHost(0, [0, 1, 2])) },
        { name: 'new', xml: renderHost(newHost(1)) },
      ],
      'host',
    );
    expect(Object.fromEntries(verdicts)).toEqual({ monitored: { valid: true, errors: [] }, new: { valid: true, errors: [] } });
  });

  it('host_pool.xsd', async () => {
    expect(await validateXsd(renderHostPool([monitoredHost(0), newHost(1)]), 'host_pool')).toEqual({ valid: true, errors: [] });
  });
});

describe('parseHost and parseHostPool', () => {
  it('read back what the renderers write', () => {
    for (const host of [monitoredHost(0, [4, 5]), newHost(2)]) {
      expect(parseHost(renderHost(host))).toEqual(host);
    }
    expect(parseHostPool(renderHostPool([newHost(1), newHost(0)])).map((h) => h.id)).toEqual([1, 0]);
  });

  it('say what is wrong with a bad answer', () => {
    expect(() => parseHost('<HOST><ID>x</ID></HOST>')).toThrow("A host: <ID> should be an integer but is 'x'.");
    expect(() => parseHostPool('<VM_POOL/>')).toThrow('The host pool document has <VM_POOL> at its root instead of <HOST_POOL>.');
  });
});
