import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../opennebula/errors.js';
import { XmlRpcFault } from '../opennebula/xmlrpc.js';
import { parseHost } from '../opennebula/host-xml.js';
import { HostState, LcmState, VmState } from '../opennebula/states.js';
import { getSingle, getVectors } from '../opennebula/template.js';
import { validateXsd, validateXsdMany, type SchemaName } from '../opennebula/test-support/xsd.js';
import { parseVm, parseVmPool } from '../opennebula/vm-xml.js';
import { parseVmTemplate } from '../opennebula/vmtemplate-xml.js';
import { SESSION, SMALL_VM, stackFixture } from './test-support/stack-fixture.js';

/** Tests of the API's answers, not of its service time: every call is instantaneous here. */
const instant = { extends: 'optimized', api: { callMs: 0, methodMs: {}, poolObjectMs: 0 } } as const;

function fixture() {
  const f = stackFixture({ profile: instant });
  const raw = (method: string, ...params: unknown[]) => f.clock.run(() => f.stack.api.call(method, params));
  const as = (method: string, ...args: unknown[]) => raw(method, SESSION, ...args);
  return { ...f, raw, as };
}

describe('sessions and parameters', () => {
  it('refuses a wrong session with the authentication error, whatever the method', async () => {
    const f = fixture();
    for (const session of ['oneadmin:wrong', 'oneadmin', 'nobody:oneadmin', ':']) {
      expect(await f.raw('one.vm.info', session, 0)).toEqual([
        false,
        "[one.vm.info] User couldn't be authenticated, aborting call.",
        ErrorCode.AUTHENTICATION,
      ]);
    }
    expect((await f.raw('one.system.version', 'oneadmin:oneadmin'))[0]).toBe(true);
  });

  it('splits the session at the first colon, so a password may hold colons', async () => {
    const f = stackFixture({ profile: instant });
    const { ReferenceStack } = await import('./reference-stack.js');
    const stack = new ReferenceStack({ clock: f.clock, profile: f.profile, launcher: f.drivers.launcher, users: { oneadmin: 'a:b:c' } });
    expect(await f.clock.run(() => stack.api.call('one.system.version', ['oneadmin:a:b:c']))).toEqual([true, '7.4.0', 0]);
  });

  it("checks parameter types as xmlrpc-c would, after authenticating: fault -501 naming the parameter", async () => {
    const f = fixture();
    const fault = (message: string | RegExp) => expect.objectContaining({ code: -501, message: typeof message === 'string' ? message : expect.stringMatching(message) });
    await expect(f.as('one.vm.info', '3')).rejects.toEqual(fault('[one.vm.info] Parameter 2 (id) must be an int, got the string "3".'));
    await expect(f.as('one.vm.info', 1.5)).rejects.toEqual(fault(/must be an int, got the number 1.5/));
    await expect(f.as('one.vm.info', 2 ** 31)).rejects.toEqual(fault(/outside a 32-bit int/));
    await expect(f.as('one.vm.allocate', SMALL_VM, 'yes')).rejects.toEqual(fault(/Parameter 3 \(hold\) must be a boolean/));
    await expect(f.as('one.vmpool.info', -2, -1)).rejects.toEqual(
      fault('[one.vmpool.info] Missing parameter 4 (end): the method takes session:string, filter flag:int, start:int, end:int, state:int, query:string?.'),
    );
    await expect(f.raw('one.vm.info', 42, 0)).rejects.toEqual(fault(/Parameter 1 \(session\) must be a string/));
    await expect(f.raw('one.vm.info')).rejects.toEqual(fault(/Parameter 1 \(session\) must be a string "user:password", got nothing/));
    // the session is checked first: a bad session with bad parameters is an authentication error
    expect((await f.raw('one.vm.info', 'x:y', 'three'))[2]).toBe(ErrorCode.AUTHENTICATION);
  });

  it("answers a method it does not offer with xmlrpc-c's fault -506, as on the wire", async () => {
    const f = fixture();
    await expect(f.as('one.vnet.allocate', '')).rejects.toEqual(new XmlRpcFault(-506, "Method 'one.vnet.allocate' not defined"));
    expect(f.stack.api.methods()).toEqual(expect.arrayContaining(['one.vm.allocate', 'one.vmpool.infoextended', 'one.template.instantiate']));
  });
});

