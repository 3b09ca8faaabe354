/**
 * Profiles: named sets of reference-stack knobs, as data (README.md, "Profiles and pathologies"). Knob names are
 * OpenNebula's own where it has one (sched.conf, oned.conf), so a profile reads like the files it
 * stands for. Times are emulated seconds, as in those files, except the API service times, which
 * are emulated milliseconds (`...Ms`).
 */
import { z } from 'zod';
import { SQLITE_WRITE_MS } from './database.js';

/** The known scalability defects the reference stack can switch on; detectors use the same names. */
export const PATHOLOGIES = [
  'sched-ignores-max-host',
  'vmm-host-lock',
  'vertical-pipeline',
  'ssh-per-action',
  'direct-io',
] as const;
export type Pathology = (typeof PATHOLOGIES)[number];

export const PATHOLOGY_DESCRIPTIONS: Record<Pathology, string> = {
  'sched-ignores-max-host': 'the scheduler dispatches at most one VM per host per interval, whatever MAX_HOST says',
  'vmm-host-lock': 'VMM actions for the same host are serialized by a lock',
  'vertical-pipeline':
    'each head-node component is a single consumer thread between queues: a burst\'s hand-offs (transfer file, reply, deployment file) wait for one another',
  'ssh-per-action': 'drivers are launched with transport ssh: every action opens a new connection',
  'direct-io': 'disks are handed to the VMM with cache=none, bypassing the host page cache',
};

const seconds = z.number().positive();

export const schedulerKnobsSchema = z.strictObject({
  /** seconds between scheduling cycles */
  SCHED_INTERVAL: seconds,
  /** pending VMs considered per cycle; 0 = all */
  MAX_VM: z.int().nonnegative(),
  /** VMs dispatched per cycle; 0 = no limit (mm_sched: dispatch_limit <= 0) */
  MAX_DISPATCH: z.int().nonnegative(),
  /** VMs dispatched to one host per cycle */
  MAX_HOST: z.int().positive(),
  /** fraction of each host's memory the scheduler keeps for the hypervisor (4.4 sched.conf) */
  HYPERVISOR_MEM: z.number().min(0).max(1),
  /** DEFAULT_SCHED policy: 0 packing (fullest host first), 1 striping (emptiest first) */
  POLICY: z.enum(['packing', 'striping']),
  /**
   * Not an OpenNebula knob: rank the hosts again before each VM instead of once per cycle as
   * mm_sched does (placement.ts). Off, a cycle with MAX_HOST > 1 fills hosts in the cycle's order.
   */
  RERANK_PER_DISPATCH: z.boolean(),
});

/**
 * 7.x: placement is a plan oned asks the scheduler driver for (oned.conf "Scheduler"; see
 * plan-scheduler.ts). A profile with these knobs runs that scheduler instead of 4.4's mm_sched;
 * `scheduler` then gives rank.conf's MAX_HOST and policy, and SCHED_INTERVAL goes unused.
 */
export const placementKnobsSchema = z.strictObject({
  /** seconds a placement window stays open before a plan is asked for */
  SCHED_MAX_WND_TIME: seconds,
  /** a plan is asked for at once when more VMs than this wait */
  SCHED_MAX_WND_LENGTH: z.int().positive(),
  /** seconds before VMs that fit no host are tried again */
  SCHED_RETRY_TIME: seconds,
  /** deploys in flight on one host at most (a deploy runs until the VM is RUNNING) */
  MAX_ACTIONS_PER_HOST: z.int().positive(),
  /** deploys in flight in the cluster at most */
  MAX_ACTIONS_PER_CLUSTER: z.int().positive(),
  /** the scheduler driver's time to answer a placement request, emulated ms (plan-turnaround.ts) */
  placeMs: z.number().nonnegative().optional(),
  /** oned's time per pending VM a plan leaves out, before it takes the plan, emulated ms (plan-turnaround.ts) */
  leftOutMs: z.number().nonnegative().optional(),
});

