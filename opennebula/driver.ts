/**
 * The seam between a head node and its drivers, shaped after OpenNebula's MAD actions
 * (OpenNebula's driver protocol) so that the MAD line protocol can later be put in between
 * without touching either side:
 *
 *   oned -> driver   `TRANSFER <vid> <transfer file>`          TM
 *                    `DEPLOY|SHUTDOWN|CANCEL <vid> <base64 VMM_DRIVER_ACTION_DATA>`   VMM
 *                    `MONITOR <hid> <hostname> ...`             IM
 *   driver -> oned   `<ACTION> SUCCESS|FAILURE <id> <info>`
 *
 * In process the payloads travel as plain data; opennebula/ owns their text and XML forms.
 */

export type MadResult = 'SUCCESS' | 'FAILURE';

/** One reply line: `<action> <result> <id> <info>`. `info` is `-` when there is nothing to say. */
export interface MadReply {
  action: string;
  result: MadResult;
  id: number;
  info: string;
  /**
   * A MONITOR success's KEY=VALUE pairs as values, beside `info`, their text: a driver in the head
   * node's process hands them over as they are, so the head node need not read its own text back.
   * Only the wire (the MAD line, the farm's HTTP) carries text alone.
   */
  values?: MonitorValues;
}

/** KEY -> value of a probe's output, in the order printed (`MODELNAME="a b"` is `MODELNAME: 'a b'`). */
export type MonitorValues = Readonly<Record<string, string>>;

/** The probe text of `values`: one KEY=VALUE a line, a value with spaces in double quotes. */
export function monitorText(values: MonitorValues): string {
  // the lines joined once: one flat string rather than a rope of a few pieces per line
  const lines: string[] = [];
  for (const key in values) {
    const value = values[key]!;
    lines.push(value === '' || /\s/.test(value) ? `${key}="${value}"` : `${key}=${value}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------- TM

/**
 * `TRANSFER <vid> <file>`: the driver runs the file's lines one after another, stopping at the
 * first failure. `lines` are the file's content, one action per line, exactly as OpenNebula
 * writes them, e.g.
 *   `CLONE qcow2 frontend:/var/lib/one/datastores/1/8a3f... host03:/var/lib/one/datastores/0/17/disk.0 17 1`
 *   `CONTEXT qcow2 /var/lib/one/vms/17/context.sh host03:/var/lib/one/datastores/0/17/disk.1 17 0`
 */
export interface TransferRequest {
  vmId: number;
  /** `prolog` when deploying, `epilog` when the VM is done (the file is transfer.<seq>.<op>). */
  op: 'prolog' | 'epilog';
  lines: string[];
}

export interface TransferDriver {
  transfer(request: TransferRequest): Promise<MadReply>;
}

// ---------------------------------------------------------------------------------- VMM

/** A disk as the deployment file describes it. `cache: 'none'` is O_DIRECT: the host page cache is bypassed. */
export interface DeploymentDisk {
  diskId: number;
  /** `file` for an image-backed qcow2 overlay, `fs`/`swap` for a volatile disk, `context` for the context CD. */
  type: 'file' | 'fs' | 'swap' | 'context';
  /** Base image the overlay is backed by (its SOURCE), when there is one. */
  source?: string;
  format: string;
  sizeMiB: number;
  cache: 'default' | 'none' | 'writethrough' | 'writeback' | 'unsafe';
}

/** What the VMM driver needs to know of the VM (VMM_DRIVER_ACTION_DATA/VM and the deployment file). */
export interface DeploymentVm {
  id: number;
  name: string;
  /** physical CPU share (template CPU) */
  cpu: number;
  vcpu: number;
  memoryMiB: number;
  disks: DeploymentDisk[];
}

export type VmmAction = 'DEPLOY' | 'SHUTDOWN' | 'CANCEL';

/** `<ACTION> <vid> <base64 VMM_DRIVER_ACTION_DATA>`; the fields are that document's. */
export interface VmmRequest {
  action: VmmAction;
  vmId: number;
  host: string;
  /** Empty for DEPLOY; the id DEPLOY SUCCESS answered, for SHUTDOWN and CANCEL. */
  deployId: string;
  vm: DeploymentVm;
}

/** DEPLOY SUCCESS answers the deploy id as its info. */
export interface VirtualMachineDriver {
  execute(request: VmmRequest): Promise<MadReply>;
}

// ---------------------------------------------------------------------------------- IM

/**
 * `MONITOR <hid> <hostname>`: SUCCESS info is the host's `KEY=VALUE` lines as OpenNebula's probes
 * print them (HYPERVISOR, TOTALCPU in percent of a core, USEDCPU, FREECPU, TOTALMEMORY,
 * USEDMEMORY, FREEMEMORY in KiB, ...). FAILURE info is the reason (host unreachable).
 */
export interface MonitorRequest {
  hostId: number;
  hostname: string;
}

export interface InformationDriver {
  monitor(request: MonitorRequest): Promise<MadReply>;
}

// ---------------------------------------------------------------------------------- launch

/**
 * How drivers reach hosts. `ssh` opens a connection per action and pays its set-up on the head
 * node's CPU (the `ssh-per-action` pathology); `persistent` reuses one connection per host.
 */
export type DriverTransport = 'ssh' | 'persistent';

/**
 * One MAD's ARGUMENTS from oned.conf, parsed (driver-arguments.ts reads and writes the text).
 * The concurrency OpenNebula runs inside a MAD process lives here, with the driver, so a real
 * oned that starts our drivers gets the same behaviour as our reference stack:
 * `threads` actions at once (`-t`), and for a VMM one action per host at a time unless
 * `parallel` (`-p`; without it, the `vmm-host-lock` pathology).
 */
export interface DriverArguments {
  threads: number;
  parallel: boolean;
  transport: DriverTransport;
  /** the host farm's URL, for a driver running as a process (`--farm URL`) */
  farm?: string;
  /** a file holding the farm's URL, read when an action needs it (`--farm-file PATH`) */
  farmFile?: string;
}

/** Each MAD's ARGUMENTS string, as oned.conf (and monitord.conf for the IM) gives them. */
export interface MadArguments {
  tm: string;
  vmm: string;
  im: string;
}

export interface Drivers {
  tm: TransferDriver;
  vmm: VirtualMachineDriver;
  im: InformationDriver;
}

/** Starts a set of drivers, as oned execs its MADs with their ARGUMENTS. */
export type DriverLauncher = (args: MadArguments) => Drivers;

export function success(action: string, id: number, info = '-'): MadReply {
  return { action, result: 'SUCCESS', id, info };
}

export function failure(action: string, id: number, info: string): MadReply {
  return { action, result: 'FAILURE', id, info };
}
