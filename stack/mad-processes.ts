/**
 * The reference stack's drivers as child processes, started and spoken to as oned does
 * (opennebula/mad-message.ts): each MAD is exec'd with its ARGUMENTS as ONE argv
 * element, stdin and stdout as pipes; `INIT` and a wait for `INIT SUCCESS`; one request line per
 * action, replies matched by action and id in whatever order they come; `FINALIZE` at the end.
 * So the reference stack and a real oned drive the same driver executables.
 *
 *   const mads = new MadProcesses({ tm: ['stampede', 'driver', 'tm'], ... }, { vmsDir });
 *   const stack = new ReferenceStack({ clock, profile, launcher: mads.launcher });
 *   await mads.ready();          // every driver answered INIT SUCCESS
 *   await mads.stop();           // FINALIZE, then SIGKILL what has not exited
 *
 * TM: the transfer file is written to `<vmsDir>/<vid>/transfer.<n>.<op>` before `TRANSFER`, as
 * oned's TransferManager does. VMM: VMM_DRIVER_ACTION_DATA in base64. IM: 4.4's
 * `MONITOR <hid> <hostname> <ds_location> <update>`, whose SUCCESS info is base64 probe output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Clock } from '../sim/clock.js';
import { ScaledClock } from '../sim/scaled-clock.js';
import { failure, type DriverLauncher, type Drivers, type MadArguments, type MadReply } from '../opennebula/driver.js';
import { FINALIZE_LINE, formatRequest, INIT_LINE, MadProtocolError, parseDriverLine } from '../opennebula/mad-message.js';
import { decodeMonitorInfo } from '../opennebula/monitor-message.js';
import { encodeVmmActionData } from '../opennebula/vmm-action-data.js';
import { DATASTORES_DIR, VMS_DIR } from './image-catalog.js';

type Kind = keyof MadArguments;

/** Each driver's command line before its ARGUMENTS, e.g. ['/usr/bin/stampede', 'driver', 'tm']. */
export type MadExecutables = Readonly<Record<Kind, readonly string[]>>;

export interface MadProcessesOptions {
  /** real ms to wait for INIT SUCCESS, and for a driver to exit after FINALIZE (oned 7: 10 s) */
  initTimeoutMs?: number;
  /** where transfer files are written (oned's VMS_LOCATION) */
  vmsDir: string;
  /** appended to every driver's ARGUMENTS, e.g. `--farm-file /tmp/farm.url` */
  arguments?: string;
  /** the drivers' environment; default this process's */
  env?: NodeJS.ProcessEnv;
  /** told of every LOG line and every line a driver writes on stderr */
  onLog?: (kind: Kind, line: string) => void;
}

export class MadDriverError extends Error {
  override readonly name = 'MadDriverError';
}

/**
 * How long to wait for INIT SUCCESS, in real ms. oned 7 waits 10 s (include/Driver.h); a driver
 * started from TypeScript sources on a loaded machine can take longer, so the default is wider.
 */
const INIT_TIMEOUT_MS = 180_000;

/** Real time: start-up waits are about the machine, not the emulated cloud. */
const wall = (): Clock => new ScaledClock(1);

class MadProcess {
  readonly child: ChildProcess;
  private readonly waiting = new Map<string, Array<(reply: MadReply) => void>>();
  private exited: string | undefined;
  private readonly timeoutMs: number;
  readonly initialized: Promise<void>;
  readonly exit: Promise<void>;