/** 4.4's information manager (oned.conf). */
export const monitoringKnobsSchema = z.strictObject({
  /** seconds between information-manager timer runs */
  MANAGER_TIMER: seconds,
  /** hosts monitored at most per timer run */
  HOST_PER_INTERVAL: z.int().positive(),
  /** seconds after which a monitored host is monitored again */
  MONITORING_INTERVAL: seconds,
  /**
   * seconds between the reports a host's probes push once started (4.4's collectd IM, `-i`);
   * 0 or absent: hosts are only asked, every MONITORING_INTERVAL
   */
  PUSH_INTERVAL: z.number().nonnegative().optional(),
});

/**
 * oned's database back end (oned.conf DB). `sqlite`, 4.4's default, takes one lock around every
 * statement (database.ts): the API's writes and pool dumps wait while a host's monitoring report
 * is being written. `mysql` locks rows, not the database: nothing waits for the reports.
 */
export const dbKnobsSchema = z.strictObject({
  BACKEND: z.enum(['sqlite', 'mysql']),
});

export const driverKnobsSchema = z.strictObject({
  /** the driver's `-t`: how many actions it runs at once */
  threads: z.int().positive(),
});

/**
 * The XML-RPC server: MAX_CONN request workers, each call occupying one for its service time.
 * It is what makes a client that submits one request after another pay per request, as 4.4's
 * CLI did (the `serial-submit` pattern the load generator reproduces). Served over the wire
 * (xmlrpc-server.ts), MAX_CONN also bounds the connections served at once, and the other
 * oned.conf knobs below shape the connections as Abyss does.
 */
export const apiKnobsSchema = z.strictObject({
  /** simultaneous requests served (oned.conf MAX_CONN); the rest wait in the backlog */
  MAX_CONN: z.int().positive(),
  /** the listen(2) backlog of the XML-RPC socket (oned.conf MAX_CONN_BACKLOG) */
  MAX_CONN_BACKLOG: z.int().positive(),
  /** the largest request, bytes; a larger one is answered 413 (oned.conf MESSAGE_SIZE) */
  MESSAGE_SIZE: z.int().positive(),
  /** seconds an idle connection is kept open (oned.conf KEEPALIVE_TIMEOUT) */
  KEEPALIVE_TIMEOUT: z.int().positive(),
  /** requests served on one connection before it is closed (oned.conf KEEPALIVE_MAX_CONN) */
  KEEPALIVE_MAX_CONN: z.int().positive(),
  /** emulated service time of a call, ms */
  callMs: z.number().nonnegative(),
  /** per-method service times that replace callMs, ms */
  methodMs: z.record(z.string().regex(/^one\.[a-z]+\.[a-z]+$/, 'expected a method name like one.vm.allocate'), z.number().nonnegative()),
  /** extra time per object a pool call returns (the dump grows with the pool), ms */
  poolObjectMs: z.number().nonnegative(),
  /** per-method time a call holds oned's one database writer, one call at a time, ms (db-writer.ts) */
  serialMs: z.record(z.string().regex(/^one\.[a-z]+\.[a-z]+$/, 'expected a method name like one.vm.allocate'), z.number().nonnegative()).optional(),
});

export const pathologySwitchesSchema = z.strictObject(
  Object.fromEntries(PATHOLOGIES.map((p) => [p, z.boolean()])) as Record<Pathology, z.ZodBoolean>,
);

export const profileSchema = z.strictObject({
  name: z.string().min(1),
  scheduler: schedulerKnobsSchema,
  /** 7.x's placement plans; absent: 4.4's interval scheduler */
  placement: placementKnobsSchema.optional(),
  monitoring: monitoringKnobsSchema,
  /** absent: as `mysql` */
  db: dbKnobsSchema.optional(),
  tm: driverKnobsSchema,
  vmm: driverKnobsSchema,
  im: driverKnobsSchema,
  api: apiKnobsSchema,
  pathologies: pathologySwitchesSchema,
});
export type StackProfile = z.infer<typeof profileSchema>;

