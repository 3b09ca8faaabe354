/**
 * run(scenario) -> Result: one execution of a scenario, from an empty cloud to a verdict.
 *
 *   1. the host farm and the collector start in this process; the launch mode starts the stack
 *      with the farm's drivers (tapped: the trace sees every TM and VMM action);
 *   2. the hosts are registered through the API (one.host.allocate) and the run waits until the
 *      stack has monitored them all, as a user of a fresh cloud would;
 *   3. the burst: one one.vm.allocate per VM, in the scenario's load mode; the deadline clock starts;
 *   4. the run watches until every VM is up (NET-MSG) or failed, or the deadline passes, polling
 *      the stack's VM pool to cross-check states;
 *   5. a final poll, then accounting, stage statistics, budgets, lag: the Result.
 *
 * Nothing is lost on a crash: trace.jsonl is appended as the run goes.
 */
import { join } from 'node:path';
import { HostFarm } from '../adapters/host-farm.js';
import type { FarmEvent } from '../adapters/farm-events.js';
import { HostState, hostStateName, vmDisplayState } from '../opennebula/states.js';
import type { Clock } from '../sim/clock.js';
import { Random } from '../sim/random.js';
import { ScaledClock } from '../sim/scaled-clock.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { afterProbe, CALIBRATION, CalibrationTap, chooseFactor } from './auto-factor.js';
import { clientOverheadFrom } from './client-overhead.js';
import { concludeRun, type Ending } from './conclude.js';
import { startDetection } from './detect/index.js';
import { tapLauncher } from './driver-tap.js';
import { startWallWatch } from './environment.js';
import { tapEndpoint } from './endpoint.js';
import { StackUnreachable, UserError } from './errors.js';
import { openShards, type ShardReport } from './farm-shards.js';
import type { AutoFactor } from './lag.js';
import { launchMode, type LaunchContext, type LaunchedStack } from './launch/index.js';
import { runLoad } from './load.js';
import { parseHostStates, pollVms, type PolledVm } from './poll.js';
import { observationReport, polledBoundaries, type Observation } from './polled-stages.js';
import { withLostTime, type RemoteLostTime } from './remote-clock.js';
import type { Result, StackNotes } from './result.js';
import { seriesOf } from './series.js';
import type { ResolvedScenario } from './scenario.js';
import type { StageName } from './stages.js';
import type { Sample } from './stats.js';
import type { TraceEvent } from './trace-event.js';
import { JsonlFile, TRACE_FILE, type TraceSink } from './trace-sink.js';
import { Phase, Tracer, type ProgressSnapshot } from './trace.js';
import { wallClock } from './wall-clock.js';

export interface RunOptions {
  /** report directory: trace.jsonl is written there as the run goes; none keeps the trace in memory only */
  out?: string;
  /** a sink of our own for the trace (tests); replaces the file in `out` */
  sink?: TraceSink;
  /**
   * Interrupts the run: it ends as at its deadline, every VM accounted for, and the Result says
   * it was interrupted and by what. The abort's reason names the signal (`'SIGINT'`, `'SIGTERM'`);
   * any other reason is recorded as `abort`.
   */
  signal?: AbortSignal;
  /** called once the tracer exists, with a cheap probe of how many VMs are in each phase */
  watch?: (probe: () => ProgressSnapshot) => void;
  /** measures the stack's CPU (stampede sweep); see LaunchContext.meter */
  meter?: LaunchContext['meter'];
  /** test-only: wraps the stack's API table; see LaunchContext.api */
  api?: LaunchContext['api'];
  /** given the stage samples the budgets are judged on, when the run concludes */
  onSamples?: (samples: Readonly<Record<StageName, Sample>>) => void;
}

/** How often the run looks whether every VM has settled (emulated); costs one timer per look. */
const SETTLE_CHECK_MS = 1000;

