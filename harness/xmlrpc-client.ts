/**
 * The stack over the wire: a StackEndpoint that speaks XML-RPC (opennebula/xmlrpc.ts) over an
 * undici Pool of keep-alive connections to one URL, such as `http://127.0.0.1:2633/RPC2`.
 * Faults reject exactly as they do embedded (endpoint.ts faultError); a stack that cannot be
 * reached, answers an HTTP error or something that is not XML-RPC rejects with one sentence
 * naming the URL (docs/architecture.md, "The XML-RPC wire").
 *
 *   const stack = new XmlRpcClient('http://127.0.0.1:2633/RPC2', { connections: 256 });
 *   await stack.call('one.vm.allocate', [session, 'CPU=1 MEMORY=512', false]);
 *   await stack.close();
 */
import type { Pool } from 'undici';
import type { ApiResult } from '../opennebula/errors.js';
import { decodeResponse, encodeCall, XmlRpcParseError, type XmlRpcValue } from '../opennebula/xmlrpc.js';
import { asApiResult, faultError, multicallParams, multicallResults, type ApiCall, type StackEndpoint } from './endpoint.js';
import { StackUnreachable, UserError } from './errors.js';

export interface XmlRpcClientOptions {
  /** most connections open at once (undici Pool `connections`); default 64 */
  connections?: number;
  /** ms to establish a connection; default 10 s */
  connectTimeoutMs?: number;
  /** ms to wait for an answer's headers, then between its body's chunks (undici's headers and body timeouts); default 300 s */
  timeoutMs?: number;
}

/** The URL of an XML-RPC endpoint, checked: http or https, with a path (oned's is /RPC2). */
export function parseEndpointUrl(url: string, what = 'the stack URL'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`${what} "${url}" is not a URL (expected http://HOST:PORT/RPC2)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UserError(`${what} "${url}" is not an http or https URL (expected http://HOST:PORT/RPC2)`);
  }
  if (parsed.username || parsed.password) {
    throw new UserError(`${what} must not carry credentials; the session goes in the file ONE_AUTH names`);
  }
  return parsed;
}

function errorCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
  if (typeof e?.code === 'string' && !e.code.startsWith('UND_ERR_')) return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  if (typeof e?.code === 'string') return e.code;
  return String(e?.message ?? error);
}

/**
 * undici is loaded on first use, not when this module is: a TypeScript scenario that imports
 * `stampede` is compiled by tsx and loads the package a second time, and undici refuses to be
 * instantiated twice in one process (its CacheStorage throws "Illegal constructor"). Loading it
 * lazily also spares every run that never touches the wire its start-up cost.
 */
let undici: Promise<typeof import('undici')> | undefined;
function undiciModule(): Promise<typeof import('undici')> {
  return (undici ??= import('undici'));
}

export class XmlRpcClient implements StackEndpoint {
  readonly url: string;
  /** opened on the first call: see undiciModule */
  private pool: Promise<Pool> | undefined;
  private readonly origin: string;
  private readonly poolOptions: Pool.Options;
  private readonly path: string;
  private readonly where: string;

  constructor(url: string, options: XmlRpcClientOptions = {}) {
    const parsed = parseEndpointUrl(url);
    this.url = parsed.href;
    this.path = `${parsed.pathname}${parsed.search}`;
    this.where = `the stack at ${this.url}`;
    const timeout = options.timeoutMs ?? 300_000;
    this.origin = parsed.origin;
    this.poolOptions = {
      connections: options.connections ?? 64,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    };
  }

  private connections(): Promise<Pool> {
    return (this.pool ??= undiciModule().then(({ Pool }) => new Pool(this.origin, this.poolOptions)));
  }

  /** One call; its answer as the codec reads it. A fault rejects (faultError). */
  async request(method: string, params: readonly unknown[]): Promise<XmlRpcValue> {
    const body = encodeCall(method, params as XmlRpcValue[]);
    let status: number;
    let text: string;
    try {
      const pool = await this.connections();
      const response = await pool.request({
        path: this.path,
        method: 'POST',
        headers: { 'content-type': 'text/xml', 'user-agent': 'stampede' },
        body,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw new StackUnreachable(`${this.where} does not answer: ${errorCode(error)}`);
    }
    if (status !== 200) {
      throw new UserError(`${this.where} answered ${method} with HTTP ${status}${text ? `: ${text.slice(0, 120).trim()}` : ''}`);
    }
    let answer;
    try {
      answer = decodeResponse(text);
    } catch (error) {
      if (error instanceof XmlRpcParseError) throw new UserError(`${this.where} answered ${method} with ${error.message.replace(/^the /, 'an ')}`);
      throw error;
    }
    if ('fault' in answer) throw faultError(answer.fault, method, this.where);
    return answer.value;
  }

  async call(method: string, params: unknown[]): Promise<ApiResult> {
    return asApiResult(await this.request(method, params), method, this.where);
  }

  async multicall(calls: ApiCall[]): Promise<ApiResult[]> {
    return multicallResults(await this.request('system.multicall', multicallParams(calls)), calls, this.where);
  }

  /** Closes the pool's connections once the calls in flight are answered. */
  async close(): Promise<void> {
    if (this.pool !== undefined) await (await this.pool).close();
  }
}
