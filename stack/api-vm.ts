/**
 * one.vm.* and one.vmpool.*: allocate, info, deploy, action and the pool listings, with the
 * arguments, checks and messages of oned 7 (its XML-RPC API reference), plus the 4.4 action names.
 */
import { ErrorCode, fail, ok, type ApiResult } from '../opennebula/errors.js';
import { LcmState, VmState, vmDisplayState } from '../opennebula/states.js';
import { parseTemplate, TemplateSyntaxError, type Template } from '../opennebula/template.js';
import { renderVm, renderVmPool } from '../opennebula/vm-xml.js';
import type { MethodDefinition } from './api.js';
import { toVmDocument } from './documents.js';
import type { HeadNode } from './head-node.js';
import { cpuShare } from './pools.js';
import { epochSeconds, type VmRecord } from './records.js';
import { freezeShape, instantiateShape, shapeVm, type VmShapeResult } from './vm-template.js';
import { ShortBodies } from './vm-fragments.js';

/** Parses a template argument; a syntax error is INTERNAL with its position, as oned answers it. */
export function parseTemplateArgument(method: string, text: string): Template | ApiResult {
  try {
    return parseTemplate(text);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return fail(method, error.message, ErrorCode.INTERNAL);
    throw error;
  }
}

export function isApiResult(value: Template | ApiResult): value is ApiResult {
  return typeof value[0] === 'boolean';
}

/** VirtualMachinePool::allocate: checks and completes the template, then stores the VM PENDING (or HOLD). */
export function createVm(node: HeadNode, method: string, template: Template, hold: boolean, templateId?: number, name?: string): ApiResult {
  return storeVm(node, method, shapeVm(template, node.images), hold, templateId, name);
}

function storeVm(node: HeadNode, method: string, shaped: VmShapeResult, hold: boolean, templateId?: number, name?: string): ApiResult {
  if (!shaped.ok) return fail(method, `Error allocating a new virtual machine. ${shaped.message}`, ErrorCode.ALLOCATE);
  const id = node.vms.peekId();
  const def = instantiateShape(shaped.shape, id, templateId === undefined ? {} : { templateId });
  const state = hold ? VmState.HOLD : VmState.PENDING;
  const vm: VmRecord = {
    id,
    uid: 0,
    gid: 0,
    uname: 'oneadmin',
    gname: 'oneadmin',
    name: name ?? def.name,
    state,
    lcmState: LcmState.LCM_INIT,
    prevState: state,
    prevLcmState: LcmState.LCM_INIT,
    stime: epochSeconds(node.clock.epochMs()),
    etime: 0,
    deployId: '',
    cpu: def.cpu,
    vcpu: def.vcpu,
    memoryMiB: def.memoryMiB,
    disks: def.disks,
    ...(def.context ? { context: def.context } : {}),
    template: def.template,
    userTemplate: def.userTemplate,
    history: [],
  };
  node.vms.insert(vm);
  return ok(id);
}

/**
 * A load generator allocates 100,000 VMs from one template text: it is parsed and checked once,
 * and the VMs share the (frozen) result. Texts that fail are not kept, nor more than a few texts.
 */
class ShapeCache {
  private readonly shapes = new Map<string, VmShapeResult>();

  constructor(private readonly capacity = 64) {}

  shape(node: HeadNode, method: string, text: string): VmShapeResult | ApiResult {
    const known = this.shapes.get(text);
    if (known) return known;
    const template = parseTemplateArgument(method, text);
    if (isApiResult(template)) return template;
    const shaped = shapeVm(template, node.images);
    if (!shaped.ok) return shaped;
    // a generator of unique texts must not grow the head node without bound
    if (this.shapes.size >= this.capacity) this.shapes.clear();
    const frozen: VmShapeResult = { ok: true, shape: freezeShape(shaped.shape) };
    this.shapes.set(text, frozen);
    return frozen;
  }
}

const noVm = (method: string, id: number): ApiResult => fail(method, `Error getting virtual machine [${id}].`, ErrorCode.NO_EXISTS);

