/**
 * A MAD driver process's side of the line protocol (opennebula/mad-message.ts):
 * what `stampede driver tm|vmm|im` runs on its stdin and stdout, for oned (7.x or 4.4), for
 * onemonitord, or for our reference stack in process mode alike.
 *
 *   INIT                     -> `INIT SUCCESS - -` (IM, on onemonitord's hop: `INIT SUCCESS - <time> -`)
 *   FINALIZE                 -> no reply; the driver stops, as the Ruby drivers do
 *   TRANSFER <vid> <file>    -> the file's lines run on the farm; `TRANSFER SUCCESS|FAILURE <vid> <info>`
 *   DEPLOY|SHUTDOWN|CANCEL <vid> <base64 VMM_DRIVER_ACTION_DATA>
 *                            -> on the farm; DEPLOY SUCCESS answers the deploy id
 *   CLEANUP, POLL            -> answered here (the farm keeps no leftovers of a failed deploy)
 *   DRIVER_CANCEL <id>       -> `LOG I <id> Driver command for <id> cancelled`; a queued action
 *                               of that id never runs, a running one's reply is dropped
 *   MONITOR <hid> <host> ... -> 4.4: `MONITOR SUCCESS <hid> <base64 KEY=VALUE lines>`
 *   START_MONITOR / STOP_MONITOR - <hid> <ts> <zlib+base64>  -> onemonitord's hop (5.12+)
 *
 * Every action goes through the driver's pool first (mad-drivers.ts: `-t`, and one VMM action
 * per host unless `-p`), replies go out as they come, in any order. The farm is reached through
 * `drivers` (over HTTP in a driver process: farm-client.ts).
 */
import { failure, success, type DriverArguments, type Drivers, type MadReply, type VmmAction } from '../opennebula/driver.js';
import {
  formatLog,
  formatReply,
  INIT_SUCCESS_LINE,
  MadProtocolError,
  parseOnedLine,
  type MadRequest,
} from '../opennebula/mad-message.js';
import { encodeMonitorInfo, monitorActionHost, monitorMessages, zlibBase64 } from '../opennebula/monitor-message.js';
import { decodeVmmActionData } from '../opennebula/vmm-action-data.js';
import { driverPool, type DriverKind } from './mad-drivers.js';

export interface MadProcessOptions {
  kind: DriverKind;
  args: DriverArguments;
  /** the farm's drivers for `args.transport` */
  drivers: Drivers;
  /** the lines the parent writes, without their newlines */
  input: AsyncIterable<string>;
  /** writes one line (the newline is added by the caller's stream) */
  write: (line: string) => void;
  /** reads a transfer file */
  readFile: (path: string) => Promise<string>;
  /** wall time, for the timestamps of onemonitord's hop */
  epochMs: () => number;
}

const VMM_FARM_ACTIONS: ReadonlySet<string> = new Set(['DEPLOY', 'SHUTDOWN', 'CANCEL']);

