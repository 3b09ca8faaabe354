/**
 * The host farm's wire, as plain as the MAD protocol: one HTTP POST per driver action, its body
 * one line of JSON, its answer the MAD reply as one line of JSON. Requests carry their ids, and
 * answers come back whenever the action ends, in any order (each exchange is its own request).
 *
 *   POST /tm       {"transport":"persistent","request":{TransferRequest}}   -> {MadReply}
 *   POST /vmm      {"transport":"ssh","request":{VmmRequest}}               -> {MadReply}
 *   POST /im       {"transport":"persistent","request":{MonitorRequest}}    -> {MadReply}
 *   POST /net-msg  {"vmId":17,"host":"host-03","name":"vm-17"}              -> 204 (the NET-MSG collector)
 *
 * A body the server cannot read is answered 400 with one sentence; an unknown path 404.
 */
import type { DriverTransport, MadReply } from '../opennebula/driver.js';

export type FarmPath = '/tm' | '/vmm' | '/im';

export interface FarmCall<R> {
  transport: DriverTransport;
  request: R;
}

/** A NET-MSG as a guest sends it to the collector. */
export interface NetMsgCall {
  vmId: number;
  host: string;
  name?: string;
}

export function isMadReply(value: unknown): value is MadReply {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r['action'] === 'string' && (r['result'] === 'SUCCESS' || r['result'] === 'FAILURE') && typeof r['id'] === 'number' && typeof r['info'] === 'string';
}
