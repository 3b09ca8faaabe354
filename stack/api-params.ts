/**
 * Parameter checks as xmlrpc-c's paramList.getInt/getString/getBoolean make them: a wrongly typed
 * or missing parameter is not one of OpenNebula's result arrays but an XML-RPC fault, xmlrpc-c's
 * type error -501, in process and on the wire alike. Extra trailing parameters are ignored, as
 * oned ignores them.
 */
import { FaultCode, XmlRpcFault } from '../opennebula/xmlrpc.js';

export type ParamType = 'string' | 'int' | 'boolean';

export interface ParamSpec {
  name: string;
  type: ParamType;
  /** absent -> the handler sees undefined (oned's `paramList.size() > n`) */
  optional?: boolean;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function typeOk(value: unknown, type: ParamType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `the number ${value} (outside a 32-bit int)` : `the number ${value}`;
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

const article = (type: ParamType): string => (type === 'int' ? 'an int' : `a ${type}`);

/**
 * Checks `params` (session first, at index 0) against `specs` (the parameters after the
 * session); throws the fault -501 naming the first parameter that lacks its type.
 */
export function checkParams(method: string, params: readonly unknown[], specs: readonly ParamSpec[]): void {
  for (const [i, spec] of specs.entries()) {
    const index = i + 1;
    const value = params[index];
    if (value === undefined && index >= params.length) {
      if (spec.optional) continue;
      throw typeFault(method, `Missing parameter ${index + 1} (${spec.name}): the method takes ${signature(specs)}.`);
    }
    if (!typeOk(value, spec.type)) {
      throw typeFault(method, `Parameter ${index + 1} (${spec.name}) must be ${article(spec.type)}, got ${describe(value)}.`);
    }
  }
}

/** xmlrpc-c's -501, its message naming the method as OpenNebula's own refusals do. */
export function typeFault(method: string, message: string): XmlRpcFault {
  return new XmlRpcFault(FaultCode.TYPE, `[${method}] ${message}`);
}

/** "session, id:int, decrypt:boolean?" */
export function signature(specs: readonly ParamSpec[]): string {
  return ['session:string', ...specs.map((s) => `${s.name}:${s.type}${s.optional ? '?' : ''}`)].join(', ');
}