/** Serves the protocol until FINALIZE or the end of input (the parent is gone: as oned's Ruby drivers, stop at once). */
export async function serveMad(options: MadProcessOptions): Promise<'finalize' | 'eof'> {
  const { kind, args, drivers, write } = options;
  const pool = driverPool(kind, args);
  interface Token {
    cancelled: boolean;
  }
  /** Runs `action` on a worker of the pool, unless DRIVER_CANCEL came first: then it never runs (ActionManager.rb). */
  const onPool = <T>(token: Token, host: string, action: () => Promise<T>): Promise<T> =>
    pool.run(host, () => (token.cancelled ? Promise.reject(new Error('cancelled')) : action()));
  const unixTime = (): number => Math.floor(options.epochMs() / 1000);
  /** actions in flight per id; DRIVER_CANCEL marks those there at the time */
  const inFlight = new Map<number, Set<Token>>();
  /** VMs this driver deployed and has not shut down: what POLL answers about */
  const deployed = new Set<number>();

  const send = (line: string): void => {
    try {
      write(line);
    } catch {
      // the parent has gone: nothing is listening for this reply
    }
  };

  const answer = (request: MadRequest, work: (token: Token) => Promise<string>): void => {
    const token: Token = { cancelled: false };
    let tokens = inFlight.get(request.id);
    if (!tokens) inFlight.set(request.id, (tokens = new Set()));
    tokens.add(token);
    void work(token)
      .catch((error: unknown) => formatReply(failure(request.action, request.id, oneLine(error))))
      .then((line) => {
        if (!token.cancelled) send(line);
      })
      .finally(() => {
        tokens.delete(token);
        if (tokens.size === 0 && inFlight.get(request.id) === tokens) inFlight.delete(request.id);
      });
  };

  const handle = (request: MadRequest): void => {
    const { action, id, payload } = request;
    if (action === 'DRIVER_CANCEL') {
      for (const token of inFlight.get(id) ?? []) token.cancelled = true;
      send(formatLog('I', id, `Driver command for ${id} cancelled`));
      return;
    }
    if (kind === 'tm' && action === 'TRANSFER') {
      answer(request, async (token) => formatReply(await transfer(token, id, payload)));
    } else if (kind === 'vmm' && VMM_FARM_ACTIONS.has(action)) {
      answer(request, async (token) => {
        const vmmRequest = decodeVmmActionData(payload, action as VmmAction, id);
        const reply = await onPool(token, vmmRequest.host, () => drivers.vmm.execute(vmmRequest));
        if (reply.result === 'SUCCESS') {
          if (action === 'DEPLOY') deployed.add(id);
          else deployed.delete(id);
        }
        return formatReply(reply);
      });
    } else if (kind === 'vmm' && action === 'CLEANUP') {
      deployed.delete(id);
      send(formatReply(success(action, id)));
    } else if (kind === 'vmm' && action === 'POLL') {
      send(formatReply(success(action, id, `STATE=${deployed.has(id) ? 'a' : 'd'}`)));
    } else if (kind === 'im' && action === 'MONITOR') {
      // 4.4: MONITOR <hid> <hostname> <ds_location> <update_remotes>
      const hostname = payload.split(' ')[0] ?? '';
      answer(request, async (token) => {
        const reply = await onPool(token, hostname, () => drivers.im.monitor({ hostId: id, hostname }));
        return formatReply(reply.result === 'SUCCESS' ? { ...reply, info: encodeMonitorInfo(reply.info.split('\n')) } : reply);
      });
    } else if (kind === 'im' && (action === 'START_MONITOR' || action === 'STOP_MONITOR')) {
      // onemonitord's hop: <timestamp> <zlib+base64 MONITOR_DRIVER_ACTION>
      const encoded = payload.slice(payload.indexOf(' ') + 1);
      answer(request, async (token) => {
        if (action === 'STOP_MONITOR') return `${action} SUCCESS ${id} ${unixTime()} ${zlibBase64('-')}`;
        const host = monitorActionHost(encoded);
        const reply = await onPool(token, host.name, () => drivers.im.monitor({ hostId: id, hostname: host.name }));
        if (reply.result === 'FAILURE') return `${action} FAILURE ${id} ${unixTime()} ${zlibBase64(reply.info)}`;
        return `${action} SUCCESS ${id} ${unixTime()} ${monitorMessages(reply.info.split('\n'), unixTime())}`;
      });
    } else {
      send(formatReply(failure(action, id, `${action} is not an action the stampede ${kind.toUpperCase()} driver runs`)));
    }
  };

  const transfer = async (token: Token, id: number, file: string): Promise<MadReply> => {
    let content: string;
    try {
      content = await options.readFile(file);
    } catch {
      return failure('TRANSFER', id, `Transfer file '${file}' does not exist`);
    }
    const lines = content.split('\n').filter((l) => l.trim() !== '');
    return onPool(token, '', () => drivers.tm.transfer({ vmId: id, op: /\.epilog$/.test(file) ? 'epilog' : 'prolog', lines }));
  };

  for await (const raw of options.input) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    let parsed;
    try {
      parsed = parseOnedLine(line);
    } catch (error) {
      if (!(error instanceof MadProtocolError)) throw error;
      send(formatLog('E', -1, error.message));
      continue;
    }
    if (parsed.kind === 'init') {
      send(kind === 'im' ? `INIT SUCCESS - ${unixTime()} -` : INIT_SUCCESS_LINE);
    } else if (parsed.kind === 'finalize') {
      return 'finalize';
    } else {
      try {
        handle(parsed.request);
      } catch (error) {
        send(formatReply(failure(parsed.request.action, parsed.request.id, oneLine(error))));
      }
    }
  }
  // the parent is gone: nobody will read the replies of what is still in flight
  return 'eof';
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}