describe('system.multicall', () => {
  it("runs the calls in order, each answered [result] or with a fault struct, and refuses to recurse (xmlrpc-c's guard)", async () => {
    const f = fixture();
    const multicall = (calls: unknown) => f.clock.run(async () => f.stack.api.table.get('system.multicall')!([calls]));
    expect(
      await multicall([
        { methodName: 'one.vm.allocate', params: [SESSION, SMALL_VM] },
        { methodName: 'one.vm.fly', params: [SESSION] },
        { methodName: 'system.multicall', params: [[]] },
        { methodName: 'one.vm.info', params: [SESSION, 'zero'] },
        { methodName: 'one.vm.info', params: [SESSION] },
        { params: [] },
        { methodName: 'one.vm.allocate', params: ['nobody:x', SMALL_VM] },
        { methodName: 'one.vm.allocate', params: [SESSION, SMALL_VM] },
      ]),
    ).toEqual([
      [[true, 0, 0]],
      { faultCode: -506, faultString: "Method 'one.vm.fly' not defined" },
      { faultCode: -507, faultString: 'Recursive system.multicall forbidden' },
      { faultCode: -501, faultString: '[one.vm.info] Parameter 2 (id) must be an int, got the string "zero".' },
      { faultCode: -501, faultString: expect.stringContaining('Missing parameter 2 (id)') },
      { faultCode: -501, faultString: 'a system.multicall call must be a struct {methodName: string, params: array}' },
      [[false, "[one.vm.allocate] User couldn't be authenticated, aborting call.", ErrorCode.AUTHENTICATION]],
      [[true, 1, 0]],
    ]);
    await expect(multicall('no')).rejects.toMatchObject({ code: -501 });
  });
});

describe('one.system', () => {
  it('reports the version whose documents it writes, and its oned.conf knobs as XML that validates', async () => {
    const f = fixture();
    expect(await f.as('one.system.version')).toEqual([true, '7.4.0', 0]);
    const [ok, xml] = await f.as('one.system.config');
    expect(ok).toBe(true);
    expect(xml).toContain('<MAX_CONN><![CDATA[240]]></MAX_CONN>');
    expect(xml).toContain('-t 32 -r 0 dummy -p');
    expect(await validateXsd(xml as string, 'opennebula_configuration')).toEqual({ valid: true, errors: [] });
  });
});

describe('one.host', () => {
  it('allocates in the 7.x form and the 4.4 form (with a network driver), INIT until monitored', async () => {
    const f = fixture();
    expect(await f.as('one.host.allocate', 'h7', 'dummy', 'dummy', -1)).toEqual([true, 0, 0]);
    expect(await f.as('one.host.allocate', 'h44', 'im_dummy', 'vmm_dummy', 'dummy', -1)).toEqual([true, 1, 0]);
    const host = parseHost((await f.as('one.host.info', 1))[1] as string);
    expect(host).toMatchObject({ id: 1, name: 'h44', state: HostState.INIT, imMad: 'im_dummy', vmMad: 'vmm_dummy', clusterId: 0, cluster: 'default' });
    expect(host.monitoring).toBeUndefined();
  });

  it('refuses a taken name, an unknown cluster and an unknown host', async () => {
    const f = fixture();
    await f.as('one.host.allocate', 'h0', 'dummy', 'dummy', -1);
    expect(await f.as('one.host.allocate', 'h0', 'dummy', 'dummy', -1)).toEqual([
      false,
      '[one.host.allocate] Error allocating a new host. NAME is already taken by HOST 0.',
      ErrorCode.ALLOCATE,
    ]);
    expect(await f.as('one.host.allocate', 'h1', 'dummy', 'dummy', 100)).toEqual([false, '[one.host.allocate] Error getting cluster [100].', ErrorCode.NO_EXISTS]);
    expect(await f.as('one.host.info', 9)).toEqual([false, '[one.host.info] Error getting host [9].', ErrorCode.NO_EXISTS]);
  });
});

