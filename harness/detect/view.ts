import type { TraceEvent } from '../trace-event.js';

/**
 * What the detectors read, built once per run from the trace as it goes: each VM's deploy as
 * the harness and the driver seam saw it, every driver action as an interval on its host, SSH
 * set-ups, MONITOR rounds, store reads and API calls. Only what a run against a real OpenNebula
 * also records (docs/architecture.md, "Detectors"): nothing is read from inside the stack.
 * Times are emulated ms; NaN is "not seen".
 */
export interface VmView {
  /** position in the burst */
  index: number;
  vmId: number;
  /** START: the intended submit time */
  submit: number;
  /** when the request really left (the submit time when it left on time) */
  sent: number;
  /** PENDING */
  answered: number;
  /** the host of the VM's latest action */
  host: string | undefined;
  /** PROLOG: the prolog TRANSFER of the attempt that got the VM running (else the latest) */
  prolog: number;
  prologEnd: number;
  /** BOOT and RUNNING */
  deploy: number;
  running: number;
  bootStart: number;
  bootEnd: number;
  netMsg: number;
  /** the VM is gone (crash, or its guest will never come up) */
  lost: number;
}

export type ActionKind = 'tm' | 'vmm' | 'ssh' | 'im' | 'boot';

/** One action on a host, from its start to its end (Infinity: it never ended). */
export interface Interval {
  host: string;
  /** -1 for a host-wide action (MONITOR) */
  vmId: number;
  /** the TRANSFER op, VMM action, ssh's operation, MONITOR, `boot` */
  action: string;
  start: number;
  end: number;
  ok: boolean;
}

export interface ApiCall {
  method: string;
  send: number;
  answer: number;
  /** VMs whose allocate had been answered when the call left: the size of our part of the pool */
  pool: number;
}

export interface StoreRead {
  t: number;
  host: string;
  vmId: number;
  image: string;
  mb: number;
}

/**
 * Built as the run goes, held until it ends: so everything per VM and per action is kept in
 * columns (number arrays hold their doubles unboxed; an object's number field is a heap number
 * of its own, which made about 800 bytes per VM at 100,000 VMs). The detectors read VmView and
 * Interval objects, made once at the end, when they first ask (`answered()`, `intervals`).
 */
export class RunView {
  readonly api: ApiCall[] = [];
  readonly storeReads: StoreRead[] = [];
  /** hosts seen in any event, in order of appearance */
  readonly hosts = new Set<string>();
  /** the latest event time */
  end = 0;
  /** each request by its position in the burst: its submit and send, then its VM once answered */
  private readonly submitAt: number[] = [];
  private readonly sentAt: number[] = [];
  /** the VM's id; -1 (or a hole): not answered */
  private readonly vmIdAt: number[] = [];
  private readonly answeredAt: number[] = [];
  private readonly hostAt: Array<string | undefined> = [];
  private readonly times: Record<VmTime, number[]> = {
    prolog: [],
    prologEnd: [],
    deploy: [],
    running: [],
    bootStart: [],
    bootEnd: [],
    netMsg: [],
    lost: [],
  };
  private readonly indexOfId = new Map<number, number>();
  private readonly actions: Record<ActionKind, ActionColumns> = {
    tm: new ActionColumns(),
    vmm: new ActionColumns(),
    ssh: new ActionColumns(),
    im: new ActionColumns(),
    boot: new ActionColumns(),
  };
  /** intervals begun and not yet ended, by kind */
  private readonly open: Record<ActionKind, OpenIntervals> = {
    tm: new OpenIntervals(),
    vmm: new OpenIntervals(),
    ssh: new OpenIntervals(),
    im: new OpenIntervals(),
    boot: new OpenIntervals(),
  };
  private readonly apiOpen = new Map<string, number[]>();
  private answeredCount = 0;
  /** driver events for ids the client has not learnt yet */
  private readonly early = new Map<number, TraceEvent[]>();
  /** the objects of the last answered() and intervals, until the next event */
  private answeredList: VmView[] | undefined;
  private intervalLists: Record<ActionKind, Interval[]> | undefined;