export async function run(resolved: ResolvedScenario, options: RunOptions = {}): Promise<Result> {
  const spec = resolved.clock;
  if (spec.kind === 'scaled' && spec.scale === 'auto') {
    const { factor, auto } = await calibrate(resolved, options.signal);
    return runOnce({ ...resolved, clock: { kind: 'scaled', scale: factor } }, options, { auto });
  }
  return runOnce(resolved, options, {});
}

/**
 * scaled:auto's calibration (harness/auto-factor.ts): the same scenario once in virtual time, its
 * trace watched for the wall time the harness spends on each VM, predicts the factor; a probe in
 * the run's own launch mode at that factor measures the bound it really has, and lowers it when
 * the prediction was short. A mode that cannot run in virtual time but runs the reference stack
 * (process) is predicted from the same scenario embedded.
 */
async function calibrate(resolved: ResolvedScenario, signal: AbortSignal | undefined): Promise<{ factor: number; auto: AutoFactor }> {
  const mode = launchMode(resolved.launch.mode);
  const stackInReach = mode.clocks.includes('virtual') || mode.name === 'process';
  if (!stackInReach) {
    throw new UserError(
      `--clock scaled:auto calibrates with ${CALIBRATION}, which launch mode ${mode.name} cannot run (its stack is not ours to run in virtual time); give the factor instead, e.g. --clock scaled:1`,
    );
  }
  const launch = mode.clocks.includes('virtual') ? resolved.launch : { mode: 'embedded', options: {} };
  const wall = wallClock();
  const tap = new CalibrationTap(() => wall.now());
  const quiet = signal === undefined ? {} : { signal };
  const pilot = await runOnce({ ...resolved, launch, clock: { kind: 'virtual' } }, quiet, { tap: tap.record });
  const totalMeanS = pilot.stages.total.mean;
  if (totalMeanS === null || totalMeanS <= 0) {
    throw new UserError(`--clock scaled:auto found no VM that came up in ${CALIBRATION}, so no total mean to keep the lag under; give the factor instead, e.g. --clock scaled:20`);
  }
  const predicted = chooseFactor({ totalMeanS, workPerVmMs: tap.workPerVmMs() });
  const probe = await runOnce({ ...resolved, clock: { kind: 'scaled', scale: predicted.factor } }, quiet, { auto: predicted.auto });
  if (probe.interrupted) return predicted;
  return afterProbe(predicted, { bound: probe.lag.bounds.total.mean, totalMeanS: probe.stages.total.mean });
}

