import type { ApiResult } from '../opennebula/errors.js';
import { UserError } from './errors.js';

/** One XML-RPC call as the wire carries it: `params` start with the session string. */
export interface ApiCall {
  method: string;
  params: unknown[];
}

/**
 * The stack as the harness reaches it: the OpenNebula XML-RPC API, nothing else. Embedded mode
 * calls the reference stack's method table directly; later modes put an XML-RPC client here.
 * `multicall` is `system.multicall`, which xmlrpc-c registers on every oned; an endpoint that
 * cannot offer it leaves it out.
 */
export interface StackEndpoint {
  call(method: string, params: unknown[]): Promise<ApiResult>;
  multicall?(calls: ApiCall[]): Promise<ApiResult[]>;
}

/** A handler of a method table: plain values in (session first), OpenNebula's result array out. */
export type MethodHandler = (params: unknown[]) => ApiResult | Promise<ApiResult>;

export type MethodTable = ReadonlyMap<string, MethodHandler> | Readonly<Record<string, MethodHandler>>;

export class UnknownMethodError extends UserError {
  override readonly name = 'UnknownMethodError';
  constructor(method: string) {
    super(`the stack does not offer the XML-RPC method "${method}"`);
  }
}

/**
 * An endpoint over a method table, for embedded runs. Multicall runs the sub-calls one after
 * another, as xmlrpc-c does in the connection's thread, so a burst sent this way reaches the
 * stack serialized exactly as it would reach oned.
 */
export function tableEndpoint(table: MethodTable): StackEndpoint {
  const lookup =
    table instanceof Map
      ? (method: string) => table.get(method)
      : (method: string) =>
          Object.hasOwn(table, method) ? (table as Readonly<Record<string, MethodHandler>>)[method] : undefined;
  const call = async (method: string, params: unknown[]): Promise<ApiResult> => {
    const handler = lookup(method);
    if (!handler) throw new UnknownMethodError(method);
    return handler(params);
  };
  return {
    call,
    async multicall(calls) {
      const results: ApiResult[] = [];
      for (const c of calls) results.push(await call(c.method, c.params));
      return results;
    },
  };
}
