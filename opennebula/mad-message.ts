/**
 * The MAD line protocol between oned and its drivers (one line per message on the driver's
 * stdin/stdout, as OpenNebula's Ruby driver framework speaks it, checked against captured oned 7.5 traffic):
 *
 *   oned -> driver   `INIT`, `FINALIZE`
 *                    oned 7: `<ACTION> <STATUS> <ID> <PAYLOAD>` with an EMPTY status, hence two
 *                    spaces: `DEPLOY  17 PFZN...`, `TRANSFER  17 /var/lib/one/vms/17/transfer.0.prolog`;
 *                    an empty payload still leaves its separator: `DRIVER_CANCEL  5 `
 *                    oned 4.4: `<ACTION> <ID> <PAYLOAD>`: `DEPLOY 17 PFZN...`
 *   driver -> oned   `<ACTION> SUCCESS|FAILURE <ID> <INFO>`, INFO `-` when there is nothing to say
 *                    (`TRANSFER SUCCESS 17 -`, `DEPLOY SUCCESS 17 host01:vm-17:dummy`, a failure's
 *                    message may hold spaces); `LOG <I|E|W|D> <ID> <text>`; `INIT SUCCESS - -`
 *
 * Exports:
 *   type MadRequest { action, id, payload }, type MadDialect 'one-7' | 'one-4.4'
 *   formatRequest(request, dialect?)   parseOnedLine(line) -> init | finalize | request
 *   formatReply(reply)                 parseDriverLine(line) -> reply | log | init
 *   formatLog(severity, id, message), INIT_LINE, FINALIZE_LINE, INIT_SUCCESS_LINE
 *   class MadProtocolError
 * MadReply is driver.ts's, so the in-process seam and the wire carry the same data.
 */
import type { MadReply, MadResult } from './driver.js';

export type MadDialect = 'one-7' | 'one-4.4';

/** oned -> driver: the action, the object id (VM, host, datastore) and the payload (base64 XML, a path, ...). */
export interface MadRequest {
  action: string;
  id: number;
  payload: string;
}

export type LogSeverity = 'I' | 'E' | 'W' | 'D';

export type OnedLine = { kind: 'init' } | { kind: 'finalize' } | { kind: 'request'; request: MadRequest };

export type DriverLine =
  | { kind: 'reply'; reply: MadReply }
  | { kind: 'log'; severity: LogSeverity; id: number; message: string }
  | { kind: 'init'; result: MadResult };

export const INIT_LINE = 'INIT';
export const FINALIZE_LINE = 'FINALIZE';
/** What the Ruby driver framework answers to INIT (oned only checks the first two words). */
export const INIT_SUCCESS_LINE = 'INIT SUCCESS - -';

export class MadProtocolError extends Error {
  override readonly name = 'MadProtocolError';
}

function checkToken(value: string, what: string): void {
  if (value === '' || /\s/.test(value)) throw new MadProtocolError(`A MAD ${what} must be one word, not '${value}'.`);
}

function checkLine(value: string, what: string): void {
  if (/[\r\n]/.test(value)) throw new MadProtocolError(`A MAD ${what} must fit on one line: '${value.slice(0, 60)}' holds a line break.`);
}

/** One request line, without its newline. */
export function formatRequest(request: MadRequest, dialect: MadDialect = 'one-7'): string {
  checkToken(request.action, 'action');
  checkLine(request.payload, 'payload');
  const status = dialect === 'one-7' ? ' ' : '';
  return `${request.action} ${status}${request.id} ${request.payload}`;
}

/** One reply line, without its newline; an empty info is sent as '-'. */
export function formatReply(reply: MadReply): string {
  checkToken(reply.action, 'action');
  checkLine(reply.info, 'reply info');
  return `${reply.action} ${reply.result} ${reply.id} ${reply.info === '' ? '-' : reply.info}`;
}

export function formatLog(severity: LogSeverity, id: number, message: string): string {
  checkLine(message, 'log message');
  return `LOG ${severity} ${id} ${message}`;
}

function parseId(raw: string | undefined, line: string): number {
  if (raw === undefined || !/^-?\d+$/.test(raw)) {
    throw new MadProtocolError(`The MAD line '${line.slice(0, 80)}' has no numeric id where one is expected.`);
  }
  return Number(raw);
}

/** Splits `first rest...` at the first single space, keeping the rest exactly (payloads may hold spaces). */
function cut(text: string): [string, string | undefined] {
  const space = text.indexOf(' ');
  return space < 0 ? [text, undefined] : [text.slice(0, space), text.slice(space + 1)];
}

/**
 * Reads a line oned writes to a driver, in either dialect: after the action, a space (oned 7's
 * empty status) or a word that is not a number (a status such as '-') is a status field; a
 * number straight away is 4.4's id.
 */
export function parseOnedLine(line: string): OnedLine {
  const text = line.replace(/\r?\n$/, '');
  const [action, afterAction] = cut(text);
  if (afterAction === undefined || afterAction.trim() === '') {
    if (action === INIT_LINE) return { kind: 'init' };
    if (action === FINALIZE_LINE) return { kind: 'finalize' };
    throw new MadProtocolError(`The MAD line '${text.slice(0, 80)}' has an action but no id.`);
  }
  let rest = afterAction;
  if (rest.startsWith(' ')) {
    rest = rest.slice(1);
  } else {
    const [word, afterWord] = cut(rest);
    if (!/^-?\d+$/.test(word)) rest = afterWord ?? '';
  }
  const [rawId, payload] = cut(rest);
  return { kind: 'request', request: { action, id: parseId(rawId, text), payload: payload ?? '' } };
}

/** Reads a line a driver writes to oned: a reply, a LOG line or the answer to INIT. */
export function parseDriverLine(line: string): DriverLine {
  const text = line.replace(/\r?\n$/, '');
  const [action, afterAction = ''] = cut(text);
  const [second, afterSecond = ''] = cut(afterAction);
  if (action === 'INIT' && (second === 'SUCCESS' || second === 'FAILURE')) return { kind: 'init', result: second };
  if (action === 'LOG') {
    if (!['I', 'E', 'W', 'D'].includes(second)) throw new MadProtocolError(`The LOG line '${text.slice(0, 80)}' has no severity I, E, W or D.`);
    const [rawId, message = ''] = cut(afterSecond);
    return { kind: 'log', severity: second as LogSeverity, id: parseId(rawId, text), message };
  }
  if (second !== 'SUCCESS' && second !== 'FAILURE') {
    throw new MadProtocolError(`The driver line '${text.slice(0, 80)}' is neither a reply (SUCCESS or FAILURE), a LOG line nor an answer to INIT.`);
  }
  const [rawId, info] = cut(afterSecond);
  return { kind: 'reply', reply: { action, result: second, id: parseId(rawId, text), info: info === undefined || info === '' ? '-' : info } };
}