/** one.vm.action names: 7.x's, and 4.4's for the same operations. */
const ACTIONS: Readonly<Record<string, 'terminate' | 'terminate-hard' | 'hold' | 'release'>> = {
  terminate: 'terminate',
  'terminate-hard': 'terminate-hard',
  shutdown: 'terminate',
  'shutdown-hard': 'terminate-hard',
  cancel: 'terminate-hard',
  delete: 'terminate-hard',
  hold: 'hold',
  release: 'release',
};

/** What oned 7 accepts as an action name but the reference stack does not model. */
const NOT_MODELLED = new Set([
  'undeploy',
  'undeploy-hard',
  'poweroff',
  'poweroff-hard',
  'reboot',
  'reboot-hard',
  'stop',
  'suspend',
  'resume',
  'resched',
  'unresched',
  'boot',
  'delete-recreate',
  'restart',
  'resubmit',
  'reset',
  'finalize',
]);

export function vmMethods(node: HeadNode): Record<string, MethodDefinition> {
  const shapes = new ShapeCache();
  return {
    'one.vm.allocate': {
      params: [
        { name: 'template', type: 'string' },
        { name: 'hold', type: 'boolean', optional: true },
      ],
      handle([text, hold]) {
        const shaped = shapes.shape(node, 'one.vm.allocate', text as string);
        if (Array.isArray(shaped)) return shaped;
        return storeVm(node, 'one.vm.allocate', shaped, hold === true);
      },
    },

    'one.vm.info': {
      params: [
        { name: 'id', type: 'int' },
        { name: 'decrypt', type: 'boolean', optional: true },
      ],
      handle([id]) {
        const vm = node.vms.get(id as number);
        return vm ? ok(renderVm(toVmDocument(vm))) : noVm('one.vm.info', id as number);
      },
    },

    'one.vm.deploy': {
      params: [
        { name: 'vm id', type: 'int' },
        { name: 'host id', type: 'int' },
        { name: 'enforce', type: 'boolean', optional: true },
        { name: 'datastore id', type: 'int', optional: true },
        { name: 'extra template', type: 'string', optional: true },
      ],
      handle([vmId, hostId, enforce, dsId]) {
        const method = 'one.vm.deploy';
        const vm = node.vms.get(vmId as number);
        if (!vm) return noVm(method, vmId as number);
        const host = node.hosts.get(hostId as number);
        if (!host) return fail(method, `Error getting host [${hostId as number}].`, ErrorCode.NO_EXISTS);
        if (dsId !== undefined && dsId !== -1 && dsId !== 0) {
          return fail(method, `Error getting datastore [${dsId as number}].`, ErrorCode.NO_EXISTS);
        }
        if (enforce === true) {
          const maxCpu = host.monitor?.totalCpu ?? 0;
          const maxMem = host.monitor?.totalMemKiB ?? 0;
          if (host.cpuUsage + cpuShare(vm) > maxCpu || host.memUsageKiB + vm.memoryMiB * 1024 > maxMem) {
            return fail(method, `Host ${host.id} does not have enough capacity for the VM.`, ErrorCode.ACTION);
          }
        }
        const refused = node.lifecycle.deploy(vm, host);
        return refused ? fail(method, refused, ErrorCode.ACTION) : ok(vm.id);
      },
    },

    'one.vm.action': {
      params: [
        { name: 'action', type: 'string' },
        { name: 'vm id', type: 'int' },
      ],
      handle([name, id]) {
        const method = 'one.vm.action';
        const action = Object.hasOwn(ACTIONS, name as string) ? ACTIONS[name as string] : undefined;
        if (!action) {
          const why = NOT_MODELLED.has(name as string) ? 'is not modelled by the reference stack' : 'is not a VM action';
          return fail(method, `Action "${name as string}" ${why}.`, ErrorCode.ACTION);
        }
        const vm = node.vms.get(id as number);
        if (!vm) return noVm(method, id as number);
        const refused = vmAction(node, vm, action);
        return refused ? fail(method, `Error performing action "${name as string}": ${refused}`, ErrorCode.ACTION) : ok(vm.id);
      },
    },

    'one.vmpool.info': poolInfo(node, 'one.vmpool.info', 'short'),
    'one.vmpool.infoextended': poolInfo(node, 'one.vmpool.infoextended', 'extended'),
  };
}