async function runOnce(
  resolved: ResolvedScenario,
  options: RunOptions,
  extra: { auto?: AutoFactor; tap?: (e: TraceEvent) => void },
): Promise<Result> {
  const { scenario } = resolved;
  const mode = launchMode(resolved.launch.mode);
  if (!mode.clocks.includes(resolved.clock.kind)) {
    throw new UserError(`launch mode ${mode.name} cannot run on the ${resolved.clock.kind} clock (it takes ${mode.clocks.join(' or ')})`);
  }
  const wall = startWallWatch();
  const spec = resolved.clock;
  const clock: Clock = spec.kind === 'virtual' ? new VirtualClock() : new ScaledClock(spec.scale === 'auto' ? Number.NaN : spec.scale);
  const sink = options.sink ?? (options.out === undefined ? undefined : new JsonlFile(join(options.out, TRACE_FILE)));
  const detection = startDetection({ hosts: resolved.hosts, vms: scenario.vms.count, headNodeCores: scenario.headNode.cores });
  const subscribers = extra.tap === undefined ? [detection.observe] : [detection.observe, extra.tap];
  const tracer = new Tracer({ vms: scenario.vms.count, sink, subscribers });
  const record = (e: TraceEvent): void => tracer.record(e);
  const random = new Random(scenario.seed);

  // Crash times in a scenario count from the burst's start, which the farm cannot know yet.
  const { hosts: hostFaults, ...farmWideFaults } = scenario.faults;
  const crashes = Object.entries(hostFaults).flatMap(([host, f]) => (f.crashAt === undefined ? [] : [{ host, afterMs: f.crashAt }]));
  // the host farm in this process, or spread over `stampede farm` shards (harness/farm-shards.ts)
  const onFarmEvent = farmEventsTo(record);
  const sharded =
    scenario.farm.shards.length === 0
      ? undefined
      : await openShards({
          urls: scenario.farm.shards,
          resolved,
          clock,
          onEvent: (e) => (e.type === 'net-msg' ? record({ t: e.t, type: 'net-msg', vmId: e.vmId!, host: e.host! }) : onFarmEvent(e)),
        });
  const farm: Pick<HostFarm, 'launcher' | 'crash' | 'stop'> =
    sharded ??
    new HostFarm({
      clock,
      random,
      hosts: resolved.hosts,
      latency: scenario.latency,
      faults: {
        ...farmWideFaults,
        hosts: Object.fromEntries(Object.entries(hostFaults).map(([host, { crashAt: _ignored, ...rest }]) => [host, rest])),
      },
      store: scenario.store,
      headNode: scenario.headNode,
      onEvent: onFarmEvent,
      // embedded collector: the guest's message arrives the moment it is sent
      onNetMsg: (m) => record({ t: clock.now(), type: 'net-msg', vmId: m.vmId, host: m.host }),
    });
  options.watch?.(() => tracer.progress());
  const ending: Ending = { burstAtMs: null, endAtMs: 0, deadlineHit: false, interrupted: null };
  /** the first look at the stack that failed, if one did */
  let stopped: { atMs: number; error: string } | undefined;
  const stackNotes: StackNotes = { observation: observationReport('drivers', resolved.pollEveryMs), stoppedAnswering: null, logTail: [] };

  /** where the stack's own process lost time, when it runs apart from this one and says */
  let stackLost: RemoteLostTime | undefined;

  const body = async (): Promise<Map<number, PolledVm>> => {
    // the tap sits between each driver's pool and the farm: an action is seen when a worker starts it
    const launched = await mode.start(
      { resolved, clock, farm: tapLauncher(farm.launcher, clock, record), ...(options.meter ? { meter: options.meter } : {}), ...(options.api ? { api: options.api } : {}), ...(options.out === undefined ? {} : { out: options.out }) },
      resolved.launch.options,
    );
    // the same stack, its API calls recorded (a launch may be a class: its methods are called on it)
    const register = launched.registerHosts?.bind(launched);
    const stack: LaunchedStack = {
      endpoint: tapEndpoint(launched.endpoint, () => clock.now(), record),
      session: launched.session,
      stop: () => launched.stop(),
      ...(register ? { registerHosts: register } : {}),
    };
    try {
      const hostNames = resolved.hosts.map((h) => h.name);
      await (stack.registerHosts ? stack.registerHosts(hostNames) : registerHosts(stack, hostNames));
      await waitMonitored(stack, clock, resolved.hosts.length, options.signal, resolved.pollEveryMs);

      const burstStart = clock.now();
      if (!options.signal?.aborted) ending.burstAtMs = burstStart;
      const crashTimers = crashes.map(({ host, afterMs }) => clock.timer(afterMs, () => farm.crash(host)));
      const end = new AbortController();
      const deadline = clock.timer(resolved.deadlineMs, () => end.abort(new Error('deadline')));
      const onInterrupt = (): void => end.abort(options.signal?.reason);
      options.signal?.addEventListener('abort', onInterrupt, { once: true });
      if (options.signal?.aborted) end.abort(options.signal.reason);

      const templates = new Array<string>(scenario.vms.count).fill(scenario.vms.template);
      const overhead = scenario.load.clientOverheadMs;
      const load = runLoad(
        scenario.load.mode,
        {
          clock,
          endpoint: stack.endpoint,
          session: stack.session,
          templates,
          record,
          signal: end.signal,
          ...(overhead === undefined ? {} : { clientOverheadMs: clientOverheadFrom(overhead, random) }),
        },
        scenario.load.concurrency === undefined ? {} : { concurrency: scenario.load.concurrency },
      ).catch((error: unknown) => {
        // the stack died mid-burst: what was not sent is never submitted, the rest counts where it is
        if (!(error instanceof StackUnreachable)) throw error;
        stopped ??= { atMs: clock.now(), error: error.message };
        return [];
      });
      // a load that fails otherwise fails the run, at `await load` below; not as an unhandled rejection meanwhile
      load.catch(() => {});

      const look: Look = { states: new Map(), seen: new Map(), cursor: 0, observes: launched.observes ?? 'drivers' };
      let nextPoll = burstStart + resolved.pollEveryMs;
      while (!end.signal.aborted) {
        const { counts } = tracer.progress();
        if (counts.up + counts.failed === tracer.requested) break;
        if (clock.now() >= nextPoll) {
          nextPoll += resolved.pollEveryMs;
          try {
            await crossCheck(stack, tracer, look, clock, record);
          } catch (error) {
            // a stack that stops answering ends nothing early: the run goes on to its deadline, every VM accounted for
            if (!(error instanceof StackUnreachable)) throw error;
            stopped ??= { atMs: clock.now(), error: error.message };
          }
        }
        await clock.sleep(SETTLE_CHECK_MS, end.signal).catch(() => {});
      }
      deadline.cancel();
      for (const t of crashTimers) t.cancel();
      options.signal?.removeEventListener('abort', onInterrupt);
      ending.endAtMs = clock.now();
      if (stopped !== undefined) stackNotes.stoppedAnswering = stoppedSentence(stopped, burstStart, tracer);
      stackNotes.observation = observationReport(look.observes, resolved.pollEveryMs);
      if (options.signal?.aborted) ending.interrupted = { signal: signalName(options.signal.reason) };
      else ending.deadlineHit = end.signal.aborted;
      if (!end.signal.aborted) end.abort(new Error('finished'));
      // The run ends here: the emulated hosts freeze (no driver answers, no NET-MSG) and the
      // timelines with them, while the stack still answers the final poll.
      farm.stop();
      tracer.freeze();
      await load;
      const polled = await finalPoll(stack, tracer);
      stackLost = await launched.lostTime?.(clock);
      if (stackNotes.stoppedAnswering !== null && launched.logTail) stackNotes.logTail = await launched.logTail();
      return polled;
    } finally {
      await launched.stop();
      farm.stop();
    }
  };

  let polled: Map<number, PolledVm>;
  let shards: ShardReport[] | undefined;
  let shardsLost: RemoteLostTime[] = [];
  try {
    polled = clock instanceof VirtualClock ? await clock.run(body) : await body();
  } finally {
    tracer.close();
    const closed = await sharded?.close();
    shards = closed?.reports;
    shardsLost = closed?.lost ?? [];
  }
  const result = concludeRun({
    resolved,
    tracer,
    ending,
    polled,
    findings: detection.gather(),
    // every process with a clock of its own that took part: what each lost may have stretched a stage
    clock: withLostTime(clock, [...(stackLost ? [stackLost] : []), ...shardsLost]),
    ...(stackLost ? { stackLag: stackLost.lag } : {}),
    auto: extra.auto ?? null,
    environment: wall.environment(),
    ...(mode.name === 'embedded' ? {} : { stack: stackNotes }),
    ...(options.onSamples ? { onSamples: options.onSamples } : {}),
  });
  return { ...result, series: seriesOf(detection.view, ending.endAtMs), ...(shards ? { shards } : {}) };
}