describe('one.host.delete', () => {
  it('removes a host with no VMs for good, and refuses one with VMs as oned does', async () => {
    const f = fixture();
    await f.as('one.host.allocate', 'h0', 'dummy', 'dummy', -1);
    await f.as('one.host.allocate', 'h1', 'dummy', 'dummy', -1);
    expect(await f.as('one.host.delete', 0)).toEqual([true, 0, 0]);
    expect(await f.as('one.host.info', 0)).toEqual([false, '[one.host.info] Error getting host [0].', ErrorCode.NO_EXISTS]);
    expect(await f.as('one.host.delete', 0)).toEqual([false, '[one.host.delete] Error getting host [0].', ErrorCode.NO_EXISTS]);
    // the name is free again; the id is not
    expect(await f.as('one.host.allocate', 'h0', 'dummy', 'dummy', -1)).toEqual([true, 2, 0]);
    const [, vmId] = await f.as('one.vm.allocate', 'CPU = 1\nMEMORY = 512\n');
    expect((await f.as('one.vm.deploy', vmId, 1, false, 0))[0]).toBe(true);
    expect(await f.as('one.host.delete', 1)).toEqual([false, '[one.host.delete] Can not remove a host with running VMs', ErrorCode.INTERNAL]);
  });
});

describe('one.vm.allocate', () => {
  it('reports template syntax errors with their line and column', async () => {
    const f = fixture();
    const [ok, message, code] = await f.as('one.vm.allocate', 'CPU = 1\nMEMORY 512\n');
    expect([ok, code]).toEqual([false, ErrorCode.INTERNAL]);
    expect(message).toMatch(/^\[one\.vm\.allocate\] Template error at line 2, column 8: /);
    const [, vectorMessage] = await f.as('one.vm.allocate', 'CPU = 1\nMEMORY = 512\nDISK = [ IMAGE_ID = 0\n  TYPE = fs ]\n');
    expect(vectorMessage).toMatch(/line 4, column 3/);
  });

  it('refuses what oned refuses, with its message, and uses up no id', async () => {
    const f = fixture();
    expect(await f.as('one.vm.allocate', 'CPU = 1\n')).toEqual([
      false,
      '[one.vm.allocate] Error allocating a new virtual machine. MEMORY attribute must be a positive integer value.',
      ErrorCode.ALLOCATE,
    ]);
    expect(await f.as('one.vm.allocate', 'CPU = 0\nMEMORY = 64\n')).toEqual([
      false,
      '[one.vm.allocate] Error allocating a new virtual machine. CPU attribute must be a positive float or integer value.',
      ErrorCode.ALLOCATE,
    ]);
    expect(await f.as('one.vm.allocate', SMALL_VM)).toEqual([true, 0, 0]);
  });

  it('gives VMs allocated from one text their own id, name and records, so a change to one leaves the others alone', async () => {
    const f = fixture();
    const text = 'CPU = 0.5\nMEMORY = 64\nDISK = [ IMAGE_ID = 0 ]\nCONTEXT = [ HELLO = world ]\nLOGO = tux.png\n';
    await f.as('one.host.allocate', 'h0', 'dummy', 'dummy', -1);
    for (let i = 0; i < 3; i += 1) expect(await f.as('one.vm.allocate', text)).toEqual([true, i, 0]);
    expect(await f.as('one.vm.deploy', 1, 0)).toEqual([true, 1, 0]);
    const vms = parseVmPool((await f.as('one.vmpool.infoextended', -2, -1, -1, -2))[1] as string).reverse();
    expect(vms.map((vm) => [vm.name, getSingle(vm.template, 'VMID'), getSingle(vm.template, 'TM_MAD_SYSTEM')])).toEqual([
      ['one-0', '0', undefined],
      ['one-1', '1', 'shared'],
      ['one-2', '2', undefined],
    ]);
    expect(vms.map((vm) => getVectors(vm.template, 'CONTEXT')[0])).toEqual(Array(3).fill({ DISK_ID: '1', HELLO: 'world', TARGET: 'sdb' }));
    expect(vms.map((vm) => getSingle(vm.userTemplate, 'LOGO'))).toEqual(['tux.png', 'tux.png', 'tux.png']);
  });

  it('reads an XML template as well, and the hold flag puts the VM on HOLD until released', async () => {
    const f = fixture();
    const xml = '<TEMPLATE><NAME>x</NAME><CPU>1</CPU><MEMORY>64</MEMORY><DISK><IMAGE_ID>0</IMAGE_ID></DISK></TEMPLATE>';
    expect(await f.as('one.vm.allocate', xml, true)).toEqual([true, 0, 0]);
    const held = parseVm((await f.as('one.vm.info', 0))[1] as string);
    expect([held.name, held.state, getVectors(held.template, 'DISK')[0]?.IMAGE]).toEqual(['x', VmState.HOLD, 'base']);
    expect(await f.as('one.vm.action', 'release', 0)).toEqual([true, 0, 0]);
    expect(parseVm((await f.as('one.vm.info', 0))[1] as string).state).toBe(VmState.PENDING);
    expect(await f.as('one.vm.action', 'release', 0)).toEqual([
      false,
      '[one.vm.action] Error performing action "release": This action is not available for state PENDING',
      ErrorCode.ACTION,
    ]);
  });
});

