import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { ApiResult } from '../../opennebula/errors.js';
import { VmState } from '../../opennebula/states.js';
import type { StackEndpoint } from '../endpoint.js';
import { UserError } from '../errors.js';
import { serveFarm } from '../farm-server.js';
import { DEFAULT_ONE_XMLRPC, oneEnvironment, readAuthFile } from '../one-auth.js';
import { XmlRpcClient } from '../xmlrpc-client.js';
import type { LaunchMode } from './types.js';

export const EndpointOptionsSchema = z.strictObject({
  /** the stack's XML-RPC URL; default ONE_XMLRPC, else http://localhost:2633/RPC2 */
  url: z.string().min(1).optional(),
  /** the farm's hosts are already registered with the stack: do not allocate them */
  hostsExist: z.boolean().default(false),
  /** leave the VMs and hosts this run created on the stack */
  keep: z.boolean().default(false),
  /** the port the host farm listens on for the stack's drivers (127.0.0.1); 0 picks a free one */
  farmPort: z.int().min(0).max(65_535).default(0),
  /** a file to write the farm's URL to, for drivers started with `--farm-file` */
  farmFile: z.string().min(1).optional(),
  /** the session file (`user:password`); default the file ONE_AUTH names, else ~/.one/one_auth */
  auth: z.string().min(1).optional(),
  /** the IM_MAD and VM_MAD names the run's hosts are registered with (oned.conf / monitord.conf NAME) */
  imMad: z.string().min(1).default('dummy'),
  vmMad: z.string().min(1).default('dummy'),
  /**
   * where the stage boundaries are taken: `drivers` when the stack's MADs are `stampede driver`
   * (every boundary at the driver seam), `polling` when they are not (OpenNebula's own dummy
   * drivers): PROLOG, BOOT, RUNNING off the polled VM states (harness/polled-stages.ts)
   */
  observe: z.enum(['drivers', 'polling']).default('drivers'),
  /**
   * connections the client keeps open at most; more requests wait for one. oned serves MAX_CONN
   * (default 15) at once with a backlog of MAX_CONN_BACKLOG (15): a burst opening a connection per
   * request would see connects time out
   */
  connections: z.int().min(1).default(15),
  /** the stack's log file (oned.log): its tail goes into the report when the stack stops answering */
  log: z.string().min(1).optional(),
});
export type EndpointOptions = z.infer<typeof EndpointOptionsSchema>;

const oneUrl = (): string => process.env['ONE_XMLRPC']?.trim() || DEFAULT_ONE_XMLRPC;

/** Lines of the stack's log kept in the report of a run whose stack stopped answering. */
const LOG_TAIL_LINES = 40;

/** The last `n` lines of a log file; a log that cannot be read says so in one line. */
async function tailOf(path: string, n: number): Promise<string[]> {
  try {
    const text = await readFile(path, 'utf8');
    return text.split('\n').filter((l) => l !== '').slice(-n);
  } catch (error) {
    return [`(the log ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'})`];
  }
}

/** Cleanup polls until the VMs it terminated are DONE: at most this many looks, 1 s (emulated) apart. */
const CLEANUP_LOOKS = 120;

/**
 * A running OpenNebula-compatible stack, reached at its XML-RPC URL with the session from the file
 * ONE_AUTH names (as OpenNebula's CLI does): a real oned whose oned.conf names `stampede driver`
 * as its MADs, or `stampede stack` started on its own. The host farm is served here over HTTP for
 * those drivers (at `farmPort`, its URL also written to `farmFile`). The run registers the
 * farm's hosts unless told they exist, and at the end removes only the VMs and hosts it created,
 * unless `keep`.
 */
export const endpointMode: LaunchMode<EndpointOptions> = {
  name: 'endpoint',
  description: 'a running OpenNebula-compatible endpoint (ONE_XMLRPC, ONE_AUTH) whose drivers reach this host farm over HTTP',
  clocks: ['scaled'],
  options: EndpointOptionsSchema,
  async start({ clock, farm }, options) {
    const session = options.auth === undefined ? oneEnvironment().auth.session : readAuthFile(options.auth, `the auth file ${options.auth}`).session;
    const client = new XmlRpcClient(options.url ?? oneUrl(), { connections: options.connections });
    try {
      const version = await client.call('one.system.version', [session]);
      if (version[0] !== true) throw new UserError(`the stack at ${client.url} refused one.system.version: ${String(version[1])}`);
    } catch (error) {
      await client.close();
      throw error;
    }
    const server = await serveFarm({ launcher: farm, port: options.farmPort });
    if (options.farmFile !== undefined) {
      try {
        await writeFile(options.farmFile, `${server.url}\n`);
      } catch (error) {
        await server.close();
        await client.close();
        throw new UserError(`the farm file ${options.farmFile} cannot be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    const vms: number[] = [];
    const hosts: number[] = [];
    const noteVm = (method: string, result: ApiResult): void => {
      if (method === 'one.vm.allocate' && result[0] === true && typeof result[1] === 'number') vms.push(result[1]);
    };
    const endpoint: StackEndpoint = {
      async call(method, params) {
        const result = await client.call(method, params);
        noteVm(method, result);
        return result;
      },
      async multicall(calls) {
        const results = await client.multicall(calls);
        results.forEach((r, i) => noteVm(calls[i]!.method, r));
        return results;
      },
    };

    const cleanUp = async (): Promise<void> => {
      for (const id of vms) await client.call('one.vm.action', [session, 'terminate-hard', id]);
      for (let look = 0; look < CLEANUP_LOOKS && hosts.length > 0; look += 1) {
        const states = await Promise.all(vms.map((id) => client.call('one.vm.info', [session, id])));
        if (states.every((s) => s[0] !== true || new RegExp(`<STATE>${VmState.DONE}</STATE>`).test(String(s[1])))) break;
        await clock.sleep(1000);
      }
      for (const id of hosts) await client.call('one.host.delete', [session, id]);
    };

    return {
      endpoint,
      session,
      observes: options.observe,
      ...(options.log === undefined ? {} : { logTail: () => tailOf(options.log!, LOG_TAIL_LINES) }),
      async registerHosts(names) {
        if (options.hostsExist) return;
        for (const name of names) {
          const answer = await client.call('one.host.allocate', [session, name, options.imMad, options.vmMad, -1]);
          if (answer[0] !== true) throw new UserError(`the stack at ${client.url} refused host ${name}: ${String(answer[1])}`);
          hosts.push(answer[1] as number);
        }
      },
      async stop() {
        try {
          server.retire();
          if (!options.keep) await cleanUp().catch((error: unknown) => {
            // a stack that no longer answers has nothing left this run can remove
            if (!(error instanceof UserError)) throw error;
          });
        } finally {
          await server.close();
          await client.close();
        }
      },
    };
  },
};
