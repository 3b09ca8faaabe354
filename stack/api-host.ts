/**
 * one.host.allocate (7.x's four arguments and 4.4's five, with the network driver), one.host.info
 * and one.hostpool.info. A new host is INIT until the information manager has monitored it.
 */
import { ErrorCode, fail, ok } from '../opennebula/errors.js';
import type { MethodDefinition } from './api.js';
import type { ParamSpec } from './api-params.js';
import type { HeadNode } from './head-node.js';
import { HostBodies } from './vm-fragments.js';

/** The only cluster of the reference stack; -1 means "the default cluster", as in 7.x. */
const DEFAULT_CLUSTER = { id: 0, name: 'default' } as const;

const ALLOCATE_7: readonly ParamSpec[] = [
  { name: 'hostname', type: 'string' },
  { name: 'im_mad', type: 'string' },
  { name: 'vmm_mad', type: 'string' },
  { name: 'cluster id', type: 'int' },
];

const ALLOCATE_4_4: readonly ParamSpec[] = [
  { name: 'hostname', type: 'string' },
  { name: 'im_mad', type: 'string' },
  { name: 'vmm_mad', type: 'string' },
  { name: 'vnm_mad', type: 'string' },
  { name: 'cluster id', type: 'int' },
];

export function hostMethods(node: HeadNode): Record<string, MethodDefinition> {
  const bodies = new HostBodies();
  return {
    'one.host.allocate': {
      // 4.4 put the network driver fourth; a string there tells the two forms apart
      params: (params) => (typeof params[4] === 'string' ? ALLOCATE_4_4 : ALLOCATE_7),
      handle(args) {
        const method = 'one.host.allocate';
        const [name, imMad, vmmMad] = args as [string, string, string];
        const clusterId = (typeof args[3] === 'string' ? args[4] : args[3]) as number;
        if (name.trim() === '') return fail(method, 'Error allocating a new host. Invalid NAME, it cannot be empty.', ErrorCode.ALLOCATE);
        const taken = node.hosts.byName(name);
        if (taken) return fail(method, `Error allocating a new host. NAME is already taken by HOST ${taken.id}.`, ErrorCode.ALLOCATE);
        if (clusterId !== -1 && clusterId !== DEFAULT_CLUSTER.id) {
          return fail(method, `Error getting cluster [${clusterId}].`, ErrorCode.NO_EXISTS);
        }
        const host = node.hosts.allocate(name, imMad, vmmMad, DEFAULT_CLUSTER.id, DEFAULT_CLUSTER.name);
        return ok(host.id);
      },
    },

    'one.host.info': {
      params: [
        { name: 'id', type: 'int' },
        { name: 'decrypt', type: 'boolean', optional: true },
      ],
      handle([id]) {
        const host = node.hosts.get(id as number);
        return host
          ? ok(bodies.of(host))
          : fail('one.host.info', `Error getting host [${id as number}].`, ErrorCode.NO_EXISTS);
      },
    },

    'one.host.delete': {
      params: [{ name: 'id', type: 'int' }],
      handle([id]) {
        const method = 'one.host.delete';
        const host = node.hosts.get(id as number);
        if (!host) return fail(method, `Error getting host [${id as number}].`, ErrorCode.NO_EXISTS);
        // RequestManagerDelete.cc HostDelete::drop
        if (host.vmIds.size > 0) return fail(method, 'Can not remove a host with running VMs', ErrorCode.INTERNAL);
        node.hosts.drop(host);
        return ok(host.id);
      },
    },

    'one.hostpool.info': {
      params: [],
      objects: () => node.hosts.size,
      handle() {
        // each document in its ready parts (vm-fragments.ts), joined once
        return ok(bodies.pool(node.hosts.values()));
      },
    },
  };
}
