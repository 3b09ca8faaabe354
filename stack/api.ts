/**
 * The head node's XML-RPC API as a method table: name -> handler over plain values, returning
 * what oned returns, `[true, value, 0]` or `[false, "[method] message", code]`. Every call is
 * served on one of the API's request workers (api-gate.ts), then authenticated from its session
 * string `user:password` (split at the first ':'), then its parameters are type-checked, then
 * the method runs: the order in which oned's Request::execute does these.
 */
import { authenticationFailure, ErrorCode, fail, type ApiResult } from '../opennebula/errors.js';
import type { ApiGate } from './api-gate.js';
import { checkParams, type ParamSpec } from './api-params.js';

export interface MethodDefinition {
  /** the parameters after the session; a function when the method has more than one form */
  params: readonly ParamSpec[] | ((params: readonly unknown[]) => readonly ParamSpec[]);
  /** how many objects the call dumps, for its service time (pool calls) */
  objects?: () => number;
  /** runs with parameters already checked: `args` are the parameters after the session */
  handle(args: readonly unknown[]): ApiResult;
}

export type MethodHandler = (params: unknown[]) => Promise<ApiResult>;

export class StackApi {
  /** The table a harness endpoint or an XML-RPC front end dispatches into. */
  readonly table: ReadonlyMap<string, MethodHandler>;

  constructor(
    definitions: Readonly<Record<string, MethodDefinition>>,
    private readonly gate: ApiGate,
    private readonly users: Readonly<Record<string, string>>,
  ) {
    const table = new Map<string, MethodHandler>();
    for (const [method, definition] of Object.entries(definitions)) {
      table.set(method, (params) => this.serve(method, definition, params));
    }
    this.table = table;
  }

  call(method: string, params: unknown[]): Promise<ApiResult> {
    const handler = this.table.get(method);
    if (!handler) {
      return Promise.resolve(
        fail(method, `The reference stack does not offer the method ${method}.`, ErrorCode.XML_RPC_API),
      );
    }
    return handler(params);
  }

  methods(): string[] {
    return [...this.table.keys()];
  }

  private serve(method: string, definition: MethodDefinition, params: unknown[]): Promise<ApiResult> {
    return this.gate.serve(
      method,
      () => {
        if (!Array.isArray(params)) return fail(method, 'Parameters must be an array.', ErrorCode.XML_RPC_API);
        const session = params[0];
        if (typeof session !== 'string') {
          return fail(method, `Parameter 1 (session) must be a string "user:password", got ${typeof session}.`, ErrorCode.XML_RPC_API);
        }
        if (!this.authenticate(session)) return authenticationFailure(method);
        const specs = typeof definition.params === 'function' ? definition.params(params) : definition.params;
        const refused = checkParams(method, params, specs);
        if (refused) return refused;
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