describe('one.vmpool.info and infoextended', () => {
  async function pool() {
    const f = fixture();
    for (let i = 0; i < 6; i += 1) await f.as('one.vm.allocate', SMALL_VM);
    await f.as('one.vm.action', 'terminate', 1);
    await f.as('one.vm.action', 'hold', 2);
    const ids = async (...args: unknown[]) => {
      const [ok, xml] = await f.as('one.vmpool.info', ...args);
      expect(ok).toBe(true);
      return parseVmPool(xml as string).map((vm) => vm.id);
    };
    return { f, ids };
  }

  it('filters by state: -1 all but DONE, -2 everything, n exactly that state; newest first', async () => {
    const { ids } = await pool();
    expect(await ids(-2, -1, -1, -1)).toEqual([5, 4, 3, 2, 0]);
    expect(await ids(-2, -1, -1, -2)).toEqual([5, 4, 3, 2, 1, 0]);
    expect(await ids(-2, -1, -1, VmState.HOLD)).toEqual([2]);
    expect(await ids(-2, -1, -1, VmState.DONE)).toEqual([1]);
  });

  it('reads start/end as an id range when end >= -1 and as a page when end < -1', async () => {
    const { ids } = await pool();
    expect(await ids(-2, 3, -1, -2)).toEqual([5, 4, 3]);
    expect(await ids(-2, 1, 3, -2)).toEqual([3, 2, 1]);
    expect(await ids(-2, 0, -2, -2)).toEqual([5, 4]);
    expect(await ids(-2, 2, -2, -2)).toEqual([3, 2]);
    expect(await ids(-2, 6, -2, -2)).toEqual([]);
  });

  it('applies the state filter before the range or the page', async () => {
    const { ids } = await pool();
    expect(await ids(-2, 0, 2, -1)).toEqual([2, 0]);
    expect(await ids(-2, 1, 1, -1)).toEqual([]);
    expect(await ids(-2, 4, 100, -1)).toEqual([5, 4]);
    expect(await ids(-2, 3, 1, -2)).toEqual([]);
    expect(await ids(-2, 0, -3, -1)).toEqual([5, 4, 3]);
    expect(await ids(-2, 3, -3, -1)).toEqual([2, 0]);
    expect(await ids(-2, 1, -2, VmState.DONE)).toEqual([]);
  });

  it('filters by owner: only oneadmin (uid 0) owns VMs here', async () => {
    const { ids } = await pool();
    expect(await ids(-3, -1, -1, -2)).toHaveLength(6);
    expect(await ids(0, -1, -1, -2)).toHaveLength(6);
    expect(await ids(5, -1, -1, -2)).toEqual([]);
  });

  it('refuses a bad filter flag, a bad state and a JSON query as oned on SQLite does', async () => {
    const { f } = await pool();
    expect(await f.as('one.vmpool.info', -5, -1, -1, -1)).toEqual([false, '[one.vmpool.info] Incorrect filter_flag.', ErrorCode.XML_RPC_API]);
    expect((await f.as('one.vmpool.info', -2, -1, -1, 12))[2]).toBe(ErrorCode.XML_RPC_API);
    expect(await f.as('one.vmpool.infoextended', -2, -1, -1, -1, 'NAME=small')).toEqual([
      false,
      '[one.vmpool.infoextended] JSON query search is not supported by the SQL backend.',
      ErrorCode.INTERNAL,
    ]);
  });
});

