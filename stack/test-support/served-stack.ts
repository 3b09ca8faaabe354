/**
 * A reference stack served over XML-RPC on 127.0.0.1 (port 0) for wire tests: real time
 * (ScaledClock 1) and a profile whose API answers at once, so a test never waits on emulated
 * service times; the scheduler is not started, so nothing runs but the calls a test makes.
 */
import { ScaledClock } from '../../sim/scaled-clock.js';
import { resolveProfile } from '../profile.js';
import { ReferenceStack } from '../reference-stack.js';
import { XmlRpcServer, type XmlRpcServerOptions } from '../xmlrpc-server.js';
import { RecordingDrivers } from './recording-drivers.js';

export const INSTANT_API = {
  extends: 'optimized',
  api: { callMs: 0, methodMs: { 'one.vm.allocate': 0, 'one.template.instantiate': 0 }, poolObjectMs: 0 },
} as const;

export async function servedStack(options: Omit<XmlRpcServerOptions, 'table'> = {}) {
  const clock = new ScaledClock(1);
  const drivers = new RecordingDrivers({ clock });
  const stack = new ReferenceStack({ clock, profile: resolveProfile(INSTANT_API), launcher: drivers.launcher });
  const server = new XmlRpcServer({ table: stack.api.table, ...options });
  const url = await server.listen(0);
  return { stack, server, url, close: () => server.close() };
}
