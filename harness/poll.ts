import { readPoolFields, type PoolFields } from '../opennebula/pool-fields.js';
import { UserError } from './errors.js';
import type { StackEndpoint } from './endpoint.js';

/** A VM as `one.vmpool.info` shows it: enough to account for it and cross-check the trace. */
export interface PolledVm {
  id: number;
  /** VM STATE number */
  state: number;
  /** LCM_STATE number (meaningful when STATE is ACTIVE) */
  lcmState: number;
  /** USER_TEMPLATE/ERROR, where the stack writes a driver's failure message */
  error?: string;
  /** USER_TEMPLATE/SCHED_MESSAGE: why the scheduler could not place it (mm_sched's one.vm.update) */
  schedMessage?: string;
  /** host of the last history record */
  host?: string;
}

export class PollError extends UserError {
  override readonly name = 'PollError';
}

/** filter -2: every user's VMs; state -2: any state, DONE included (valid in 4.4 and 7.x). */
const ALL_USERS = -2;
const ANY_STATE = -2;

/**
 * Polls the stack for the given VMs with `one.vmpool.info` over ID ranges (the range filter
 * exists since 4.4, unlike pagination). A range spans at most `pageSize` ids and ends at a
 * wanted id; a gap of more than `maxGap` unwanted ids starts a new range, since every id in a
 * range is rendered and parsed whether we want it or not. So 100,000 VMs come in bounded
 * answers, and 1,000 scattered ones do not drag in the 100,000 around them.
 */
export async function pollVms(
  endpoint: StackEndpoint,
  session: string,
  vmIds: Iterable<number>,
  { pageSize = 2000, maxGap = 64 }: { pageSize?: number; maxGap?: number } = {},
): Promise<Map<number, PolledVm>> {
  const wanted = [...new Set(vmIds)].sort((a, b) => a - b);
  const wantedSet = new Set(wanted);
  const found = new Map<number, PolledVm>();
  let i = 0;
  while (i < wanted.length) {
    const start = wanted[i]!;
    let end = start;
    i += 1;
    while (i < wanted.length && wanted[i]! - start < pageSize && wanted[i]! - end <= maxGap + 1) end = wanted[i++]!;
    const answer = await endpoint.call('one.vmpool.info', [session, ALL_USERS, start, end, ANY_STATE]);
    if (answer[0] !== true) throw new PollError(`polling the stack's VMs failed: ${answer[1]}`);
    if (typeof answer[1] !== 'string') throw new PollError('one.vmpool.info answered something other than a VM_POOL document');
    for (const vm of parseVmPool(answer[1])) if (wantedSet.has(vm.id)) found.set(vm.id, vm);
  }
  return found;
}

const VM_FIELDS = ['ID', 'STATE', 'LCM_STATE', 'USER_TEMPLATE/ERROR', 'HISTORY_RECORDS/HISTORY/HOSTNAME', 'USER_TEMPLATE/SCHED_MESSAGE'] as const;

/**
 * The VMs of a VM_POOL document (short or full bodies, 4.4 or 7.x). Tolerant by design: only
 * ID, STATE and LCM_STATE are required, so a stack that writes less than oned still polls. Read
 * field by field (readPoolFields), without an element tree: a poll costs what it reads.
 */
export function parseVmPool(xml: string): PolledVm[] {
  const { root, items } = readPool(xml, 'one.vmpool.info', 'VM', VM_FIELDS);
  if (root !== 'VM_POOL') throw new PollError(`one.vmpool.info answered <${root}> instead of a VM_POOL document`);
  const vms = new Array<PolledVm>(items.length);
  for (let i = 0; i < items.length; i += 1) {
    const [idText, stateText, lcmText, error, host, schedMessage] = items[i]!;
    const id = intField(idText, 'ID');
    const vm: PolledVm = { id, state: intField(stateText, 'STATE', id), lcmState: intField(lcmText, 'LCM_STATE', id) };
    if (error !== undefined && error !== '') vm.error = error;
    if (host !== undefined) vm.host = host;
    if (schedMessage !== undefined && schedMessage !== '') vm.schedMessage = schedMessage;
    vms[i] = vm;
  }
  return vms;
}

/** Name and STATE of each host in a HOST_POOL document: all a wait for monitored hosts needs. */
export function parseHostStates(xml: string): Array<{ name: string; state: number }> {
  const { items } = readPool(xml, 'one.hostpool.info', 'HOST', ['NAME', 'STATE']);
  return items.map(([name, state]) => ({ name: name ?? '?', state: state === undefined ? Number.NaN : Number(state) }));
}

function readPool(xml: string, method: string, member: string, fields: readonly string[]): PoolFields {
  try {
    return readPoolFields(xml, member, fields);
  } catch (error) {
    throw new PollError(`${method} answered a document that is not XML: ${(error as Error).message}`);
  }
}

function intField(raw: string | undefined, name: string, vmId?: number): number {
  const value = raw === undefined ? Number.NaN : Number(raw);
  if (!Number.isInteger(value)) {
    const which = vmId === undefined ? 'a VM' : `VM ${vmId}`;
    throw new PollError(`one.vmpool.info answered ${which} without a whole-number ${name}`);
  }
  return value;
}
