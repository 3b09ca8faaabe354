/**
 * The reference stack's XML-RPC front end: a method table (the StackApi's, `system.multicall`
 * included) served over node:http at `/RPC2`, as oned serves its API with xmlrpc-c's Abyss
 * (docs/architecture.md, "The XML-RPC wire").
 *
 *   - Every XML-RPC answer is HTTP 200: a value, or a fault with xmlrpc-c's code (-503 a body
 *     that is not XML-RPC, -501 a mistyped parameter, -506 no such method, -500 a defect of
 *     ours). OpenNebula's own refusals are result arrays, as the table answers them.
 *   - A body beyond `messageSize` (oned.conf MESSAGE_SIZE) is answered 413 and the connection
 *     closed; anything but POST is 405, any other path 404.
 *   - `maxConn` connections are served at once (oned.conf MAX_CONN); the others wait, accepted,
 *     in arrival order, until one closes. oned leaves them in the kernel's listen backlog
 *     instead, whose length MAX_CONN_BACKLOG sets; we pass it to listen(2) too. A connection is
 *     closed after `keepAliveMaxConn` requests or `keepAliveTimeoutMs` idle (KEEPALIVE_MAX_CONN,
 *     KEEPALIVE_TIMEOUT), which is how a waiting connection gets its turn.
 *
 *   const server = new XmlRpcServer({ table: stack.api.table });
 *   const url = await server.listen(2633);   // http://127.0.0.1:2633/RPC2
 *   await server.close();
 */
import { isUtf8 } from 'node:buffer';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { dispatch, type MethodTable } from '../opennebula/method-table.js';
import { decodeCall, encodeFault, encodeResponse, FaultCode, XmlRpcFault, type XmlRpcValue } from '../opennebula/xmlrpc.js';
import type { StackProfile } from './profile.js';

export const RPC_PATH = '/RPC2';

/** oned.conf MESSAGE_SIZE's default (6.x/7.x): xmlrpc-c's limit on a request's XML, bytes. */
export const DEFAULT_MESSAGE_SIZE = 1_073_741_824;

export interface XmlRpcServerOptions {
  table: MethodTable;
  /** largest request body, bytes (MESSAGE_SIZE) */
  messageSize?: number;
  /** connections served at once (MAX_CONN); default unlimited */
  maxConn?: number;
  /** listen(2) backlog (MAX_CONN_BACKLOG) */
  maxConnBacklog?: number;
  /** requests per connection before it is closed (KEEPALIVE_MAX_CONN); default unlimited */
  keepAliveMaxConn?: number;
  /** idle ms before a kept-alive connection is closed (KEEPALIVE_TIMEOUT) */
  keepAliveTimeoutMs?: number;
  /** told of every answer: the method (undefined for a body that named none) and whether it was a fault */
  onAnswer?: (method: string | undefined, fault: boolean) => void;
  /**
   * Plain GET routes beside the API (no XML-RPC, nothing OpenNebula has): path -> JSON answer,
   * e.g. the served stack's clock, which a harness reads to bound the stack process's own lateness.
   */
  get?: Readonly<Record<string, () => unknown>>;
}

/** The server's connection knobs from a profile's oned.conf ones. */
export function profileServerOptions(api: StackProfile['api']): Omit<XmlRpcServerOptions, 'table'> {
  return {
    messageSize: api.MESSAGE_SIZE,
    maxConn: api.MAX_CONN,
    maxConnBacklog: api.MAX_CONN_BACKLOG,
    keepAliveMaxConn: api.KEEPALIVE_MAX_CONN,
    keepAliveTimeoutMs: api.KEEPALIVE_TIMEOUT * 1000,
  };
}

export class XmlRpcServer {
  private readonly http: Server;
  private readonly front: NetServer;
  private readonly options: XmlRpcServerOptions;
  private readonly sockets = new Set<Socket>();
  private readonly waiting: Socket[] = [];
  private serving = 0;
  private address?: string;

  constructor(options: XmlRpcServerOptions) {
    this.options = options;
    this.http = createHttpServer({ keepAliveTimeout: options.keepAliveTimeoutMs ?? 15_000 }, (req, res) => this.serve(req, res));
    if (options.keepAliveMaxConn) this.http.maxRequestsPerSocket = options.keepAliveMaxConn;
    // a request that dribbles in is not ours to time out; a client that vanishes closes the socket
    this.http.requestTimeout = 0;
    this.front = createNetServer({ pauseOnConnect: true, noDelay: true }, (socket) => this.accept(socket));
  }