describe('one.vm.deploy and one.vm.action', () => {
  it('deploys a PENDING VM on the host asked for, and refuses other states, unknown objects and actions', async () => {
    const f = fixture();
    await f.as('one.host.allocate', 'h0', 'dummy', 'dummy', -1);
    await f.as('one.vm.allocate', SMALL_VM);
    expect(await f.as('one.vm.deploy', 0, 0, false, 0)).toEqual([true, 0, 0]);
    expect(parseVm((await f.as('one.vm.info', 0))[1] as string)).toMatchObject({ state: VmState.ACTIVE, lcmState: LcmState.PROLOG });
    expect(await f.as('one.vm.deploy', 0, 0)).toEqual([false, '[one.vm.deploy] Deploy action is not available for state PROLOG', ErrorCode.ACTION]);
    expect(await f.as('one.vm.action', 'terminate', 0)).toEqual([
      false,
      '[one.vm.action] Error performing action "terminate": This action is not available for state PROLOG',
      ErrorCode.ACTION,
    ]);
    expect(await f.as('one.vm.deploy', 7, 0)).toEqual([false, '[one.vm.deploy] Error getting virtual machine [7].', ErrorCode.NO_EXISTS]);
    expect(await f.as('one.vm.deploy', 0, 7)).toEqual([false, '[one.vm.deploy] Error getting host [7].', ErrorCode.NO_EXISTS]);
    expect(await f.as('one.vm.action', 'poweroff', 0)).toEqual([
      false,
      '[one.vm.action] Action "poweroff" is not modelled by the reference stack.',
      ErrorCode.ACTION,
    ]);
    expect((await f.as('one.vm.action', 'explode', 0))[1]).toBe('[one.vm.action] Action "explode" is not a VM action.');
  });

  it('takes the 4.4 names: shutdown and delete end a VM like terminate and terminate-hard', async () => {
    const f = fixture();
    await f.as('one.vm.allocate', SMALL_VM);
    await f.as('one.vm.allocate', SMALL_VM);
    expect(await f.as('one.vm.action', 'shutdown', 0)).toEqual([true, 0, 0]);
    expect(await f.as('one.vm.action', 'delete', 1)).toEqual([true, 1, 0]);
    const states = parseVmPool((await f.as('one.vmpool.info', -2, -1, -1, -2))[1] as string).map((v) => v.state);
    expect(states).toEqual([VmState.DONE, VmState.DONE]);
  });

  it('with enforce, refuses a host without room', async () => {
    const f = fixture();
    await f.as('one.host.allocate', 'h0', 'dummy', 'dummy', -1);
    await f.as('one.vm.allocate', 'CPU = 1\nMEMORY = 64\n');
    // never monitored: no capacity known
    expect(await f.as('one.vm.deploy', 0, 0, true)).toEqual([false, '[one.vm.deploy] Host 0 does not have enough capacity for the VM.', ErrorCode.ACTION]);
  });
});