  observe(e: TraceEvent): void {
    this.answeredList = undefined;
    this.intervalLists = undefined;
    if (e.t > this.end) this.end = e.t;
    if (e.host !== undefined) this.hosts.add(e.host);
    switch (e.type) {
      case 'submit':
        if (this.isAnswered(e.index!)) return;
        this.submitAt[e.index!] = e.t;
        this.sentAt[e.index!] = e.t;
        return;
      case 'send': {
        const i = e.index!;
        if (this.submitAt[i] !== undefined && !this.isAnswered(i)) this.sentAt[i] = e.t;
        return;
      }
      case 'answer':
        if (e.result !== 'FAILURE' && e.vmId !== undefined && e.index !== undefined) this.answer(e.index, e.vmId, e.t);
        return;
      case 'api.send':
        this.push(this.apiOpen, e.action!, e.t);
        return;
      case 'api.answer': {
        const send = this.apiOpen.get(e.action!)?.shift();
        if (send !== undefined) this.api.push({ method: e.action!, send, answer: e.t, pool: this.answeredCount });
        return;
      }
      case 'store.read':
        this.storeReads.push({ t: e.t, host: e.host!, vmId: e.vmId ?? -1, image: e.action ?? '', mb: Number(e.info) || 0 });
        return;
      case 'im.start':
      case 'ssh.start':
      case 'tm.start':
      case 'vmm.start':
      case 'boot':
        this.begin(e);
        return;
      case 'im.end':
      case 'ssh.end':
      case 'tm.end':
      case 'vmm.end':
      case 'boot.end':
        this.finish(e);
        return;
      case 'net-msg': {
        const i = this.indexOf(e.vmId);
        if (i !== undefined && Number.isNaN(this.times.netMsg[i]!)) this.times.netMsg[i] = e.t;
        return;
      }
      case 'lost': {
        const i = this.indexOf(e.vmId);
        if (i !== undefined && Number.isNaN(this.times.lost[i]!)) this.times.lost[i] = e.t;
        return;
      }
      default:
        return;
    }
  }

  /** VMs that were answered, in burst order; one list shared by every detector until the next event. */
  answered(): readonly VmView[] {
    if (this.answeredList) return this.answeredList;
    const list: VmView[] = [];
    const { times } = this;
    for (let index = 0; index < this.vmIdAt.length; index += 1) {
      if (!this.isAnswered(index)) continue;
      list.push({
        index,
        vmId: this.vmIdAt[index]!,
        submit: this.submitAt[index]!,
        sent: this.sentAt[index]!,
        answered: this.answeredAt[index]!,
        host: this.hostAt[index],
        prolog: times.prolog[index]!,
        prologEnd: times.prologEnd[index]!,
        deploy: times.deploy[index]!,
        running: times.running[index]!,
        bootStart: times.bootStart[index]!,
        bootEnd: times.bootEnd[index]!,
        netMsg: times.netMsg[index]!,
        lost: times.lost[index]!,
      });
    }
    return (this.answeredList = list);
  }

  /** Every action as an interval on its host, by kind, in the order they began. */
  get intervals(): Readonly<Record<ActionKind, readonly Interval[]>> {
    return (this.intervalLists ??= {
      tm: this.actions.tm.intervals(),
      vmm: this.actions.vmm.intervals(),
      ssh: this.actions.ssh.intervals(),
      im: this.actions.im.intervals(),
      boot: this.actions.boot.intervals(),
    });
  }

  private isAnswered(index: number): boolean {
    const id = this.vmIdAt[index];
    return id !== undefined && id >= 0;
  }

  /** The VM's position, once its allocate was answered. */
  private indexOf(vmId: number | undefined): number | undefined {
    return vmId === undefined ? undefined : this.indexOfId.get(vmId);
  }

  private answer(index: number, vmId: number, t: number): void {
    if (this.submitAt[index] === undefined) {
      this.submitAt[index] = t;
      this.sentAt[index] = t;
    }
    // positions are answered in any order: fill the columns up to this one
    for (let i = this.vmIdAt.length; i <= index; i += 1) {
      this.vmIdAt[i] = -1;
      this.answeredAt[i] = Number.NaN;
      this.hostAt[i] = undefined;
      for (const time of VM_TIMES) this.times[time][i] = Number.NaN;
    }
    const previous = this.vmIdAt[index]!;
    if (previous >= 0) this.indexOfId.delete(previous);
    this.vmIdAt[index] = vmId;
    this.answeredAt[index] = t;
    this.hostAt[index] = undefined;
    for (const time of VM_TIMES) this.times[time][index] = Number.NaN;
    this.indexOfId.set(vmId, index);
    this.answeredCount += 1;
    // driver events can come before the client learns the id (a multicall answers at the end)
    const early = this.early.get(vmId);
    if (early) {
      this.early.delete(vmId);
      for (const e of early) this.applyToVm(index, e);
    }
  }

  private begin(e: TraceEvent): void {
    const kind = kindOf(e.type);
    const vm = this.indexOf(e.vmId);
    const host = e.host ?? (vm === undefined ? undefined : this.hostAt[vm]) ?? '?';
    const i = this.actions[kind].begin(host, e.vmId ?? -1, e.action ?? kind, e.t);
    this.open[kind].add(e, i);
    this.toVm(e);
  }

  private finish(e: TraceEvent): void {
    const kind = kindOf(e.type);
    const columns = this.actions[kind];
    const i = this.open[kind].take(e, e.action ?? kind, columns);
    if (i !== undefined) columns.finish(i, e.t, e.result !== 'FAILURE');
    this.toVm(e);
  }

