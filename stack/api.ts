/**
 * The head node's XML-RPC API as a method table: name -> handler over plain values, returning
 * what oned returns, `[true, value, 0]` or `[false, "[method] message", code]`. Every call is
 * served on one of the API's request workers (api-gate.ts), then authenticated from its session
 * string `user:password` (split at the first ':'), then its parameters are type-checked, then
 * the method runs: the order in which oned's Request::execute does these. A session or a
 * parameter of the wrong type is xmlrpc-c's fault -501 (thrown as an XmlRpcFault), not a
 * result array.
 */
import { authenticationFailure, type ApiResult } from '../opennebula/errors.js';
import { dispatch, type MethodHandler, type MethodTable } from '../opennebula/method-table.js';
import { FaultCode, XmlRpcFault, type XmlRpcValue } from '../opennebula/xmlrpc.js';
import type { ApiGate } from './api-gate.js';
import { checkParams, typeFault, type ParamSpec } from './api-params.js';

export interface MethodDefinition {
  /** the parameters after the session; a function when the method has more than one form */
  params: readonly ParamSpec[] | ((params: readonly unknown[]) => readonly ParamSpec[]);
  /** how many objects the call dumps, for its service time (pool calls) */
  objects?: () => number;
  /** runs with parameters already checked: `args` are the parameters after the session */
  handle(args: readonly unknown[]): ApiResult;
}

export type { MethodHandler };

export class StackApi {
  /** The table a harness endpoint or an XML-RPC front end dispatches into, `system.multicall` included. */
  readonly table: MethodTable;

  constructor(
    definitions: Readonly<Record<string, MethodDefinition>>,
    private readonly gate: ApiGate,
    private readonly users: Readonly<Record<string, string>>,
  ) {
    const table = new Map<string, MethodHandler>();
    for (const [method, definition] of Object.entries(definitions)) {
      table.set(method, (params) => this.serve(method, definition, params));
    }
    table.set('system.multicall', systemMulticall(table));
    this.table = table;
  }

  /** One call through the table, as the wire would make it: a fault rejects with an XmlRpcFault. */
  async call(method: string, params: unknown[]): Promise<ApiResult> {
    return (await dispatch(this.table, method, params)) as ApiResult;
  }

  methods(): string[] {
    return [...this.table.keys()];
  }

  private serve(method: string, definition: MethodDefinition, params: unknown[]): Promise<ApiResult> {
    return this.gate.serve(
      method,
      () => {
        const session = params[0];
        if (typeof session !== 'string') {
          throw typeFault(method, `Parameter 1 (session) must be a string "user:password", got ${session === undefined ? 'nothing' : typeof session}.`);
        }
        if (!this.authenticate(session)) return authenticationFailure(method);
        const specs = typeof definition.params === 'function' ? definition.params(params) : definition.params;
        checkParams(method, params, specs);
        return definition.handle(params.slice(1));
      },
      definition.objects,
    );
  }

  private authenticate(session: string): boolean {
    const colon = session.indexOf(':');
    if (colon < 0) return false;
    const user = session.slice(0, colon);
    return Object.hasOwn(this.users, user) && this.users[user] === session.slice(colon + 1);
  }
}

/**
 * xmlrpc-c's `system.multicall`: the calls run one after another (in oned, in the connection's
 * thread), each answered `[value]` or with a fault struct; a call of `system.multicall` itself is
 * refused (the recursion guard, fault -507), and so is a call that is not
 * `{methodName: string, params: array}`. A multicall whose parameter is not one array is a fault
 * of its own.
 */
function systemMulticall(table: MethodTable): MethodHandler {
  return async (params) => {
    const calls = params[0];
    if (params.length !== 1 || !Array.isArray(calls)) {
      throw new XmlRpcFault(FaultCode.TYPE, 'system.multicall takes one parameter, an array of {methodName, params} structs');
    }
    const results: XmlRpcValue[] = [];
    for (const call of calls as unknown[]) {
      try {
        const { methodName, params: callParams } = (call ?? {}) as { methodName?: unknown; params?: unknown };
        if (typeof methodName !== 'string' || !Array.isArray(callParams)) {
          throw new XmlRpcFault(FaultCode.TYPE, 'a system.multicall call must be a struct {methodName: string, params: array}');
        }
        if (methodName === 'system.multicall') throw new XmlRpcFault(FaultCode.REQUEST_REFUSED, 'Recursive system.multicall forbidden');
        results.push([await dispatch(table, methodName, callParams)]);
      } catch (error) {
        if (!(error instanceof XmlRpcFault)) throw error;
        results.push({ faultCode: error.code, faultString: error.message });
      }
    }
    return results;
  };
}