function vmAction(node: HeadNode, vm: VmRecord, action: 'terminate' | 'terminate-hard' | 'hold' | 'release'): string | undefined {
  switch (action) {
    case 'terminate':
    case 'terminate-hard':
      return node.lifecycle.terminate(vm, action === 'terminate-hard');
    case 'hold':
    case 'release': {
      const from = action === 'hold' ? VmState.PENDING : VmState.HOLD;
      if (vm.state !== from) return `This action is not available for state ${vmDisplayState(vm.state, vm.lcmState)}`;
      vm.prevState = vm.state;
      vm.prevLcmState = vm.lcmState;
      vm.state = action === 'hold' ? VmState.HOLD : VmState.PENDING;
      node.vms.stateChanged(vm);
      return undefined;
    }
  }
}

/**
 * one.vmpool.info / infoextended(filter, start, end, state, query), read as oned 7 reads them
 * (RequestManagerPoolInfoFilter.cc): ownership filter (only oneadmin, uid 0, owns VMs here), id range when end >= -1
 * or pagination (offset start, page size -end) when end < -1, state -2 all / -1 all but DONE /
 * exactly that state, newest first (API_LIST_ORDER DESC). A query needs MySQL's JSON functions,
 * which this head node, like oned on SQLite, does not have.
 */
function poolInfo(node: HeadNode, method: string, body: 'short' | 'extended'): MethodDefinition {
  const shortBodies = body === 'short' ? new ShortBodies() : undefined;
  return {
    params: [
      { name: 'filter flag', type: 'int' },
      { name: 'start', type: 'int' },
      { name: 'end', type: 'int' },
      { name: 'state', type: 'int' },
      { name: 'query', type: 'string', optional: true },
    ],
    objects: () => node.vms.size,
    handle([filter, start, end, state, query]) {
      const f = filter as number;
      const s = start as number;
      const e = end as number;
      const st = state as number;
      if (f < -4) return fail(method, 'Incorrect filter_flag.', ErrorCode.XML_RPC_API);
      if (st < -2 || st > VmState.CLONING_FAILURE) return fail(method, 'Incorrect filter_flag, state.', ErrorCode.XML_RPC_API);
      if (typeof query === 'string' && query !== '') {
        return fail(method, 'JSON query search is not supported by the SQL backend.', ErrorCode.INTERNAL);
      }
      const wanted = (vm: VmRecord): boolean => {
        if (f >= 0 && vm.uid !== f) return false;
        if (st === -1) return vm.state !== VmState.DONE;
        if (st >= 0) return vm.state === st;
        return true;
      };
      // ids are dense and never reused: walk the range asked for, newest first, rather than the
      // whole pool (a poller pages through 100,000 VMs 2,000 ids at a time)
      const vms: VmRecord[] = [];
      if (e >= -1) {
        const last = e === -1 ? node.vms.peekId() - 1 : Math.min(e, node.vms.peekId() - 1);
        for (let id = last; id >= Math.max(s, 0); id -= 1) {
          const vm = node.vms.get(id);
          if (vm && wanted(vm)) vms.push(vm);
        }
      } else {
        let skip = Math.max(0, s);
        for (let id = node.vms.peekId() - 1; id >= 0 && vms.length < -e; id -= 1) {
          const vm = node.vms.get(id);
          if (!vm || !wanted(vm)) continue;
          if (skip > 0) skip -= 1;
          else vms.push(vm);
        }
      }
      // each body in its ready parts (vm-fragments.ts), joined once
      if (shortBodies) return ok(shortBodies.pool(vms));
      return ok(renderVmPool(vms.map(toVmDocument), body));
    },
  };
}