function signalName(reason: unknown): string {
  return reason === 'SIGINT' || reason === 'SIGTERM' ? reason : 'abort';
}

/**
 * The farm's own events that the driver tap does not see, every one of them (the detectors read
 * them): guest boots and their ends, store reads, SSH set-ups, MONITOR, losses, crashes, faults.
 * TM and VMM actions come through the tap, NET-MSG through the collector.
 */
function farmEventsTo(record: (e: TraceEvent) => void): (e: FarmEvent) => void {
  return (e) => {
    switch (e.type) {
      case 'boot.start':
        return record({ t: e.t, type: 'boot', vmId: e.vmId!, host: e.host! });
      case 'boot.end':
        record({ t: e.t, type: 'boot.end', ...pick(e), result: e.result ?? 'SUCCESS' });
        if (e.result === 'FAILURE') record({ t: e.t, type: 'lost', vmId: e.vmId!, host: e.host!, info: e.info ?? 'the guest never came up' });
        return;
      case 'vm.lost':
        return record({ t: e.t, type: 'lost', vmId: e.vmId!, host: e.host!, info: e.info ?? `lost with host ${e.host}` });
      case 'host.crash':
        return record({ t: e.t, type: 'host', host: e.host!, action: 'crash' });
      case 'fault':
        return record({ t: e.t, type: 'fault', ...pick(e) });
      case 'store.read':
      case 'ssh.start':
      case 'ssh.end':
      case 'im.start':
      case 'im.end':
        return record({ t: e.t, type: e.type, ...pick(e), ...(e.result === undefined ? {} : { result: e.result }) });
      default:
        return;
    }
  };
}

