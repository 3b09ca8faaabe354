/**
 * TM transfer files (`<vms>/<vid>/transfer.<seq>.<prolog|epilog>`): one command per line, fields
 * separated by single spaces, as oned's TransferManager writes them and one_tm.rb reads them
 * (blank lines and lines starting with '#' are skipped). Forms, as captured from oned 7.5:
 *
 *   CLONE   <tm_mad> <fe>:<source> <host>:<dir>/<vid>/disk.<i> <vid> <image_ds>   non-persistent image
 *   LN      <tm_mad> <fe>:<source> <host>:<dir>/<vid>/disk.<i> <vid> <image_ds>   persistent image
 *   MKIMAGE <tm_mad> <size_mb> <format> <host>:<dir>/<vid>/disk.<i> <vid> <sys_ds> volatile disk
 *   MKSWAP  <tm_mad> <size_mb> <host>:<dir>/<vid>/disk.<i> <vid> <sys_ds>          swap disk
 *   CONTEXT <tm_mad> <vms>/<vid>/context.sh [file...] <host>:<dir>/<vid>/disk.<i> <vid> <sys_ds>
 *           (oned 7 hands this one to the VMM inside DEPLOY's TM_COMMAND, not in the prolog)
 *   DELETE  <tm_mad> <host>:<path> <vid> <ds>                                       epilog
 *   MVDS    <tm_mad> <host>:<dir>/<vid>/disk.<i> <source> <vid> <image_ds>          epilog, persistent disk back
 *   CPDS    <tm_mad> <host>:<dir>/<vid>/disk.<i> <source> <vid> <image_ds>          hot save-as (4.4)
 *   MV      <tm_mad> <host>:<dir>/<vid> <host>:<dir>/<vid> <vid> <ds>                migrate, stop, resume
 *
 * This is the one reader of a transfer line in the project: the farm's TM driver, the harness's
 * driver tap and the reference stack's tests all take the verb and the host from here.
 */

interface Placed {
  tmMad: string;
  vmId: number;
  dsId: number;
}

export type TransferCommand =
  | (Placed & { action: 'CLONE' | 'LN'; source: string; target: string })
  | (Placed & { action: 'MKIMAGE'; sizeMb: number; format: string; target: string })
  | (Placed & { action: 'MKSWAP'; sizeMb: number; target: string })
  | (Placed & { action: 'CONTEXT'; files: string[]; target: string })
  | (Placed & { action: 'DELETE'; target: string })
  | (Placed & { action: 'MVDS' | 'CPDS' | 'MV'; source: string; target: string });

export type TransferAction = TransferCommand['action'];

export class TransferFileError extends Error {
  override readonly name = 'TransferFileError';
}

/** What each verb takes after itself, in order (CONTEXT's files are one or more). */
const fields: Record<TransferAction, string> = {
  CLONE: 'tm_mad, source, target, vm id and datastore id',
  LN: 'tm_mad, source, target, vm id and datastore id',
  MKIMAGE: 'tm_mad, size in MB, format, target, vm id and datastore id',
  MKSWAP: 'tm_mad, size in MB, target, vm id and datastore id',
  CONTEXT: 'tm_mad, one or more files, target, vm id and datastore id',
  DELETE: 'tm_mad, target, vm id and datastore id',
  MVDS: 'tm_mad, disk on the host, image source, vm id and datastore id',
  CPDS: 'tm_mad, disk on the host, image source, vm id and datastore id',
  MV: 'tm_mad, source, target, vm id and datastore id',
};

const counts: Record<TransferAction, number> = { CLONE: 5, LN: 5, MKIMAGE: 6, MKSWAP: 5, CONTEXT: 5, DELETE: 4, MVDS: 5, CPDS: 5, MV: 5 };

/** The verbs this reader knows, in the order the messages list them. */
export const TRANSFER_ACTIONS = Object.keys(counts) as TransferAction[];

function isAction(verb: string): verb is TransferAction {
  return Object.hasOwn(counts, verb);
}

function integer(raw: string, what: string, where: string): number {
  if (!/^-?\d+$/.test(raw)) throw new TransferFileError(`${where}: the ${what} '${raw}' is not an integer.`);
  return Number(raw);
}

