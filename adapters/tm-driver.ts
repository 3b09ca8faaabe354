import {
  failure,
  success,
  type DriverTransport,
  type MadReply,
  type TransferDriver,
  type TransferRequest,
} from '../opennebula/driver.js';
import { isTransferFiller, parseTransferLine, TransferFileError, transferLineHost } from '../opennebula/transfer-file.js';
import { faultMessage, never, type FarmCore } from './farm-core.js';
import type { FarmEvent } from './farm-events.js';
import { TM_VERBS, type TmVerb } from './latency-model.js';

/** A transfer line as the farm runs it: the verb's latency, on the host the line names. */
type ParsedLine = { ok: true; verb: TmVerb; host: string } | { ok: false; reason: string };

/**
 * Reads line `lineNo` (1-based) with opennebula/'s transfer-file reader; undefined for a blank line
 * or a comment. A line the reader refuses, a verb the farm does not emulate, or a line that names
 * no host is the driver's to fail, with a reason that names the line.
 */
export function farmTransferLine(text: string, lineNo: number): ParsedLine | undefined {
  if (isTransferFiller(text)) return undefined;
  let command;
  try {
    command = parseTransferLine(text, lineNo);
  } catch (err) {
    if (err instanceof TransferFileError) return { ok: false, reason: err.message };
    throw err;
  }
  const where = `Transfer file line ${lineNo}`;
  const verb = command.action.toLowerCase();
  if (!(TM_VERBS as readonly string[]).includes(verb)) {
    return { ok: false, reason: `${where}: ${command.action} is not a TM action the host farm emulates (${TM_VERBS.map((v) => v.toUpperCase()).join(', ')}).` };
  }
  const host = transferLineHost(command);
  if (host === undefined) return { ok: false, reason: `${where}: no <host>:<path> argument names the host ${command.action} works on.` };
  return { ok: true, verb: verb as TmVerb, host };
}

/**
 * The dummy TM driver: runs a transfer file's lines one after another, each with its own
 * latency on the host it names, and stops at the first failure, as `one_tm` does.
 * With the `ssh` transport every line pays its own connection: each TM script opens one.
 */
export class FarmTransferDriver implements TransferDriver {
  constructor(
    private readonly core: FarmCore,
    private readonly transport: DriverTransport,
  ) {}

  transfer(request: TransferRequest): Promise<MadReply> {
    const { core } = this;
    const lines = request.lines.map((text, i) => farmTransferLine(text, i + 1));
    const host = lines.find((l) => l?.ok === true)?.host;
    const index = host === undefined ? -1 : (core.host(host)?.index ?? -1);
    const base: FarmEvent = { t: core.clock.now(), type: 'tm.start', vmId: request.vmId, action: request.op };
    if (host !== undefined) base.host = host;
    core.emit(base);
    core.instrument.begin('tm', index, base.t);
    return this.run(request.vmId, lines).then((reply) => {
      const t = core.clock.now();
      core.instrument.finish('tm', index, t);
      const end: FarmEvent = { ...base, t, type: 'tm.end', result: reply.result };
      if (reply.result === 'FAILURE') end.info = reply.info;
      core.emit(end);
      return reply;
    });
  }

  private async run(vmId: number, lines: readonly (ParsedLine | undefined)[]): Promise<MadReply> {
    const { core } = this;
    for (const parsed of lines) {
      if (parsed === undefined) continue;
      if (!parsed.ok) return failure('TRANSFER', vmId, parsed.reason);
      const { verb, host: hostName } = parsed;
      const op = `tm.${verb}` as const;
      const host = core.host(hostName);
      const key = core.actionKey(op, vmId, host, hostName);
      const unreachable = await core.reach(hostName, this.transport, op, vmId, key);
      if (unreachable !== undefined) return failure('TRANSFER', vmId, scriptError(verb, unreachable));
      const fault = core.decide(op, host!, vmId, key);
      if (fault.kind === 'hang') return never();
      const failed = await core.work(host!, core.latency.tm[verb], key);
      if (failed !== undefined) return failure('TRANSFER', vmId, scriptError(verb, failed));
      if (fault.kind === 'fail') return failure('TRANSFER', vmId, scriptError(verb, fault.message ?? faultMessage(op, hostName)));
    }
    return success('TRANSFER', vmId);
  }
}

/** one_tm's wording for a script that failed, with the script's own complaint. */
function scriptError(verb: string, reason: string): string {
  return `Error executing image transfer script: ${verb}: ${reason}`;
}