function pick(e: FarmEvent): Omit<TraceEvent, 't' | 'type'> {
  const out: Omit<TraceEvent, 't' | 'type'> = {};
  if (e.vmId !== undefined) out.vmId = e.vmId;
  if (e.host !== undefined) out.host = e.host;
  if (e.action !== undefined) out.action = e.action;
  if (e.info !== undefined) out.info = e.info;
  return out;
}

async function registerHosts(stack: LaunchedStack, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const answer = await stack.endpoint.call('one.host.allocate', [stack.session, name, 'dummy', 'dummy', -1]);
    if (answer[0] !== true) throw new UserError(`the stack refused host ${name}: ${answer[1]}`);
  }
}

/**
 * Schedulers only place VMs on monitored hosts (mm_sched takes `HOST[STATE=1 or STATE=2]`), so the burst waits until every
 * host is. Polls back off (1 s, 2 s, ... 30 s, or the scenario's pollEvery when that is shorter) so a 10,000-host cloud monitored 15 hosts at a time
 * is not polled thousands of times; past 30 s, a cloud that is monitored slowly is read about
 * once per halving of what is left (at the pace of the last two reads, half the time the rest
 * would take, at most 15 minutes): each read is the whole pool, and 100,000 hosts monitored 15 at
 * a time would otherwise be read 200 times.
 */
async function waitMonitored(stack: LaunchedStack, clock: Clock, expected: number, signal: AbortSignal | undefined, pollEveryMs: number): Promise<void> {
  // a scenario that polls more often than the cap (a real oned on the real clock) looks at its hosts as often
  const capMs = Math.max(1000, Math.min(MONITOR_POLL_CAP_MS, pollEveryMs));
  const limitMs = 12 * 3600_000;
  const start = clock.now();
  let waitMs = 1000;
  let last: { t: number; monitored: number } | undefined;
  for (;;) {
    const answer = await stack.endpoint.call('one.hostpool.info', [stack.session]);
    if (answer[0] !== true || typeof answer[1] !== 'string') throw new UserError(`one.hostpool.info failed: ${answer[1]}`);
    const hosts = parseHostStates(answer[1]);
    const monitored = hosts.filter((h) => h.state === HostState.MONITORED || h.state === HostState.MONITORING_MONITORED);
    if (monitored.length >= expected) return;
    const broken = hosts.find((h) => h.state === HostState.ERROR);
    if (broken) throw new UserError(`host ${broken.name} went to ${hostStateName(broken.state)} before the burst: the stack could not monitor it`);
    // interrupted: the burst is skipped and every VM is accounted for as never submitted
    if (signal?.aborted) return;
    const now = clock.now();
    if (now - start > limitMs) {
      throw new UserError(`only ${monitored.length} of ${expected} hosts were monitored after ${limitMs / 3600_000} h of emulated time`);
    }
    let sleepMs = waitMs;
    const pace = last === undefined ? 0 : (monitored.length - last.monitored) / (now - last.t);
    if (waitMs === MONITOR_POLL_CAP_MS && pace > 0) {
      sleepMs = Math.min(Math.max(MONITOR_POLL_CAP_MS, (expected - monitored.length) / pace / 2), 15 * 60_000);
    }
    last = { t: now, monitored: monitored.length };
    await clock.sleep(sleepMs, signal).catch(() => {});
    waitMs = Math.min(waitMs * 2, capMs);
  }
}