describe('one.template', () => {
  it('registers a template, shows it, and instantiates it with an extra template merged over it', async () => {
    const f = fixture();
    expect(await f.as('one.template.allocate', `NAME = web\n${SMALL_VM.replace('NAME = small\n', '')}`)).toEqual([true, 0, 0]);
    const t = parseVmTemplate((await f.as('one.template.info', 0))[1] as string);
    expect([t.id, t.name, getSingle(t.template, 'MEMORY')]).toEqual([0, 'web', '512']);
    expect(await f.as('one.template.instantiate', 0, '', false, 'MEMORY = 1024')).toEqual([true, 0, 0]);
    expect(await f.as('one.template.instantiate', 0, 'named', true)).toEqual([true, 1, 0]);
    const [a, b] = parseVmPool((await f.as('one.vmpool.infoextended', -2, -1, -1, -2))[1] as string).reverse();
    expect([a!.name, getSingle(a!.template, 'MEMORY'), getSingle(a!.template, 'TEMPLATE_ID'), a!.state]).toEqual(['web-0', '1024', '0', VmState.PENDING]);
    expect([b!.name, getSingle(b!.template, 'MEMORY'), b!.state]).toEqual(['named', '512', VmState.HOLD]);
  });

  it('refuses an unknown template, a taken name, and a bad extra template with its position', async () => {
    const f = fixture();
    await f.as('one.template.allocate', 'NAME = web\nCPU = 1\nMEMORY = 64\n');
    expect(await f.as('one.template.instantiate', 3, '')).toEqual([
      false,
      '[one.template.instantiate] Error getting virtual machine template [3].',
      ErrorCode.NO_EXISTS,
    ]);
    expect((await f.as('one.template.allocate', 'NAME = web\n'))[2]).toBe(ErrorCode.ALLOCATE);
    expect((await f.as('one.template.instantiate', 0, '', false, 'MEMORY = [ 1'))[1]).toMatch(/Template error at line 1, column/);
  });
});

