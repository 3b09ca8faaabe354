/**
 * One line of trace.jsonl: something that happened to a VM or a host, at an emulated time.
 * The harness writes `submit`/`send`/`answer`; the driver tap writes `tm.*`/`vmm.*`; the host
 * farm's own events (guest boot, NET-MSG, lost VMs, host crashes) are mapped onto the same shape.
 */
export type TraceEventType =
  /** harness: the intended submit time of request `index` (the START boundary) */
  | 'submit'
  /** harness: the request left the client later than intended (client overhead or queueing) */
  | 'send'
  /** harness: the stack answered the allocate; `vmId` on success, `result: FAILURE` and `info` otherwise */
  | 'answer'
  /** TM driver received / answered a TRANSFER; `action` is the transfer file's op, `prolog` or `epilog` */
  | 'tm.start'
  | 'tm.end'
  /** VMM driver received / answered an action; `action` is DEPLOY, SHUTDOWN or CANCEL */
  | 'vmm.start'
  | 'vmm.end'
  /** farm: the guest began to boot on its host */
  | 'boot'
  /** farm: the guest's boot ended: SUCCESS just before its NET-MSG, FAILURE (`info` why) if it never will come up */
  | 'boot.end'
  /** farm: the guest's boot started reading its working set from the image store; `action` the image, `info` the MB */
  | 'store.read'
  /** farm: an action started / finished setting up its SSH connection on the head node; `action` the operation */
  | 'ssh.start'
  | 'ssh.end'
  /** IM driver received / answered MONITOR for `host` */
  | 'im.start'
  | 'im.end'
  /** harness: an XML-RPC call left for the stack / its answer came back; `action` the method */
  | 'api.send'
  | 'api.answer'
  /** farm: the guest's message reached the collector: the VM is up */
  | 'net-msg'
  /** farm: the VM is gone (its host crashed); `info` says why */
  | 'lost'
  /** farm: something happened to a host as a whole; `action` names it (e.g. `crash`) */
  | 'host'
  /** harness: polling the stack found the VM in a new state; `info` is its display name, `host` its history's host */
  | 'state'
  /**
   * harness: polling found the VM past boundary `action` (PROLOG, BOOT, RUNNING, NET-MSG), or
   * failed (`action` FAILURE, `result` FAILURE): stages from polling, against a stack whose drivers
   * are not ours (harness/polled-stages.ts)
   */
  | 'polled'
  /** farm: a fault was injected into an action (`action` the operation, `info` fail: <message> or hang) */
  | 'fault';

export type TraceResult = 'SUCCESS' | 'FAILURE';

export interface TraceEvent {
  /** emulated milliseconds since the run's origin */
  t: number;
  type: TraceEventType;
  /** the request's position in the burst, for harness events sent before the VM has an id */
  index?: number;
  vmId?: number;
  host?: string;
  action?: string;
  result?: TraceResult;
  info?: string;
}

/** One JSON object, keys always in this order, no whitespace: lines diff cleanly run against run. */
export function traceLine(e: TraceEvent): string {
  let s = `{"t":${num(e.t)},"type":"${e.type}"`;
  if (e.index !== undefined) s += `,"index":${num(e.index)}`;
  if (e.vmId !== undefined) s += `,"vmId":${num(e.vmId)}`;
  if (e.host !== undefined) s += `,"host":${JSON.stringify(e.host)}`;
  if (e.action !== undefined) s += `,"action":${JSON.stringify(e.action)}`;
  if (e.result !== undefined) s += `,"result":"${e.result}"`;
  if (e.info !== undefined) s += `,"info":${JSON.stringify(e.info)}`;
  return `${s}}`;
}

function num(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}
