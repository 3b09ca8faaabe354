import { XMLParser } from 'fast-xml-parser';
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
  /** host of the last history record */
  host?: string;
}

export class PollError extends UserError {
  override readonly name = 'PollError';
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'VM' || name === 'HISTORY',
});

/** filter -2: every user's VMs; state -2: any state, DONE included (valid in 4.4 and 7.x). */
const ALL_USERS = -2;
const ANY_STATE = -2;

/**
 * Polls the stack for the given VMs with `one.vmpool.info` over ID ranges of at most `pageSize`
 * ids (the range filter exists since 4.4, unlike pagination, and a range only holds ids we
 * own or others' VMs we skip), so even 100,000 VMs come in bounded answers.
 */
export async function pollVms(
  endpoint: StackEndpoint,
  session: string,
  vmIds: Iterable<number>,
  { pageSize = 2000 }: { pageSize?: number } = {},
): Promise<Map<number, PolledVm>> {
  const wanted = [...new Set(vmIds)].sort((a, b) => a - b);
  const wantedSet = new Set(wanted);
  const found = new Map<number, PolledVm>();
  let i = 0;
  while (i < wanted.length) {
    const start = wanted[i]!;
    const end = start + pageSize - 1;
    const answer = await endpoint.call('one.vmpool.info', [session, ALL_USERS, start, end, ANY_STATE]);
    if (answer[0] !== true) throw new PollError(`polling the stack's VMs failed: ${answer[1]}`);
    if (typeof answer[1] !== 'string') throw new PollError('one.vmpool.info answered something other than a VM_POOL document');
    for (const vm of parseVmPool(answer[1])) if (wantedSet.has(vm.id)) found.set(vm.id, vm);
    while (i < wanted.length && wanted[i]! <= end) i += 1;
  }
  return found;
}

/** The VMs of a VM_POOL document (short or full bodies, 4.4 or 7.x). */
export function parseVmPool(xml: string): PolledVm[] {
  let doc: { VM_POOL?: { VM?: RawVm[] } | '' };
  try {
    doc = parser.parse(xml) as typeof doc;
  } catch (error) {
    throw new PollError(`one.vmpool.info answered a document that is not XML: ${(error as Error).message}`);
  }
  if (doc.VM_POOL === undefined) throw new PollError('one.vmpool.info answered a document without a VM_POOL element');
  const vms = doc.VM_POOL === '' ? [] : (doc.VM_POOL.VM ?? []);
  return vms.map((raw) => {
    const vm: PolledVm = { id: Number(raw.ID), state: Number(raw.STATE), lcmState: Number(raw.LCM_STATE) };
    const error = typeof raw.USER_TEMPLATE === 'object' ? raw.USER_TEMPLATE.ERROR : undefined;
    if (typeof error === 'string' && error !== '') vm.error = error;
    const history = typeof raw.HISTORY_RECORDS === 'object' ? raw.HISTORY_RECORDS.HISTORY : undefined;
    const last = history?.[history.length - 1];
    if (last && typeof last.HOSTNAME === 'string') vm.host = last.HOSTNAME;
    return vm;
  });
}

interface RawVm {
  ID: string;
  STATE: string;
  LCM_STATE: string;
  USER_TEMPLATE?: { ERROR?: unknown } | '';
  HISTORY_RECORDS?: { HISTORY?: { HOSTNAME?: unknown }[] } | '';
}
