/**
 * Each VM's short body (what one.vmpool.info lists), rendered once and reused until a field it
 * shows changes, so that a pool answer is a join of ready fragments: a poller that pages through
 * 100,000 VMs every 30 emulated seconds mostly meets VMs that did not move since its last look.
 * A body is kept in its parts (vm-xml.ts shortBodyXml): the VM's own head and history, and the
 * TEMPLATE and MONITORING/USER_TEMPLATE texts that VMs of one template share, so that a VM holds
 * only the text that is its own (about 600 of a body's 1,050 bytes) and a state change renders
 * only that.
 *
 * A fragment is checked, not trusted: it is reused only while every field the short body shows
 * is what it was when the fragment was rendered (the templates by identity, since the stack
 * replaces a template rather than changing it, and the last history record field by field,
 * since the lifecycle changes a record in place). No code that changes a VM has to remember to
 * tell the cache, and a stale answer cannot happen.
 */
import { hostHeadXml, hostMonitoringXml } from '../opennebula/host-xml.js';
import { templateXml } from '../opennebula/xml-text.js';
import { shortHeadXml, shortHistoryTailXml, shortMiddleXml, shortTemplateXml } from '../opennebula/vm-xml.js';
import { isVector, type Template, type TemplateAttribute } from '../opennebula/template.js';
import { toHostHead, toHostMonitoring, toHostTemplate } from './documents.js';
import type { HistoryRecord, HostMonitor, HostRecord, VmRecord } from './records.js';

/** A rendered body, in its parts, and every field it shows, as they were when it was rendered. */
class Fragment {
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  readonly name: string;
  readonly state: number;
  readonly lcmState: number;
  readonly stime: number;
  readonly etime: number;
  readonly deployId: string;
  readonly template: Template;
  readonly userTemplate: Template;
  // the last history record's fields, since the record may change in place
  readonly seq: number;
  readonly hostname: string;
  readonly hid: number;
  readonly cid: number;
  readonly dsId: number;
  readonly vmMad: string;
  readonly tmMad: string;
  readonly action: number;

  constructor(
    vm: VmRecord,
    readonly last: HistoryRecord | undefined,
    /** `<VM>` to DEPLOY_ID: the VM's own */
    readonly head: string,
    /** shortTemplateXml(template): a state change renders the body again, not its TEMPLATE */
    readonly templateXml: string,
    /** MONITORING and USER_TEMPLATE */
    readonly middle: string,
    /** HISTORY_RECORDS and `</VM>`: the VM's own */
    readonly tail: string,
  ) {
    this.uid = vm.uid;
    this.gid = vm.gid;
    this.uname = vm.uname;
    this.gname = vm.gname;
    this.name = vm.name;
    this.state = vm.state;
    this.lcmState = vm.lcmState;
    this.stime = vm.stime;
    this.etime = vm.etime;
    this.deployId = vm.deployId;
    this.template = vm.template;
    this.userTemplate = vm.userTemplate;
    this.seq = last?.seq ?? 0;
    this.hostname = last?.hostname ?? '';
    this.hid = last?.hid ?? 0;
    this.cid = last?.cid ?? 0;
    this.dsId = last?.dsId ?? 0;
    this.vmMad = last?.vmMad ?? '';
    this.tmMad = last?.tmMad ?? '';
    this.action = last?.action ?? 0;
  }

  shows(vm: VmRecord, last: HistoryRecord | undefined): boolean {
    return (
      this.state === vm.state &&
      this.lcmState === vm.lcmState &&
      this.last === last &&
      this.etime === vm.etime &&
      this.deployId === vm.deployId &&
      this.template === vm.template &&
      this.userTemplate === vm.userTemplate &&
      this.name === vm.name &&
      this.stime === vm.stime &&
      this.uid === vm.uid &&
      this.gid === vm.gid &&
      this.uname === vm.uname &&
      this.gname === vm.gname &&
      (last === undefined ||
        (this.action === last.action &&
          this.seq === last.seq &&
          this.hostname === last.hostname &&
          this.hid === last.hid &&
          this.cid === last.cid &&
          this.dsId === last.dsId &&
          this.vmMad === last.vmMad &&
          this.tmMad === last.tmMad))
    );
  }
}