  /** The URL clients call, once listening. */
  get url(): string {
    if (!this.address) throw new Error('the XML-RPC server is not listening');
    return this.address;
  }

  /** Connections being served, and accepted ones waiting for a turn (beyond MAX_CONN). */
  connections(): { serving: number; waiting: number } {
    return { serving: this.serving, waiting: this.waiting.length };
  }

  /** Listens on `host:port` (127.0.0.1 unless told; port 0 picks a free one); resolves with the URL. */
  listen(port: number, host = '127.0.0.1'): Promise<string> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.front.once('error', onError);
      this.front.listen({ port, host, backlog: this.options.maxConnBacklog ?? 511 }, () => {
        this.front.off('error', onError);
        const bound = this.front.address();
        if (!bound || typeof bound === 'string') return reject(new Error('the XML-RPC server has no TCP address'));
        const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
        this.address = `http://${shown}:${bound.port}${RPC_PATH}`;
        resolve(this.address);
      });
    });
  }

  /** Stops listening and closes every connection, idle or waiting. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.front.close(() => resolve());
      this.http.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
      for (const socket of this.waiting) socket.destroy();
      this.waiting.length = 0;
    });
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      const queued = this.waiting.indexOf(socket);
      if (queued >= 0) this.waiting.splice(queued, 1);
      else this.release();
    });
    socket.on('error', () => socket.destroy());
    const limit = this.options.maxConn;
    if (limit !== undefined && this.serving >= limit) this.waiting.push(socket);
    else this.admit(socket);
  }

  private admit(socket: Socket): void {
    this.serving++;
    this.http.emit('connection', socket);
    socket.resume();
  }

  private release(): void {
    this.serving--;
    const next = this.waiting.shift();
    if (next) this.admit(next);
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0]!;
    const route = req.method === 'GET' && this.options.get && Object.hasOwn(this.options.get, path) ? this.options.get[path] : undefined;
    if (route) {
      const body = JSON.stringify(route());
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    if (req.method !== 'POST') return plain(res, 405, 'XML-RPC is served by POST\n', { allow: 'POST' });
    if ((req.url ?? '').split('?')[0] !== RPC_PATH) return plain(res, 404, `XML-RPC is served at ${RPC_PATH}\n`);
    const limit = this.options.messageSize ?? DEFAULT_MESSAGE_SIZE;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return tooLarge(res, req, limit);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        tooLarge(res, req, limit);
      } else chunks.push(chunk);
    });
    req.on('error', () => req.destroy());
    req.on('end', () => {
      if (refused) return;
      void this.answer(Buffer.concat(chunks, size)).then(({ xml, method, fault }) => {
        this.options.onAnswer?.(method, fault);
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(xml) });
        res.end(xml);
      });
    });
  }

  /** The answer to one body: never rejects, whatever the body or the handler does. */
  private async answer(body: Buffer): Promise<{ xml: string; method?: string; fault: boolean }> {
    let method: string | undefined;
    try {
      if (!isUtf8(body)) throw new XmlRpcFault(FaultCode.PARSE, 'the XML-RPC document is not UTF-8');
      const call = decodeCall(body.toString('utf8'));
      method = call.method;
      const value: XmlRpcValue = await dispatch(this.options.table, call.method, call.params);
      return { xml: encodeResponse(value), method, fault: false };
    } catch (error) {
      const fault =
        error instanceof XmlRpcFault
          ? error
          : new XmlRpcFault(FaultCode.INTERNAL, `the reference stack failed on ${method ?? 'the call'}: ${String((error as Error)?.message ?? error)}`);
      return { xml: encodeFault(fault.code, fault.message), method, fault: true };
    }
  }
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** 413, then the connection closes: the rest of the body is not read. */
function tooLarge(res: ServerResponse, req: IncomingMessage, limit: number): void {
  res.shouldKeepAlive = false;
  plain(res, 413, `the request is larger than MESSAGE_SIZE (${limit} bytes)\n`, { connection: 'close' });
  res.on('finish', () => req.destroy());
}