  private toVm(e: TraceEvent): void {
    if (e.vmId === undefined || e.type === 'ssh.start' || e.type === 'ssh.end') return;
    const i = this.indexOfId.get(e.vmId);
    if (i !== undefined) this.applyToVm(i, e);
    else this.push(this.early, e.vmId, e);
  }

  private applyToVm(i: number, e: TraceEvent): void {
    if (e.host !== undefined) this.hostAt[i] = e.host;
    const { times } = this;
    const running = !Number.isNaN(times.running[i]!);
    switch (e.type) {
      case 'tm.start':
        if (e.action === 'prolog' && !running) {
          times.prolog[i] = e.t;
          times.prologEnd[i] = Number.NaN;
          times.deploy[i] = Number.NaN;
        }
        return;
      case 'tm.end':
        if (e.action === 'prolog' && !running) times.prologEnd[i] = e.t;
        return;
      case 'vmm.start':
        if (e.action === 'DEPLOY' && !running) times.deploy[i] = e.t;
        return;
      case 'vmm.end':
        if (e.action === 'DEPLOY' && e.result !== 'FAILURE' && !running) times.running[i] = e.t;
        return;
      case 'boot':
        times.bootStart[i] = e.t;
        return;
      case 'boot.end':
        times.bootEnd[i] = e.t;
        return;
      default:
        return;
    }
  }

  private push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
    const list = map.get(k);
    if (list) list.push(v);
    else map.set(k, [v]);
  }
}

/** A VM's boundaries that driver and farm events set, each a column of the view. */
const VM_TIMES = ['prolog', 'prologEnd', 'deploy', 'running', 'bootStart', 'bootEnd', 'netMsg', 'lost'] as const;
type VmTime = (typeof VM_TIMES)[number];

/** The actions of one kind, in columns, in the order they began. */
class ActionColumns {
  private readonly host: string[] = [];
  private readonly vmId: number[] = [];
  readonly action: string[] = [];
  private readonly start: number[] = [];
  private readonly end: number[] = [];
  private readonly ok: boolean[] = [];

  begin(host: string, vmId: number, action: string, t: number): number {
    this.host.push(host);
    this.vmId.push(vmId);
    this.action.push(action);
    this.start.push(t);
    this.end.push(Number.POSITIVE_INFINITY);
    this.ok.push(false);
    return this.start.length - 1;
  }

  finish(i: number, t: number, ok: boolean): void {
    this.end[i] = t;
    this.ok[i] = ok;
  }

  intervals(): Interval[] {
    const out = new Array<Interval>(this.start.length);
    for (let i = 0; i < out.length; i += 1) {
      out[i] = { host: this.host[i]!, vmId: this.vmId[i]!, action: this.action[i]!, start: this.start[i]!, end: this.end[i]!, ok: this.ok[i]! };
    }
    return out;
  }
}

const KINDS: Partial<Record<TraceEvent['type'], ActionKind>> = {
  'tm.start': 'tm',
  'tm.end': 'tm',
  'vmm.start': 'vmm',
  'vmm.end': 'vmm',
  'ssh.start': 'ssh',
  'ssh.end': 'ssh',
  'im.start': 'im',
  'im.end': 'im',
  boot: 'boot',
  'boot.end': 'boot',
};

function kindOf(type: TraceEvent['type']): ActionKind {
  return KINDS[type]!;
}

/**
 * Intervals of one kind begun and not yet ended: a VM's by its id, a host-wide one (MONITOR) by
 * its host; an end closes the oldest open one of its action. Keyed by number or host name rather
 * than by a string made per event, and a key leaves when its last interval ends.
 */
class OpenIntervals {
  private readonly byVm = new Map<number, number | number[]>();
  private readonly byHost = new Map<string, number | number[]>();

  add(e: TraceEvent, i: number): void {
    if (e.vmId === undefined) put(this.byHost, e.host ?? '', i);
    else put(this.byVm, e.vmId, i);
  }

  /** The oldest open interval of `action` for the event's VM (or host), taken out. */
  take(e: TraceEvent, action: string, columns: ActionColumns): number | undefined {
    return e.vmId === undefined ? take(this.byHost, e.host ?? '', action, columns) : take(this.byVm, e.vmId, action, columns);
  }
}

function put<K>(map: Map<K, number | number[]>, k: K, i: number): void {
  const known = map.get(k);
  if (known === undefined) map.set(k, i);
  else if (Array.isArray(known)) known.push(i);
  else map.set(k, [known, i]);
}

function take<K>(map: Map<K, number | number[]>, k: K, action: string, columns: ActionColumns): number | undefined {
  const known = map.get(k);
  if (known === undefined) return undefined;
  if (!Array.isArray(known)) {
    if (columns.action[known] !== action) return undefined;
    map.delete(k);
    return known;
  }
  const at = known.findIndex((i) => columns.action[i] === action);
  if (at < 0) return undefined;
  const i = known[at]!;
  known.splice(at, 1);
  if (known.length === 0) map.delete(k);
  return i;
}
