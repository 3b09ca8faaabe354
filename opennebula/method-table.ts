/**
 * One method-table contract for both sides of the wire (docs/architecture.md, "The XML-RPC
 * wire"): a handler takes the call's parameters as the codec reads them (session first) and
 * answers a value, OpenNebula's result array for every `one.*` method; a fault is thrown as an
 * XmlRpcFault. The reference stack's table, the embedded endpoint and the XML-RPC server all
 * dispatch through `dispatch`, so an unknown method is answered the same way in process and on
 * the wire: xmlrpc-c's fault -506.
 */
import { FaultCode, XmlRpcFault, type XmlRpcValue } from './xmlrpc.js';

export type MethodHandler = (params: unknown[]) => XmlRpcValue | Promise<XmlRpcValue>;

export type MethodTable = ReadonlyMap<string, MethodHandler>;

/** xmlrpc-c's answer to a method the registry lacks. */
export function noSuchMethod(method: string): XmlRpcFault {
  return new XmlRpcFault(FaultCode.NO_SUCH_METHOD, `Method '${method}' not defined`);
}

/** Runs `method` from `table`; rejects with an XmlRpcFault for a method it lacks. */
export async function dispatch(table: MethodTable, method: string, params: unknown[]): Promise<XmlRpcValue> {
  const handler = table.get(method);
  if (!handler) throw noSuchMethod(method);
  return handler(params);
}