/** Reads one command line; `lineNumber` only names the line in errors. */
export function parseTransferLine(line: string, lineNumber = 1): TransferCommand {
  const where = `Transfer file line ${lineNumber}`;
  const [verb = '', ...args] = line.trim().split(/\s+/);
  const action = verb.toUpperCase();
  if (!isAction(action)) {
    throw new TransferFileError(`${where}: '${verb}' is not a transfer command we know (${TRANSFER_ACTIONS.join(', ')}).`);
  }
  const wrongCount = action === 'CONTEXT' ? args.length < counts.CONTEXT : args.length !== counts[action];
  if (wrongCount) {
    throw new TransferFileError(`${where}: ${action} takes ${fields[action]}, but the line has ${args.length} fields after the verb.`);
  }
  const tmMad = args[0] as string;
  const vmId = integer(args[args.length - 2] as string, 'vm id', where);
  const dsId = integer(args[args.length - 1] as string, 'datastore id', where);
  const at = (i: number) => args[i] as string;
  switch (action) {
    case 'CLONE':
    case 'LN':
      return { action, tmMad, source: at(1), target: at(2), vmId, dsId };
    case 'MKIMAGE':
      return { action, tmMad, sizeMb: integer(at(1), 'size', where), format: at(2), target: at(3), vmId, dsId };
    case 'MKSWAP':
      return { action, tmMad, sizeMb: integer(at(1), 'size', where), target: at(2), vmId, dsId };
    case 'CONTEXT':
      return { action, tmMad, files: args.slice(1, -3), target: at(args.length - 3), vmId, dsId };
    case 'DELETE':
      return { action, tmMad, target: at(1), vmId, dsId };
    case 'MVDS':
    case 'CPDS':
    case 'MV':
      return { action, tmMad, source: at(1), target: at(2), vmId, dsId };
  }
}

/**
 * The host a line works on: the host part of its `<host>:/path` on the host side. That is the
 * target, except for MVDS and CPDS, which copy a disk from the host back to a datastore (their
 * source is the host's disk; 7.x writes that source as `vm:dummy_path`, which is no host path).
 * Undefined when that location names no host (`/path` alone, or `name:` without a path).
 */
export function transferLineHost(c: TransferCommand): string | undefined {
  const onHost = c.action === 'MVDS' || c.action === 'CPDS' ? c.source : c.target;
  const colon = onHost.indexOf(':');
  if (colon <= 0 || onHost.charCodeAt(colon + 1) !== 47 /* / */) return undefined;
  return onHost.slice(0, colon);
}

/**
 * The host a transfer file works on: that of its first line that names one. Undefined for an
 * empty file (a VM without disks); a line that cannot be read is skipped here, refusing it is the
 * driver's business.
 */
export function transferFileHost(lines: readonly string[]): string | undefined {
  for (const [i, line] of lines.entries()) {
    if (isTransferFiller(line)) continue;
    let host: string | undefined;
    try {
      host = transferLineHost(parseTransferLine(line, i + 1));
    } catch (err) {
      if (!(err instanceof TransferFileError)) throw err;
    }
    if (host !== undefined) return host;
  }
  return undefined;
}

/** Whether a line carries no command: blank, or a '#' comment (one_tm.rb skips both). */
export function isTransferFiller(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

/** Reads a whole transfer file, skipping blank lines and '#' comments as one_tm.rb does. */
export function parseTransferFile(text: string): TransferCommand[] {
  const commands: TransferCommand[] = [];
  text.split('\n').forEach((line, i) => {
    if (!isTransferFiller(line)) commands.push(parseTransferLine(line, i + 1));
  });
  return commands;
}

export function formatTransferLine(c: TransferCommand): string {
  const tail = `${c.vmId} ${c.dsId}`;
  switch (c.action) {
    case 'CLONE':
    case 'LN':
    case 'MVDS':
    case 'CPDS':
    case 'MV':
      return `${c.action} ${c.tmMad} ${c.source} ${c.target} ${tail}`;
    case 'MKIMAGE':
      return `MKIMAGE ${c.tmMad} ${c.sizeMb} ${c.format} ${c.target} ${tail}`;
    case 'MKSWAP':
      return `MKSWAP ${c.tmMad} ${c.sizeMb} ${c.target} ${tail}`;
    case 'CONTEXT':
      return `CONTEXT ${c.tmMad} ${c.files.join(' ')} ${c.target} ${tail}`;
    case 'DELETE':
      return `DELETE ${c.tmMad} ${c.target} ${tail}`;
  }
}

/** The file's text: every command on its own line, each ending with a newline (empty for no commands). */
export function formatTransferFile(commands: readonly TransferCommand[]): string {
  return commands.map((c) => `${formatTransferLine(c)}\n`).join('');
}

/** `host03:/var/lib/one/datastores/0/17/disk.0` -> { host: 'host03', path: '/var/lib/...' }; host '' when there is none. */
export function splitHostPath(location: string): { host: string; path: string } {
  const colon = location.indexOf(':');
  return colon < 0 ? { host: '', path: location } : { host: location.slice(0, colon), path: location.slice(colon + 1) };
}

/** Where oned writes the file: `<vmsDir>/<vid>/transfer.<seq>.<op>`, seq being the history record's. */
export function transferFilePath(vmsDir: string, vmId: number, seq: number, op: 'prolog' | 'epilog'): string {
  return `${vmsDir}/${vmId}/transfer.${seq}.${op}`;
}
