import type { Clock } from '../sim/clock.js';
import type { Drivers, MadReply } from '../opennebula/driver.js';
import { transferFileHost } from '../opennebula/transfer-file.js';
import type { TraceEvent } from './trace-event.js';

/**
 * Puts the harness between the stack and its drivers, where docs/architecture.md ("Stages, and where each boundary is observed") observes PROLOG (the TM
 * driver receives the prolog TRANSFER), BOOT (the VMM driver receives DEPLOY) and RUNNING (it
 * answers DEPLOY SUCCESS). The stack is not told: it launches drivers as before and gets the
 * same replies; each request and reply is also recorded as a trace event.
 */
export function tapLauncher<A>(launch: (args: A) => Drivers, clock: Pick<Clock, 'now'>, record: (e: TraceEvent) => void): (args: A) => Drivers {
  return (args) => tapDrivers(launch(args), clock, record);
}

export function tapDrivers(drivers: Drivers, clock: Pick<Clock, 'now'>, record: (e: TraceEvent) => void): Drivers {
  return {
    tm: {
      async transfer(request) {
        const host = transferFileHost(request.lines);
        const base = { vmId: request.vmId, action: request.op, ...(host === undefined ? {} : { host }) };
        record({ t: clock.now(), type: 'tm.start', ...base });
        const reply = await answered(() => drivers.tm.transfer(request), 'TRANSFER', request.vmId);
        record({ t: clock.now(), type: 'tm.end', ...base, ...outcome(reply) });
        return reply;
      },
    },
    vmm: {
      async execute(request) {
        const base = { vmId: request.vmId, host: request.host, action: request.action };
        record({ t: clock.now(), type: 'vmm.start', ...base });
        const reply = await answered(() => drivers.vmm.execute(request), request.action, request.vmId);
        record({ t: clock.now(), type: 'vmm.end', ...base, ...outcome(reply) });
        return reply;
      },
    },
    im: drivers.im,
  };
}

/** A driver that throws instead of answering is a FAILURE the stack will see; the trace records it so. */
async function answered(call: () => Promise<MadReply>, action: string, id: number): Promise<MadReply> {
  try {
    return await call();
  } catch (error) {
    return { action, result: 'FAILURE', id, info: error instanceof Error ? error.message : String(error) };
  }
}

function outcome(reply: MadReply): Pick<TraceEvent, 'result' | 'info'> {
  return reply.info === '-' || reply.info === '' ? { result: reply.result } : { result: reply.result, info: reply.info };
}