const MONITOR_POLL_CAP_MS = 30_000;

/**
 * The stack's view of every VM at the end, for accounting and the cross-check. A stack that
 * cannot be polled any more must not cost the run its results: accounting then goes by the
 * trace alone, and the cross-check shows 0 VMs polled.
 */
async function finalPoll(stack: LaunchedStack, tracer: Tracer): Promise<Map<number, PolledVm>> {
  try {
    return await pollVms(stack.endpoint, stack.session, ownIds(tracer));
  } catch (error) {
    if (error instanceof UserError) return new Map();
    throw error;
  }
}

function ownIds(tracer: Tracer): number[] {
  const ids: number[] = [];
  for (let i = 0; i < tracer.requested; i += 1) {
    const id = tracer.vmIdOf(i);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/** VMs polled per cross-check: bounds its cost on a large burst to one page of the pool. */
const CROSS_CHECK_BATCH = 1000;

/**
 * Polls VMs still on their way and records each change of the stack's state: the stack's own
 * account beside the drivers', and what a VM stuck in a state looked like along the way. Each
 * look takes the next batch of unsettled VMs, round robin, so a 100,000-VM burst costs the same
 * per look as a small one; the final poll, after the run, reads them all.
 */
async function crossCheck(stack: LaunchedStack, tracer: Tracer, look: Look, clock: Clock, record: (e: TraceEvent) => void): Promise<void> {
  const { states } = look;
  const ids: number[] = [];
  const n = tracer.requested;
  let i = look.cursor % Math.max(n, 1);
  for (let seen = 0; seen < n && ids.length < CROSS_CHECK_BATCH; seen += 1, i = (i + 1) % n) {
    const id = tracer.vmIdOf(i);
    const phase = tracer.phaseOf(i);
    if (id !== undefined && phase !== Phase.UP && phase !== Phase.FAILED) ids.push(id);
  }
  look.cursor = i;
  if (ids.length === 0) return;
  const polled = await pollVms(stack.endpoint, stack.session, ids);
  const t = clock.now();
  for (const vm of polled.values()) {
    const name = vmDisplayState(vm.state, vm.lcmState);
    if (states.get(vm.id) === name) continue;
    states.set(vm.id, name);
    record({ t, type: 'state', vmId: vm.id, info: name, ...(vm.host === undefined ? {} : { host: vm.host }) });
    if (look.observes === 'polling') for (const e of polledBoundaries(vm, t, look.seen)) record(e);
  }
}

/** What the cross-check carries from one look to the next. */
interface Look {
  /** each VM's last polled state, by display name */
  states: Map<number, string>;
  /** stages from polling: the last boundary taken for each VM (harness/polled-stages.ts) */
  seen: Map<number, number>;
  /** where the next batch starts, in burst order */
  cursor: number;
  observes: Observation;
}

/** One sentence: when the stack stopped answering, counted from the burst, and how many VMs it left on their way. */
function stoppedSentence(stopped: { atMs: number; error: string }, burstAtMs: number, tracer: Tracer): StackNotes['stoppedAnswering'] {
  const { counts } = tracer.progress();
  const unsettled = tracer.requested - counts.up - counts.failed;
  const atS = Math.round((stopped.atMs - burstAtMs) / 100) / 10;
  return {
    atS,
    error: stopped.error,
    sentence: `The stack stopped answering ${atS} s into the burst (${stopped.error}); ${unsettled} of ${tracer.requested} VMs never settled and count in the stage they were in.`,
  };
}
