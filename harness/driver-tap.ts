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
  // One event object per start and per end, of one shape, and one await per action: this runs
  // for every prolog and every deploy of the burst.
  return {
    tm: {
      async transfer(request) {
        const host = transferFileHost(request.lines);
        record(actionEvent(clock.now(), 'tm.start', request.vmId, host, request.op, undefined));
        let reply: MadReply;
        try {
          reply = await drivers.tm.transfer(request);
        } catch (error) {
          reply = thrown(error, 'TRANSFER', request.vmId);
        }
        record(actionEvent(clock.now(), 'tm.end', request.vmId, host, request.op, reply));
        return reply;
      },
    },
    vmm: {
      async execute(request) {
        record(actionEvent(clock.now(), 'vmm.start', request.vmId, request.host, request.action, undefined));
        let reply: MadReply;
        try {
          reply = await drivers.vmm.execute(request);
        } catch (error) {
          reply = thrown(error, request.action, request.vmId);
        }
        record(actionEvent(clock.now(), 'vmm.end', request.vmId, request.host, request.action, reply));
        return reply;
      },
    },
    im: drivers.im,
  };
}

/** A driver that throws instead of answering is a FAILURE the stack will see; the trace records it so. */
function thrown(error: unknown, action: string, id: number): MadReply {
  return { action, result: 'FAILURE', id, info: error instanceof Error ? error.message : String(error) };
}

/** A start (no reply yet) or an end; a reply's info `-` or empty is no info. */
function actionEvent(t: number, type: TraceEvent['type'], vmId: number, host: string | undefined, action: string, reply: MadReply | undefined): TraceEvent {
  const info = reply === undefined || reply.info === '-' || reply.info === '' ? undefined : reply.info;
  return { t, type, vmId, host, action, result: reply?.result, info };
}
