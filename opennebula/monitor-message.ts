/**
 * The IM driver's messages on onemonitord's hop (OpenNebula 5.12+,
 * as the oned 7.5 capture shows): requests `START_MONITOR - <hid> <timestamp> <payload>` and
 * `STOP_MONITOR ...`, replies `START_MONITOR SUCCESS <hid> <unix time> <payload>`, every payload
 * zlib-compressed then base64. START_MONITOR carries `<MONITOR_DRIVER_ACTION><HOST><ID>..<NAME>..`;
 * its reply `<MONITOR_MESSAGES>` whose children (SYSTEM_HOST, MONITOR_HOST, STATE_VM, EXEC_VM,
 * MONITOR_VM, TIMESTAMP) each hold plain base64 of probe output, separated by single spaces as
 * the dummy driver writes them. 4.4's IM answered `MONITOR SUCCESS <hid> <base64 KEY=VALUE lines>`.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { child, readXml, text } from './xml-reader.js';

export class MonitorMessageError extends Error {
  override readonly name = 'MonitorMessageError';
}

export function zlibBase64(textValue: string): string {
  return deflateSync(Buffer.from(textValue, 'utf8')).toString('base64');
}

export function unzlibBase64(payload: string): string {
  try {
    return inflateSync(Buffer.from(payload, 'base64')).toString('utf8');
  } catch {
    throw new MonitorMessageError(`the monitor payload '${payload.slice(0, 40)}' is not zlib data in base64`);
  }
}

/** The host a START_MONITOR / STOP_MONITOR payload is about. */
export function monitorActionHost(payload: string): { id: number; name: string } {
  const root = readXml(unzlibBase64(payload), 'MONITOR_DRIVER_ACTION');
  const host = root.name === 'MONITOR_DRIVER_ACTION' ? child(root, 'HOST') : undefined;
  const id = host && child(host, 'ID');
  const name = host && child(host, 'NAME');
  if (!id || !name) throw new MonitorMessageError('the MONITOR_DRIVER_ACTION payload names no HOST with ID and NAME');
  return { id: Number(text(id)), name: text(name) };
}

/** Probe keys that describe the host (SYSTEM_HOST); the others are its usage now (MONITOR_HOST). */
const SYSTEM_KEYS = new Set(['HYPERVISOR', 'HOSTNAME', 'ARCH', 'MODELNAME', 'CPUSPEED', 'TOTALCPU', 'TOTALMEMORY']);

const b64 = (lines: readonly string[]): string => Buffer.from(lines.length === 0 ? '' : `${lines.join('\n')}\n`, 'utf8').toString('base64');

/** The START_MONITOR reply payload for a host's probe output (KEY=VALUE lines), compressed and encoded. */
export function monitorMessages(lines: readonly string[], timestamp: number): string {
  const system = lines.filter((l) => SYSTEM_KEYS.has(l.slice(0, l.indexOf('='))));
  const monitor = lines.filter((l) => !SYSTEM_KEYS.has(l.slice(0, l.indexOf('='))));
  const xml =
    `<MONITOR_MESSAGES><SYSTEM_HOST>${b64(system)}</SYSTEM_HOST> <MONITOR_HOST>${b64(monitor)}</MONITOR_HOST> ` +
    `<STATE_VM></STATE_VM> <EXEC_VM>Cg==</EXEC_VM> <MONITOR_VM>Cg==</MONITOR_VM> <MONITOR_VM></MONITOR_VM> ` +
    `<TIMESTAMP>${timestamp}</TIMESTAMP></MONITOR_MESSAGES>`;
  return zlibBase64(xml);
}

/** 4.4's MONITOR SUCCESS info: the probe output as base64. */
export const encodeMonitorInfo = (lines: readonly string[]): string => Buffer.from(lines.join('\n'), 'utf8').toString('base64');
export const decodeMonitorInfo = (info: string): string => Buffer.from(info, 'base64').toString('utf8');