describe('documents', () => {
  it('every document the API returns validates against OpenNebula 7.4 XSDs', async () => {
    const f = stackFixture({
      profile: instant,
      drivers: {
        failTransfer: (r) => (r.vmId === 2 ? 'no space' : undefined),
        failVmm: (r) => (r.vmId === 3 && r.action === 'DEPLOY' ? 'boom' : undefined),
        failMonitor: (h) => (h === 'host02' ? 'ssh: connect to host host02: Connection refused' : undefined),
      },
    });
    const docs = new Map<SchemaName, Array<{ name: string; xml: string }>>();
    const keep = async (schema: SchemaName, name: string, method: string, ...args: unknown[]) => {
      const xml = (await f.call(method, ...args)) as string;
      docs.set(schema, [...(docs.get(schema) ?? []), { name, xml }]);
    };
    await f.clock.run(async () => {
      await f.call('one.host.allocate', 'host00', 'dummy', 'dummy', -1);
      await keep('host', 'host INIT', 'one.host.info', 0);
      await f.call('one.vm.allocate', `${SMALL_VM}CONTEXT = [ NETWORK = YES, SSH_PUBLIC_KEY = "ssh-ed25519 AAAA x@y" ]\nLOGO = "images/logos/linux.png"\nSCHED_ACTION = [ ACTION = terminate, TIME = 1 ]\n`);
      await keep('vm', 'vm PENDING', 'one.vm.info', 0);
      f.stack.start();
      await f.call('one.host.allocate', 'host01', 'dummy', 'dummy', -1);
      await f.call('one.host.allocate', 'host02', 'dummy', 'dummy', -1);
      await f.until(async () => (await f.hostStates()).every((s) => s === HostState.MONITORED || s === HostState.ERROR));
      for (const template of [SMALL_VM, `${SMALL_VM}DISK = [ TYPE = swap, SIZE = 64 ]\n`, SMALL_VM, SMALL_VM, 'NAME = huge\nCPU = 64\nMEMORY = 64\n']) {
        await f.call('one.vm.allocate', template);
      }
      await f.call('one.template.allocate', `NAME = tpl\n${SMALL_VM}`);
      await f.until(async () => f.stack.actionsInFlight === 0 && f.cycles.length > 2);
      await f.call('one.vm.action', 'terminate', 1);
      await f.until(async () => f.stack.actionsInFlight === 0);
      for (let id = 0; id <= 5; id += 1) await keep('vm', `vm ${id}`, 'one.vm.info', id);
      for (let id = 0; id <= 2; id += 1) await keep('host', `host ${id}`, 'one.host.info', id);
      await keep('vm_pool', 'vmpool.info', 'one.vmpool.info', -2, -1, -1, -2);
      await keep('vm_pool_extended', 'vmpool.infoextended', 'one.vmpool.infoextended', -2, -1, -1, -2);
      await keep('vm_pool', 'empty vmpool.info', 'one.vmpool.info', -2, 100, -1, -2);
      await keep('host_pool', 'hostpool.info', 'one.hostpool.info');
      await keep('vmtemplate', 'template.info', 'one.template.info', 0);
      await keep('vmtemplate_pool', 'templatepool.info', 'one.templatepool.info', -2, -1, -1);
      f.stack.stop();
    });
    // the run went through every state the documents can show
    const vms = parseVmPool(docs.get('vm_pool_extended')![0]!.xml);
    expect(new Set(vms.map((v) => `${v.state}/${v.lcmState}`))).toEqual(
      new Set(['3/3', '6/0', '3/39', '3/36', '1/0']),
    );
    expect(docs.get('host')!.map((d) => parseHost(d.xml).state)).toEqual([HostState.INIT, HostState.MONITORED, HostState.MONITORED, HostState.ERROR]);
    let checked = 0;
    for (const [schema, list] of docs) {
      const verdicts = await validateXsdMany(list, schema);
      for (const [name, verdict] of verdicts) {
        expect({ name, errors: verdict.errors }).toEqual({ name, errors: [] });
        checked += 1;
      }
    }
    expect(checked).toBe(17);
  });
});

describe('API service time', () => {
  it('makes a serial client pay every call, while parallel calls share MAX_CONN workers', async () => {
    const profile = { extends: 'optimized', api: { MAX_CONN: 4, callMs: 0, methodMs: { 'one.vm.allocate': 50 }, poolObjectMs: 0 } } as const;
    const serial = stackFixture({ profile });
    await serial.clock.run(async () => {
      for (let i = 0; i < 8; i += 1) await serial.call('one.vm.allocate', SMALL_VM);
    });
    expect(serial.clock.now()).toBe(400);
    const parallel = stackFixture({ profile });
    await parallel.clock.run(() => Promise.all(Array.from({ length: 8 }, () => parallel.call('one.vm.allocate', SMALL_VM))));
    expect(parallel.clock.now()).toBe(100);
  });

  it('charges pool dumps per object returned', async () => {
    const profile = { extends: 'optimized', api: { MAX_CONN: 4, callMs: 10, methodMs: {}, poolObjectMs: 0.5 } } as const;
    const f = stackFixture({ profile });
    await f.clock.run(async () => {
      await Promise.all(Array.from({ length: 20 }, () => f.call('one.vm.allocate', SMALL_VM)));
      const before = f.clock.now();
      await f.call('one.vmpool.info', -2, -1, -1, -2);
      expect(f.clock.now() - before).toBe(10 + 20 * 0.5);
    });
  });
});