  constructor(
    readonly kind: Kind,
    command: readonly string[],
    args: string,
    options: MadProcessesOptions,
  ) {
    const [file, ...rest] = command;
    if (file === undefined) throw new MadDriverError(`the ${kind.toUpperCase()} driver has no command`);
    this.child = spawn(file, [...rest, args], { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    let initialized!: () => void;
    let refused!: (e: Error) => void;
    this.initialized = new Promise((resolve, reject) => {
      initialized = resolve;
      refused = reject;
    });
    this.initialized.catch(() => {});
    this.child.stdin!.on('error', () => {}); // a driver that died: its exit says so
    this.child.stderr!.on('data', (d: Buffer) => options.onLog?.(kind, d.toString().trimEnd()));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      let parsed;
      try {
        parsed = parseDriverLine(line);
      } catch (error) {
        if (error instanceof MadProtocolError) return options.onLog?.(kind, `unreadable line: ${line.slice(0, 120)}`);
        throw error;
      }
      if (parsed.kind === 'init') {
        if (parsed.result === 'SUCCESS') initialized();
        else refused(new MadDriverError(`the ${kind.toUpperCase()} driver answered INIT with FAILURE`));
      } else if (parsed.kind === 'log') {
        options.onLog?.(kind, line);
      } else {
        const key = `${parsed.reply.action} ${parsed.reply.id}`;
        const queue = this.waiting.get(key);
        const resolve = queue?.shift();
        if (queue?.length === 0) this.waiting.delete(key);
        resolve?.(parsed.reply);
      }
    });
    this.exit = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.gone(`could not be started (${error.message})`);
        refused(new MadDriverError(`the ${kind.toUpperCase()} driver ${command.join(' ')} could not be started: ${error.message}`));
        resolve();
      });
      this.child.on('exit', (code, signal) => {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        this.gone(how);
        refused(new MadDriverError(`the ${kind.toUpperCase()} driver ${how} before answering INIT`));
        resolve();
      });
    });
    this.write(INIT_LINE);
    const limit = options.initTimeoutMs ?? INIT_TIMEOUT_MS;
    this.timeoutMs = limit;
    const timer = wall().timer(limit, () =>
      refused(new MadDriverError(`the ${kind.toUpperCase()} driver did not answer INIT within ${limit / 1000} s`)),
    );
    void this.initialized.then(
      () => timer.cancel(),
      () => timer.cancel(),
    );
  }

  private write(line: string): void {
    if (this.exited === undefined) this.child.stdin!.write(`${line}\n`);
  }

  /** Sends one request and resolves with its reply (a FAILURE if the driver is gone). */
  request(action: string, id: number, payload: string): Promise<MadReply> {
    if (this.exited !== undefined) return Promise.resolve(failure(action, id, `the ${this.kind.toUpperCase()} driver ${this.exited}`));
    return new Promise((resolve) => {
      const key = `${action} ${id}`;
      let queue = this.waiting.get(key);
      if (!queue) this.waiting.set(key, (queue = []));
      queue.push(resolve);
      this.write(formatRequest({ action, id, payload }));
    });
  }

  private gone(how: string): void {
    this.exited ??= how;
    for (const [key, queue] of this.waiting) {
      const [action, id] = key.split(' ');
      for (const resolve of queue) resolve(failure(action!, Number(id), `the ${this.kind.toUpperCase()} driver ${how}`));
    }
    this.waiting.clear();
  }

  /** Kills it now. */
  kill(): void {
    if (this.exited === undefined) this.child.kill('SIGKILL');
  }

  /** FINALIZE and close its stdin; what has not exited by then is killed. */
  async stop(): Promise<void> {
    if (this.exited === undefined) {
      this.write(FINALIZE_LINE);
      this.child.stdin!.end();
      const timer = wall().timer(this.timeoutMs, () => this.child.kill('SIGKILL'));
      await this.exit;
      timer.cancel();
    }
  }
}

export class MadProcesses {
  private readonly processes: MadProcess[] = [];
  /** transfer files written per VM, for their sequence numbers */
  private readonly transfers = new Map<number, number>();
  readonly launcher: DriverLauncher;

  constructor(
    private readonly executables: MadExecutables,
    private readonly options: MadProcessesOptions,
  ) {
    this.launcher = (args) => this.start(args);
  }

  private start(args: MadArguments): Drivers {
    const tm = this.spawn('tm', args.tm);
    const vmm = this.spawn('vmm', args.vmm);
    const im = this.spawn('im', args.im);
    const { vmsDir } = this.options;
    return {
      tm: {
        transfer: async (request) => {
          const n = this.transfers.get(request.vmId) ?? 0;
          this.transfers.set(request.vmId, n + 1);
          const file = join(vmsDir, String(request.vmId), `transfer.${n}.${request.op}`);
          await mkdir(join(vmsDir, String(request.vmId)), { recursive: true });
          await writeFile(file, request.lines.map((l) => `${l}\n`).join(''));
          return tm.request('TRANSFER', request.vmId, file);
        },
      },
      vmm: {
        execute: (request) => {
          const deployment = request.action === 'DEPLOY' ? `${request.vmId}/deployment.0` : undefined;
          const payload = encodeVmmActionData(
            request,
            deployment === undefined
              ? {}
              : { localDeploymentFile: `${VMS_DIR}/${deployment}`, remoteDeploymentFile: `${DATASTORES_DIR}/0/${deployment}` },
          );
          return vmm.request(request.action, request.vmId, payload);
        },
      },
      im: {
        monitor: async (request) => {
          const reply = await im.request('MONITOR', request.hostId, `${request.hostname} ${DATASTORES_DIR} 0`);
          return reply.result === 'SUCCESS' ? { ...reply, info: decodeMonitorInfo(reply.info) } : reply;
        },
      },
    };
  }

  private spawn(kind: Kind, args: string): MadProcess {
    const extra = this.options.arguments;
    const p = new MadProcess(kind, this.executables[kind], extra ? `${args} ${extra}` : args, this.options);
    this.processes.push(p);
    return p;
  }

  /** Resolves once every driver answered INIT SUCCESS; rejects with the first that did not. */
  async ready(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.initialized));
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
  }

  /** Kills every driver at once (when this process must end now). */
  kill(): void {
    for (const p of this.processes) p.kill();
  }
}
