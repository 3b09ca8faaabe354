import { TM_VERBS, type TmVerb } from './latency-model.js';

/**
 * One line of a TM transfer file, as far as the farm needs it: the verb and the host it works
 * on. Formats (research/opennebula.md 5.5):
 *
 *   CLONE   <tm_mad> <fe>:<SOURCE> <host>:<dir>/<vid>/disk.<i> <vid> <ds_id>
 *   LN      <tm_mad> <fe>:<SOURCE> <host>:<dir>/<vid>/disk.<i> <vid> <ds_id>
 *   MKIMAGE <tm_mad> <size_MB> <format> <host>:<dir>/<vid>/disk.<i> <vid> <ds_id>
 *   MKSWAP  <tm_mad> <size_MB> <host>:<dir>/<vid>/disk.<i> <vid> <ds_id>
 *   CONTEXT <tm_mad> <context.sh> [files...] <host>:<dir>/<vid>/disk.<i> <vid> <ds_id>
 *   DELETE  <tm_mad> <host>:<dir>/<vid>[/disk.<i>] <vid> <ds_id>
 *   MVDS    <tm_mad> <host>:<dir>/<vid>/disk.<i> <SOURCE> <vid> <ds_id>
 *
 * The host is the host part of the last `host:/path` argument: that is the destination for
 * every verb but MVDS, whose only host path is its source (7.x sources may be `vm:dummy_path`,
 * which has no slash and so is never taken for a host).
 */
export interface TransferLine {
  verb: TmVerb;
  host: string;
  /** the line as written, for messages */
  text: string;
}

export type ParsedLine = { ok: true; line: TransferLine } | { ok: false; reason: string };

/** Parses line `lineNo` (1-based) of a transfer file; undefined for blank lines and comments. */
export function parseTransferLine(text: string, lineNo: number): ParsedLine | undefined {
  // Scanned in place rather than split: a 100,000-VM burst parses every line of every prolog.
  const tokens = tokenBounds(text);
  if (tokens.length === 0 || text.charCodeAt(tokens[0]!) === 35 /* # */) return undefined;
  const word = text.slice(tokens[0], tokens[1]);
  const verb = word.toLowerCase();
  if (!(TM_VERBS as readonly string[]).includes(verb)) {
    return {
      ok: false,
      reason: `${where(lineNo, text)}: ${word} is not a TM action the host farm emulates (${TM_VERBS.map((v) => v.toUpperCase()).join(', ')})`,
    };
  }
  for (let t = tokens.length - 2; t >= 4; t -= 2) {
    const host = hostOf(text, tokens[t]!, tokens[t + 1]!);
    if (host !== undefined) return { ok: true, line: { verb: verb as TmVerb, host, text } };
  }
  return { ok: false, reason: `${where(lineNo, text)}: no <host>:<path> argument names the host to work on` };
}

function where(lineNo: number, text: string): string {
  return `transfer file line ${lineNo} '${text.trim()}'`;
}

/** [start, end, start, end, ...] of the whitespace-separated tokens of `text`. */
function tokenBounds(text: string): number[] {
  const bounds: number[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i += 1) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    const space = c === 32 || (c >= 9 && c <= 13);
    if (space && start >= 0) {
      bounds.push(start, i);
      start = -1;
    } else if (!space && start < 0) start = i;
  }
  return bounds;
}

/** `host` of a `host:/path` token text[start, end), else undefined. */
function hostOf(text: string, start: number, end: number): string | undefined {
  const colon = text.indexOf(':', start);
  if (colon <= start || colon + 1 >= end || text.charCodeAt(colon + 1) !== 47 /* / */) return undefined;
  const slash = text.indexOf('/', start);
  if (slash < colon) return undefined;
  return text.slice(start, colon);
}
