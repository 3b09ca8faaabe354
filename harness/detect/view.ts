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

export class RunView {
  /** by position in the burst; holes are requests never answered */
  readonly vms: VmView[] = [];
  readonly intervals: Record<ActionKind, Interval[]> = { tm: [], vmm: [], ssh: [], im: [], boot: [] };
  readonly api: ApiCall[] = [];
  readonly storeReads: StoreRead[] = [];
  /** hosts seen in any event, in order of appearance */
  readonly hosts = new Set<string>();
  /** the latest event time */
  end = 0;
  private readonly byId = new Map<number, VmView>();
  /** intervals begun and not yet ended, by kind */
  private readonly open: Record<ActionKind, OpenIntervals> = {
    tm: new OpenIntervals(),
    vmm: new OpenIntervals(),
    ssh: new OpenIntervals(),
    im: new OpenIntervals(),
    boot: new OpenIntervals(),
  };
  private readonly submits: Array<{ submit: number; sent: number }> = [];
  private readonly apiOpen = new Map<string, number[]>();
  private answeredCount = 0;
  private answeredList: VmView[] | undefined;

  observe(e: TraceEvent): void {
    if (e.t > this.end) this.end = e.t;
    if (e.host !== undefined) this.hosts.add(e.host);
    switch (e.type) {
      case 'submit':
        this.submits[e.index!] = { submit: e.t, sent: e.t };
        return;
      case 'send': {
        const s = this.submits[e.index!];
        if (s) s.sent = e.t;
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
        const vm = this.vm(e.vmId);
        if (vm && Number.isNaN(vm.netMsg)) vm.netMsg = e.t;
        return;
      }
      case 'lost': {
        const vm = this.vm(e.vmId);
        if (vm && Number.isNaN(vm.lost)) vm.lost = e.t;
        return;
      }
      default:
        return;
    }
  }

  /** The VM with this id, once its allocate was answered. */
  vm(vmId: number | undefined): VmView | undefined {
    return vmId === undefined ? undefined : this.byId.get(vmId);
  }

  /** VMs that were answered, in burst order; one list shared by every detector until the next answer. */
  answered(): readonly VmView[] {
    return (this.answeredList ??= this.vms.filter((v) => v !== undefined));
  }

  private answer(index: number, vmId: number, t: number): void {
    const s = this.submits[index] ?? { submit: t, sent: t };
    const vm: VmView = {
      index,
      vmId,
      submit: s.submit,
      sent: s.sent,
      answered: t,
      host: undefined,
      prolog: Number.NaN,
      prologEnd: Number.NaN,
      deploy: Number.NaN,
      running: Number.NaN,
      bootStart: Number.NaN,
      bootEnd: Number.NaN,
      netMsg: Number.NaN,
      lost: Number.NaN,
    };
    this.vms[index] = vm;
    this.byId.set(vmId, vm);
    this.answeredCount += 1;
    this.answeredList = undefined;
    // driver events can come before the client learns the id (a multicall answers at the end)
    const early = this.early.get(vmId);
    if (early) {
      this.early.delete(vmId);
      for (const e of early) this.applyToVm(vm, e);
    }
  }

  private readonly early = new Map<number, TraceEvent[]>();

  private begin(e: TraceEvent): void {
    const kind = kindOf(e.type);
    const host = e.host ?? this.vm(e.vmId)?.host ?? '?';
    const iv: Interval = { host, vmId: e.vmId ?? -1, action: e.action ?? kind, start: e.t, end: Number.POSITIVE_INFINITY, ok: false };
    this.intervals[kind].push(iv);
    this.open[kind].add(e, iv);
    this.toVm(e);
  }

  private finish(e: TraceEvent): void {
    const kind = kindOf(e.type);
    const iv = this.open[kind].take(e, e.action ?? kind);
    if (iv) {
      iv.end = e.t;
      iv.ok = e.result !== 'FAILURE';
    }
    this.toVm(e);
  }

  private toVm(e: TraceEvent): void {
    if (e.vmId === undefined || e.type === 'ssh.start' || e.type === 'ssh.end') return;
    const vm = this.byId.get(e.vmId);
    if (vm) this.applyToVm(vm, e);
    else this.push(this.early, e.vmId, e);
  }

  private applyToVm(vm: VmView, e: TraceEvent): void {
    if (e.host !== undefined) vm.host = e.host;
    const running = !Number.isNaN(vm.running);
    switch (e.type) {
      case 'tm.start':
        if (e.action === 'prolog' && !running) {
          vm.prolog = e.t;
          vm.prologEnd = Number.NaN;
          vm.deploy = Number.NaN;
        }
        return;
      case 'tm.end':
        if (e.action === 'prolog' && !running) vm.prologEnd = e.t;
        return;
      case 'vmm.start':
        if (e.action === 'DEPLOY' && !running) vm.deploy = e.t;
        return;
      case 'vmm.end':
        if (e.action === 'DEPLOY' && e.result !== 'FAILURE' && !running) vm.running = e.t;
        return;
      case 'boot':
        vm.bootStart = e.t;
        return;
      case 'boot.end':
        vm.bootEnd = e.t;
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
  private readonly byVm = new Map<number, Interval | Interval[]>();
  private readonly byHost = new Map<string, Interval | Interval[]>();

  add(e: TraceEvent, iv: Interval): void {
    if (e.vmId === undefined) put(this.byHost, e.host ?? '', iv);
    else put(this.byVm, e.vmId, iv);
  }

  /** The oldest open interval of `action` for the event's VM (or host), taken out. */
  take(e: TraceEvent, action: string): Interval | undefined {
    return e.vmId === undefined ? take(this.byHost, e.host ?? '', action) : take(this.byVm, e.vmId, action);
  }
}

function put<K>(map: Map<K, Interval | Interval[]>, k: K, iv: Interval): void {
  const known = map.get(k);
  if (known === undefined) map.set(k, iv);
  else if (Array.isArray(known)) known.push(iv);
  else map.set(k, [known, iv]);
}

function take<K>(map: Map<K, Interval | Interval[]>, k: K, action: string): Interval | undefined {
  const known = map.get(k);
  if (known === undefined) return undefined;
  if (!Array.isArray(known)) {
    if (known.action !== action) return undefined;
    map.delete(k);
    return known;
  }
  const i = known.findIndex((iv) => iv.action === action);
  if (i < 0) return undefined;
  const iv = known[i]!;
  known.splice(i, 1);
  if (known.length === 0) map.delete(k);
  return iv;
}
