import type { ApiResult } from '../opennebula/errors.js';
import { dispatch, type MethodHandler, type MethodTable } from '../opennebula/method-table.js';
import { FaultCode, XmlRpcFault, type XmlRpcValue } from '../opennebula/xmlrpc.js';
import { UserError } from './errors.js';

export type { MethodHandler, MethodTable };

/** One XML-RPC call as the wire carries it: `params` start with the session string. */
export interface ApiCall {
  method: string;
  params: unknown[];
}

/**
 * The stack as the harness reaches it: the OpenNebula XML-RPC API, nothing else. Embedded mode
 * calls the reference stack's method table directly (tableEndpoint); the other modes reach it
 * over the wire (xmlrpc-client.ts). `multicall` is `system.multicall`, which xmlrpc-c registers
 * on every oned; an endpoint that cannot offer it leaves it out. A fault, in process or on the
 * wire, rejects with the same UserError (faultError).
 */
export interface StackEndpoint {
  call(method: string, params: unknown[]): Promise<ApiResult>;
  multicall?(calls: ApiCall[]): Promise<ApiResult[]>;
}

export class UnknownMethodError extends UserError {
  override readonly name = 'UnknownMethodError';
  constructor(method: string, where = 'the stack') {
    super(`${where} does not offer the XML-RPC method "${method}"`);
  }
}

/** A fault the stack answered, with xmlrpc-c's code. */
export class StackFaultError extends UserError {
  override readonly name = 'StackFaultError';
  constructor(
    readonly code: number,
    method: string,
    message: string,
    where: string,
  ) {
    super(`${where} answered ${method} with XML-RPC fault ${code}: ${message}`);
  }
}

/** The error a fault becomes in the harness, whichever way the stack is reached. */
export function faultError(fault: { code: number; message: string }, method: string, where = 'the stack'): UserError {
  if (fault.code === FaultCode.NO_SUCH_METHOD) return new UnknownMethodError(method, where);
  return new StackFaultError(fault.code, method, fault.message, where);
}

/** An answer that must be OpenNebula's result array: `[true, value, 0]` or `[false, message, code, ...]`. */
export function asApiResult(value: XmlRpcValue, method: string, where = 'the stack'): ApiResult {
  if (Array.isArray(value) && value.length >= 2 && typeof value[0] === 'boolean') {
    const [okay, second, code] = value as readonly XmlRpcValue[];
    if (okay ? ['string', 'number', 'boolean'].includes(typeof second) : typeof second === 'string' && typeof code === 'number') {
      return value as unknown as ApiResult;
    }
  }
  throw new UserError(`${where} answered ${method} with something other than an OpenNebula result array`);
}

/** The `system.multicall` parameter for `calls`. */
export function multicallParams(calls: readonly ApiCall[]): XmlRpcValue[] {
  return [calls.map((c) => ({ methodName: c.method, params: c.params as XmlRpcValue[] }))];
}

/** Unpacks a `system.multicall` answer: `[result]` per call, or a fault struct, which rejects. */
export function multicallResults(answer: XmlRpcValue, calls: readonly ApiCall[], where = 'the stack'): ApiResult[] {
  if (!Array.isArray(answer) || answer.length !== calls.length) {
    throw new UserError(`${where} answered system.multicall with ${Array.isArray(answer) ? `${answer.length} results` : 'no array'} for ${calls.length} calls`);
  }
  return (answer as readonly XmlRpcValue[]).map((one, i) => {
    const method = calls[i]!.method;
    if (Array.isArray(one) && one.length === 1) return asApiResult(one[0] as XmlRpcValue, method, where);
    const fault = one as Record<string, XmlRpcValue> | null;
    if (fault && typeof fault === 'object' && typeof fault.faultCode === 'number' && typeof fault.faultString === 'string') {
      throw faultError({ code: fault.faultCode, message: fault.faultString }, method, where);
    }
    throw new UserError(`${where} answered call ${i + 1} of a system.multicall (${method}) with neither a result nor a fault`);
  });
}

/**
 * An endpoint over a method table, for embedded runs: the same dispatch the XML-RPC server
 * makes, so faults and unknown methods surface as they would over the wire. `multicall` is the
 * table's own `system.multicall` when it has one.
 */
export function tableEndpoint(table: MethodTable | Readonly<Record<string, MethodHandler>>): StackEndpoint {
  const methods: MethodTable = table instanceof Map ? table : new Map(Object.entries(table));
  const invoke = async (method: string, params: unknown[]): Promise<XmlRpcValue> => {
    try {
      return await dispatch(methods, method, params);
    } catch (error) {
      if (error instanceof XmlRpcFault) throw faultError(error, method);
      throw error;
    }
  };
  const endpoint: StackEndpoint = {
    call: async (method, params) => asApiResult(await invoke(method, params), method),
  };
  if (methods.has('system.multicall')) {
    endpoint.multicall = async (calls) => multicallResults(await invoke('system.multicall', multicallParams(calls)), calls);
  }
  return endpoint;
}

/**
 * The endpoint with each call's send and answer recorded (`api.send` / `api.answer`, `action` the
 * method), so a detector can see the stack's answer times grow. `one.vm.allocate` is left to the
 * load generator, whose submit/send/answer events already carry each request's position.
 */
export function tapEndpoint(
  endpoint: StackEndpoint,
  now: () => number,
  record: (e: { t: number; type: 'api.send' | 'api.answer'; action: string; result?: 'FAILURE'; info?: string }) => void,
): StackEndpoint {
  const timed = async <T>(method: string, call: () => Promise<T>, failed: (answer: T) => boolean): Promise<T> => {
    record({ t: now(), type: 'api.send', action: method });
    try {
      const answer = await call();
      record(failed(answer) ? { t: now(), type: 'api.answer', action: method, result: 'FAILURE' } : { t: now(), type: 'api.answer', action: method });
      return answer;
    } catch (error) {
      record({ t: now(), type: 'api.answer', action: method, result: 'FAILURE', info: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  };
  const tapped: StackEndpoint = {
    // the allocates, one per VM, go straight through: no promise of ours around each
    call: (method, params) => (method === UNTAPPED ? endpoint.call(method, params) : timed(method, () => endpoint.call(method, params), (a) => a[0] !== true)),
  };
  const { multicall } = endpoint;
  if (multicall) tapped.multicall = (calls) => timed('system.multicall', () => multicall.call(endpoint, calls), () => false);
  return tapped;
}

const UNTAPPED = 'one.vm.allocate';
