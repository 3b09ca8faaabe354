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
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const tokens = trimmed.split(/\s+/);
  const where = (): string => `transfer file line ${lineNo} '${trimmed}'`;
  const verb = tokens[0]!.toLowerCase();
  if (!(TM_VERBS as readonly string[]).includes(verb)) {
    return {
      ok: false,
      reason: `${where()}: ${tokens[0]} is not a TM action the host farm emulates (${TM_VERBS.map((v) => v.toUpperCase()).join(', ')})`,
    };
  }
  for (let i = tokens.length - 1; i >= 2; i -= 1) {
    const host = hostOf(tokens[i]!);
    if (host !== undefined) return { ok: true, line: { verb: verb as TmVerb, host, text: trimmed } };
  }
  return { ok: false, reason: `${where()}: no <host>:<path> argument names the host to work on` };
}

/** `host` of a `host:/path` token, else undefined. */
function hostOf(token: string): string | undefined {
  const colon = token.indexOf(':');
  if (colon <= 0 || token.charCodeAt(colon + 1) !== 47 /* / */) return undefined;
  const host = token.slice(0, colon);
  return host.includes('/') ? undefined : host;
}