/** What a scenario may write: any subset of the knobs, over the profile it `extends`. */
export const profileInputSchema = z.strictObject({
  name: z.string().min(1).optional(),
  extends: z.string().min(1).optional(),
  scheduler: schedulerKnobsSchema.partial().optional(),
  placement: placementKnobsSchema.partial().optional(),
  monitoring: monitoringKnobsSchema.partial().optional(),
  db: dbKnobsSchema.partial().optional(),
  tm: driverKnobsSchema.partial().optional(),
  vmm: driverKnobsSchema.partial().optional(),
  im: driverKnobsSchema.partial().optional(),
  api: apiKnobsSchema.partial().optional(),
  pathologies: pathologySwitchesSchema.partial().optional(),
});
export type StackProfileInput = z.input<typeof profileInputSchema>;

const allPathologies = (on: boolean): Record<Pathology, boolean> =>
  Object.fromEntries(PATHOLOGIES.map((p) => [p, on])) as Record<Pathology, boolean>;

/**
 * OpenNebula 4.4 as the study installed it: sched.conf and oned.conf defaults of that release.
 * API service times are assumptions (4.4's large-deployment guide publishes none): a write
 * call of some tens of ms on the SQLite back end of the time, and a pool dump of about 50 us per
 * VM, which gives 6.10's published 0.78 s for a 20,000-VM vmpool.info. `one.vm.deploy` commits
 * about four writes (the history record inserted, the VM updated twice, the host's capacity) of
 * SQLITE_WRITE_MS each (database.ts) on top of the request's 10 ms: 90 ms.
 */
export const OPENNEBULA_4_4: StackProfile = {
  name: 'opennebula-4.4',
  scheduler: {
    SCHED_INTERVAL: 30,
    // sched.conf ships 5000; the code default when absent is 300
    MAX_VM: 5000,
    MAX_DISPATCH: 30,
    MAX_HOST: 1,
    HYPERVISOR_MEM: 0.1,
    POLICY: 'striping',
    RERANK_PER_DISPATCH: false,
  },
  // oned.conf has MANAGER_TIMER commented out: the code default, 15 s, applies. 4.4's KVM hosts
  // report by UDP push, the collectd IM's "-i 20", once the first MONITOR over ssh has started them
  monitoring: { MANAGER_TIMER: 15, HOST_PER_INTERVAL: 15, MONITORING_INTERVAL: 60, PUSH_INTERVAL: 20 },
  db: { BACKEND: 'sqlite' },
  tm: { threads: 15 },
  // The study's install ran the VMM with -t 10; the shipped 4.4 oned.conf says "-t 15 -r 0 kvm"
  // and 10 is only the Ruby base-class default.
  vmm: { threads: 10 },
  // one_im_ssh ran with "-r 3 -t 15"
  im: { threads: 15 },
  // MAX_CONN 15, MAX_CONN_BACKLOG 15, KEEPALIVE 15 s / 30 calls: oned's defaults in 4.4 and 7.4;
  // MESSAGE_SIZE is 6.x/7.x's default (4.4 had no such knob)
  api: {
    MAX_CONN: 15,
    MAX_CONN_BACKLOG: 15,
    MESSAGE_SIZE: 1_073_741_824,
    KEEPALIVE_TIMEOUT: 15,
    KEEPALIVE_MAX_CONN: 30,
    callMs: 10,
    methodMs: { 'one.vm.allocate': 50, 'one.template.instantiate': 50, 'one.template.allocate': 30, 'one.vm.deploy': 10 + 4 * SQLITE_WRITE_MS },
    poolObjectMs: 0.05,
  },
  pathologies: allPathologies(true),
};

