import { describe, expect, it } from 'vitest';
import { ErrorCode, fail, ok, type ApiResult } from '../opennebula/errors.js';
import { FaultCode, XmlRpcFault } from '../opennebula/xmlrpc.js';
import { StackFaultError, tableEndpoint, UnknownMethodError, type MethodHandler } from './endpoint.js';

describe('tableEndpoint', () => {
  /** A fresh table per test: its ids and its log of calls start over, whatever ran before. */
  const fixture = () => {
    const seen: string[] = [];
    let next = 0;
    const table: Record<string, MethodHandler> = {
      'one.vm.allocate': (params) => {
        seen.push(String(params[1]));
        return params[0] === 'oneadmin:pw' ? ok(next++) : fail('one.vm.allocate', 'bad session', ErrorCode.AUTHENTICATION);
      },
      'one.system.version': async () => ok('7.4.0'),
    };
    return { seen, table };
  };

  it('calls the handler with the params as sent, session first', async () => {
    const { table } = fixture();
    const endpoint = tableEndpoint(table);
    await expect(endpoint.call('one.vm.allocate', ['oneadmin:pw', 'CPU=1'])).resolves.toEqual([true, 0, 0]);
    await expect(endpoint.call('one.system.version', ['oneadmin:pw'])).resolves.toEqual([true, '7.4.0', 0]);
    const denied: ApiResult = await endpoint.call('one.vm.allocate', ['x:y', 'CPU=1']);
    expect(denied).toEqual([false, '[one.vm.allocate] bad session', ErrorCode.AUTHENTICATION]);
  });

  it("runs a multicall through the table's own system.multicall, one result per call, and offers none without it", async () => {
    const { seen, table } = fixture();
    expect(tableEndpoint(table).multicall).toBeUndefined();
    const withMulticall = new Map<string, MethodHandler>(Object.entries(table));
    withMulticall.set('system.multicall', async ([calls]) => {
      const out = [];
      for (const c of calls as Array<{ methodName: string; params: unknown[] }>) out.push([await table[c.methodName]!(c.params)]);
      return out;
    });
    const endpoint = tableEndpoint(withMulticall);
    const results = await endpoint.multicall!([
      { method: 'one.vm.allocate', params: ['oneadmin:pw', 'A'] },
      { method: 'one.vm.allocate', params: ['nobody:pw', 'B'] },
      { method: 'one.vm.allocate', params: ['oneadmin:pw', 'C'] },
    ]);
    expect(seen).toEqual(['A', 'B', 'C']);
    expect(results.map((r) => r[0])).toEqual([true, false, true]);
    expect(results[2]).toEqual([true, 1, 0]); // the refused call took no id
  });

  it('names a method the table lacks, without looking up inherited properties', async () => {
    const { table } = fixture();
    const endpoint = tableEndpoint(table);
    await expect(endpoint.call('one.vm.migrate', [])).rejects.toThrow(UnknownMethodError);
    await expect(endpoint.call('toString', [])).rejects.toThrow('the stack does not offer the XML-RPC method "toString"');
  });

  it('turns a fault into the error the wire client gives, and refuses an answer that is no result array', async () => {
    const endpoint = tableEndpoint({
      'one.vm.info': () => {
        throw new XmlRpcFault(FaultCode.TYPE, 'Parameter 2 (id) must be an int');
      },
      'one.vm.odd': () => 'bare',
    });
    const error = await endpoint.call('one.vm.info', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackFaultError);
    expect((error as StackFaultError).message).toBe('the stack answered one.vm.info with XML-RPC fault -501: Parameter 2 (id) must be an int');
    await expect(endpoint.call('one.vm.odd', [])).rejects.toThrow('the stack answered one.vm.odd with something other than an OpenNebula result array');
  });
});