export class ShortBodies {
  /** by VM id (ids are dense and never reused) */
  private readonly fragments: Array<Fragment | undefined> = [];
  /**
   * TEMPLATE fragments by text: VMs of one template write the same one, and share one string.
   * Bounded, as a generator of unique templates must not grow the head node without end.
   */
  private readonly templates = new Map<string, string>();
  /** the attributes the last TEMPLATE fragment rendered showed, and that fragment */
  private lastShown: TemplateAttribute[] = [];
  private lastTemplateXml: string | undefined;
  /** the last pool answer and the bodies it lists, in order */
  private lastPool: { fragments: Fragment[]; xml: string } | undefined;

  /** The VM's short body, as renderVmPool(..., 'short') writes it for the VM's document. */
  of(vm: VmRecord): string {
    const f = this.fragment(vm);
    return f.head + f.templateXml + f.middle + f.tail;
  }

  /**
   * The VM_POOL document of `vms`, their bodies joined once. When it lists the very bodies the
   * last one listed (no VM in it changed), it is the last one again: a poller reading a pool at
   * rest pays a check per VM, not a copy of every body.
   */
  pool(vms: readonly VmRecord[]): string {
    const fragments = new Array<Fragment>(vms.length);
    for (let i = 0; i < vms.length; i += 1) fragments[i] = this.fragment(vms[i]!);
    const last = this.lastPool;
    if (last !== undefined && sameFragments(last.fragments, fragments)) return last.xml;
    const parts = ['<VM_POOL>'];
    for (const f of fragments) parts.push(f.head, f.templateXml, f.middle, f.tail);
    parts.push('</VM_POOL>');
    const xml = parts.join('');
    this.lastPool = { fragments, xml };
    return xml;
  }

  /** The VM's body as it is now: the cached one while it shows what the VM shows. */
  private fragment(vm: VmRecord): Fragment {
    const history = vm.history;
    const last = history.length === 0 ? undefined : history[history.length - 1];
    const fragments = this.fragments;
    const known = vm.id < fragments.length ? fragments[vm.id] : undefined;
    let fragment: Fragment;
    if (known !== undefined && known.shows(vm, last)) fragment = known;
    else {
      const templateXml = known !== undefined && known.template === vm.template ? known.templateXml : this.templateOf(vm.template);
      const middle = known !== undefined && known.userTemplate === vm.userTemplate ? known.middle : shortMiddleXml(vm);
      const head = flat(shortHeadXml(vm));
      const tail = flat(shortHistoryTailXml(vm, last));
      flat(middle);
      while (fragments.length <= vm.id) fragments.push(undefined);
      fragment = new Fragment(vm, last, head, templateXml, middle, tail);
      fragments[vm.id] = fragment;
    }
    return fragment;
  }

  /**
   * The short TEMPLATE of `template`. What it shows is a function of a few attributes; when they
   * are the very (frozen) attributes the last one showed, as for every VM of one template
   * (stack/vm-template.ts freezeShape), it is that one's text, without rendering it again.
   */
  private templateOf(template: Template): string {
    const shown = shownAttributes(template);
    const last = this.lastShown;
    if (shown !== undefined && this.lastTemplateXml !== undefined && shown.length === last.length && shown.every((a, i) => a === last[i])) {
      return this.lastTemplateXml;
    }
    const xml = this.shared(shortTemplateXml(template));
    if (shown !== undefined) {
      this.lastShown = shown;
      this.lastTemplateXml = xml;
    }
    return xml;
  }

  private shared(templateXml: string): string {
    const known = this.templates.get(templateXml);
    if (known !== undefined) return known;
    if (this.templates.size >= 256) this.templates.clear();
    this.templates.set(templateXml, flat(templateXml));
    return templateXml;
  }
}