/** What the deploy path can do with its limits lifted and no known defect switched on. */
export const OPTIMIZED: StackProfile = {
  name: 'optimized',
  scheduler: {
    SCHED_INTERVAL: 1,
    MAX_VM: 1024,
    MAX_DISPATCH: 1024,
    MAX_HOST: 1024,
    HYPERVISOR_MEM: 0.1,
    POLICY: 'striping',
    // with 1024 per host per cycle, mm_sched's once-per-cycle ranking would pack a burst onto the
    // first hosts; striping that means it spreads the burst
    RERANK_PER_DISPATCH: true,
  },
  monitoring: { MANAGER_TIMER: 1, HOST_PER_INTERVAL: 1024, MONITORING_INTERVAL: 60 },
  // as 4.4's large-deployment guide recommends ("sqlite is too slow for more than a couple hosts");
  // at the study's 512 VMs the choice moves no figure of the optimized row (docs/fidelity.md)
  db: { BACKEND: 'mysql' },
  tm: { threads: 128 },
  vmm: { threads: 32 },
  im: { threads: 32 },
  // MAX_CONN and MAX_CONN_BACKLOG as the scalability guide recommends for large deployments
  api: {
    MAX_CONN: 240,
    MAX_CONN_BACKLOG: 480,
    MESSAGE_SIZE: 1_073_741_824,
    KEEPALIVE_TIMEOUT: 15,
    KEEPALIVE_MAX_CONN: 30,
    callMs: 2,
    methodMs: { 'one.vm.allocate': 10, 'one.template.instantiate': 10 },
    poolObjectMs: 0.01,
  },
  pathologies: allPathologies(false),
};

/**
 * OpenNebula 7.5.80 as the prebuilt bundle the real-OpenNebula suite runs ships it (etc/oned.conf,
 * etc/schedulers/rank.conf, etc/monitord.conf), with stampede's drivers plugged in as
 * suites/real-opennebula does: the placement window of 10 s or 7 VMs, retry 60 s, one deploy in
 * flight per host and 30 in the cluster, rank's MAX_HOST 1 and striping, TM `-t 15`, VMM `-t 15 -p`
 * (7.x's KVM line), IM `-t 15`. rank.conf has no HYPERVISOR_MEM (0). MANAGER_TIMER is oned's 15 s.
 * API: oned's MAX_CONN and keep-alive defaults, which 7.x shares with 4.4, and 4.4's assumed
 * service times. Measured on the bundle's oned (a debug build on SQLite) under a 128-VM burst
 * on the shared 2-core machine at load 10-12, and kept here so the reference's head-node stages
 * meet it (README, "Against your own OpenNebula", parity): allocations and the Plan Manager's
 * deploys take oned's one database writer 80 and 100 ms each (db-writer.ts); a plan arrives
 * 200 ms plus 28 ms per pending VM it leaves out after it is asked for (plan-turnaround.ts; 14
 * gaps between plans with 0 to 104 VMs left out, at the log's 1 s resolution: least squares gives
 * 35 ms per VM and no intercept to tell from 0, 200 + 28 keeps the gaps' sum, 22 s measured).
 */
export const OPENNEBULA_7_5: StackProfile = {
  name: 'opennebula-7.5',
  scheduler: {
    // the Scheduler Manager's timer period (include/SchedulerManager.h); unused by plans
    SCHED_INTERVAL: 5,
    MAX_VM: 0,
    MAX_DISPATCH: 30,
    MAX_HOST: 1,
    HYPERVISOR_MEM: 0,
    POLICY: 'striping',
    RERANK_PER_DISPATCH: false,
  },
  placement: { SCHED_MAX_WND_TIME: 10, SCHED_MAX_WND_LENGTH: 7, SCHED_RETRY_TIME: 60, MAX_ACTIONS_PER_HOST: 1, MAX_ACTIONS_PER_CLUSTER: 30, placeMs: 200, leftOutMs: 28 },
  monitoring: { MANAGER_TIMER: 15, HOST_PER_INTERVAL: 15, MONITORING_INTERVAL: 60 },
  tm: { threads: 15 },
  vmm: { threads: 15 },
  im: { threads: 15 },
  api: { ...OPENNEBULA_4_4.api, serialMs: { 'one.vm.allocate': 80, 'one.vm.deploy': 100 } },
  pathologies: allPathologies(false),
};

/**
 * The study's steps from `opennebula-4.4` to `optimized` (docs/fidelity.md), each the one before
 * with one more cause taken away, as the study took them: `study-0` is the release as installed,
 * `study-5` is `optimized`. Only stack knobs live here; the client of each step (serial submits
 * up to study-4, one batched call at study-5) is the study module's (harness/study.ts).
 */
export const STUDY_STEPS: ReadonlyArray<{ name: string; step: string; input: StackProfileInput }> = [
  { name: 'study-0', step: 'out of the box (OpenNebula 4.4 as installed)', input: { extends: 'opennebula-4.4' } },
  {
    name: 'study-1',
    step: '+ scheduler interval 30 s -> 1 s, dispatch limits raised',
    input: { extends: 'study-0', scheduler: { ...OPTIMIZED.scheduler } },
  },
  { name: 'study-2', step: "+ the scheduler's per-host limit honoured", input: { extends: 'study-1', pathologies: { 'sched-ignores-max-host': false } } },
  { name: 'study-3', step: '+ host caching for guest disks instead of direct I/O', input: { extends: 'study-2', pathologies: { 'direct-io': false } } },
  {
    name: 'study-4',
    step: '+ TM threads 15 -> 128, VMM threads 10 -> 32',
    input: { extends: 'study-3', tm: { ...OPTIMIZED.tm }, vmm: { ...OPTIMIZED.vmm } },
  },
  {
    name: 'study-5',
    step: '+ code: no VMM host lock, a worker per action, persistent connections, one batched submit',
    input: { extends: 'optimized' },
  },
];

export const BUILTIN_PROFILES: Readonly<Record<string, StackProfile>> = (() => {
  const known: Record<string, StackProfile> = { [OPENNEBULA_4_4.name]: OPENNEBULA_4_4, [OPENNEBULA_7_5.name]: OPENNEBULA_7_5, [OPTIMIZED.name]: OPTIMIZED };
  // each step extends the one before, so they are resolved in order
  for (const s of STUDY_STEPS) known[s.name] = resolveProfile({ ...s.input, name: s.name }, known);
  return known;
})();

export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileError';
  }
}

/**
 * Turns scenario data into a complete profile: a built-in name, or an object that `extends` a
 * known profile and overrides some knobs (or, without `extends`, gives every knob). Throws a
 * ProfileError whose message names the offending key by its path, e.g.
 * `profile "burst": scheduler.MAX_HOTS: unknown key`.
 */
export function resolveProfile(
  input: unknown,
  known: Readonly<Record<string, StackProfile>> = BUILTIN_PROFILES,
): StackProfile {
  if (typeof input === 'string') return structuredClone(lookup(input, known, 'profile'));
  const parsed = profileInputSchema.safeParse(input);
  const label = profileLabel(input);
  if (!parsed.success) throw new ProfileError(`${label}: ${describeIssues(parsed.error.issues)}`);
  const { extends: base, ...overrides } = parsed.data;
  const merged = base === undefined ? overrides : deepMerge(lookup(base, known, `${label}: extends`), overrides);
  if (base !== undefined && overrides.name === undefined) merged.name = `${base}+overrides`;
  const full = profileSchema.safeParse(merged);
  if (!full.success) throw new ProfileError(`${label}: ${describeIssues(full.error.issues)}`);
  return full.data;
}

function lookup(name: string, known: Readonly<Record<string, StackProfile>>, where: string): StackProfile {
  const profile = known[name];
  if (!profile) {
    throw new ProfileError(`${where}: unknown profile ${JSON.stringify(name)} (known: ${Object.keys(known).join(', ')})`);
  }
  return profile;
}

function profileLabel(input: unknown): string {
  const name = (input as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? `profile "${name}"` : 'profile';
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .flatMap((issue) => {
      const at = issue.path.map(String);
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `${[...at, key].join('.')}: unknown key`);
      }
      if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
        return [`${at.join('.')}: missing (give it, or extend a profile that has it)`];
      }
      if (at.length === 0) return ['expected a profile name or an object of knobs'];
      return [`${at.join('.')}: ${issue.message}`];
    })
    .join('; ');
}

type Plain = Record<string, unknown>;
function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge<T extends Plain>(base: T, over: Plain): T & Plain {
  const out: Plain = structuredClone(base);
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlain(current) && isPlain(value) ? deepMerge(current, value) : value;
  }
  return out as T & Plain;
}