function sameFragments(a: readonly Fragment[], b: readonly Fragment[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** Every attribute a short TEMPLATE reads (shortTemplateXml), in order. */
const SHOWN = new Set(['CPU', 'MEMORY', 'VCPU', 'DISK', 'NIC', 'GRAPHICS']);

/** The attributes shortTemplateXml reads from `template`; undefined if one of them could still change in place. */
function shownAttributes(template: Template): TemplateAttribute[] | undefined {
  const shown: TemplateAttribute[] = [];
  for (const attribute of template) {
    if (!SHOWN.has(attribute.name)) continue;
    if (!Object.isFrozen(attribute) || (isVector(attribute) && !Object.isFrozen(attribute.vector))) return undefined;
    shown.push(attribute);
  }
  return shown;
}

/** A host's body, in its parts, and every field of the record it shows, as they were when it was rendered. */
class HostFragment {
  readonly state: number;
  readonly prevState: number;
  readonly lastMonTime: number;
  readonly monitor: HostMonitor | undefined;
  readonly cpuUsage: number;
  readonly memUsageKiB: number;
  readonly vmsVersion: number;
  readonly error: string | undefined;
  readonly name: string;
  readonly imMad: string;
  readonly vmmMad: string;
  readonly clusterId: number;
  readonly cluster: string;

  constructor(
    host: HostRecord,
    /** `<HOST>` to VMS: the record's fields, its share (usage and the monitor's totals) and VMs */
    readonly head: string,
    /** TEMPLATE: the monitor's attributes, the drivers, ERROR */
    readonly template: string,
    /** MONITORING: the last monitor and when it came */
    readonly monitoring: string,
  ) {
    this.state = host.state;
    this.prevState = host.prevState;
    this.lastMonTime = host.lastMonTime;
    this.monitor = host.monitor;
    this.cpuUsage = host.cpuUsage;
    this.memUsageKiB = host.memUsageKiB;
    this.vmsVersion = host.vmsVersion;
    this.error = host.error;
    this.name = host.name;
    this.imMad = host.imMad;
    this.vmmMad = host.vmmMad;
    this.clusterId = host.clusterId;
    this.cluster = host.cluster;
  }

  showsHead(host: HostRecord): boolean {
    return (
      this.state === host.state &&
      this.prevState === host.prevState &&
      this.monitor === host.monitor &&
      this.cpuUsage === host.cpuUsage &&
      this.memUsageKiB === host.memUsageKiB &&
      this.vmsVersion === host.vmsVersion &&
      this.name === host.name &&
      this.imMad === host.imMad &&
      this.vmmMad === host.vmmMad &&
      this.clusterId === host.clusterId &&
      this.cluster === host.cluster
    );
  }

  showsTemplate(host: HostRecord): boolean {
    return this.monitor === host.monitor && this.error === host.error && this.imMad === host.imMad && this.vmmMad === host.vmmMad;
  }

  showsMonitoring(host: HostRecord): boolean {
    return this.lastMonTime === host.lastMonTime && this.monitor === host.monitor;
  }
}

/**
 * Each host's document (one.host.info, one.hostpool.info), rendered once and reused until a
 * field of the record it shows changes: a harness waiting for 100,000 hosts to be monitored reads
 * the pool again and again while most hosts stay as they were. Checked as ShortBodies checks
 * (a host's monitor answer is replaced, never changed in place; its VMs change through HostPool),
 * and kept in parts (host-xml.ts renderHost), each rendered again only when what it shows
 * changed: a host monitored again, at rest, renders its MONITORING and nothing else.
 */
export class HostBodies {
  private readonly fragments: Array<HostFragment | undefined> = [];

  of(host: HostRecord): string {
    const parts: string[] = [];
    this.write(host, parts);
    return parts.join('');
  }

  /** The HOST_POOL document of `hosts`, their documents' ready parts joined once. */
  pool(hosts: Iterable<HostRecord>): string {
    const parts = ['<HOST_POOL>'];
    for (const host of hosts) this.write(host, parts);
    parts.push('</HOST_POOL>');
    return parts.join('');
  }

  /** Appends the parts of the host's document to `parts`. */
  private write(host: HostRecord, parts: string[]): void {
    const fragments = this.fragments;
    const known = host.id < fragments.length ? fragments[host.id] : undefined;
    const sameMonitoring = known !== undefined && known.showsMonitoring(host);
    const sameHead = known !== undefined && known.showsHead(host);
    const sameTemplate = known !== undefined && known.showsTemplate(host);
    let fragment: HostFragment;
    if (known !== undefined && sameMonitoring && sameHead && sameTemplate) fragment = known;
    else {
      const head = sameHead ? known!.head : flat(hostHeadXml(toHostHead(host)));
      const template = sameTemplate ? known!.template : flat(templateXml('TEMPLATE', toHostTemplate(host)));
      const monitoring = sameMonitoring ? known!.monitoring : flat(hostMonitoringXml(toHostMonitoring(host)));
      while (fragments.length <= host.id) fragments.push(undefined);
      fragment = new HostFragment(host, head, template, monitoring);
      fragments[host.id] = fragment;
    }
    parts.push(fragment.head, fragment.template, fragment.monitoring, '</HOST>');
  }
}

/** `text` as one flat string, made now while its pieces are young: a kept rope would hold them all. */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}
