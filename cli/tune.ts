import { Command, InvalidArgumentError, Option } from 'commander';
import { UserError } from '../harness/errors.js';
import { ExitCode } from '../harness/result.js';
import { LIMITS, PATHOLOGIES, loadScenario, type ResolvedScenario } from '../harness/scenario.js';
import { parseSeeds } from '../harness/seed-list.js';
import { renderConfig } from '../harness/tune/config.js';
import { KNOBS, parseKnob, showValue, withKnobs, type Dimension, type Resource } from '../harness/tune/knobs.js';
import { parseObjective, relativeCost, tune, type Candidate, type Tuning } from '../harness/tune/tune.js';
import { seconds, textTable } from '../reports/format.js';
import { couldNotRun, type CliDeps } from './main.js';
import { checkScenarioFile, profileName, scenarioSetting, seedList, wholeNumber, type ScenarioSetting } from './options.js';

const DEFAULT_RUNS = 200;
const DEFAULT_SEEDS = '1..3';
/** Front members shown; --json has them all. */
const FRONT_SHOWN = 6;

const HELP = `
Searches the given stack knobs for the configuration this workload needs, in virtual time, with
the scenario's workload, hosts and pathologies as they are: a user can change configuration, not
code. Each configuration tried is run once per seed and judged on the pooled sample; the
scenario's budgets are constraints. A gain counts only beyond the seed spread.

Always in virtual time, with the reference stack embedded.

Knobs (--knob PATH=RANGE, repeatable; a range lo..hi, or a list a,b,c):
${knobList()}

Examples:
  $ stampede tune --profile opennebula-4.4 --set load.mode=serial \\
      --knob scheduler.SCHED_INTERVAL=1s..30s --knob scheduler.MAX_DISPATCH=1..1024 \\
      --knob tm.threads=1..256 --knob vmm.threads=1..256
  $ stampede tune --knob vmm.threads=8..256 --knob scheduler.POLICY=packing,striping --objective 'total mean'

Exit codes:
  0  the recommended configuration holds every budget
  1  it fails a budget (the best tune found still does)
  2  stampede could not run (bad knob, range, objective or scenario)
`;

/** The knobs, a line per group: `  scheduler: SCHED_INTERVAL, MAX_VM, ...`. */
function knobList(): string {
  const groups = new Map<string, string[]>();
  for (const k of KNOBS) {
    const [group, key] = k.path.split('.') as [string, string];
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  return [...groups].map(([g, keys]) => `  ${g}.${keys.length > 1 ? `{${keys.join(', ')}}` : keys[0]}`).join('\n');
}

interface TuneFlags {
  knob?: Dimension[];
  objective: string;
  runs: number;
  seeds?: string;
  searchSeed: number;
  profile?: string;
  vms?: number;
  hosts?: number;
  set?: ScenarioSetting[];
  json?: boolean;
}

/** `stampede tune`: the stack configuration a workload needs. */
export function registerTune(program: Command, deps: CliDeps, done: (code: number) => void): void {
  program
    .command('tune')
    .description('Search stack knobs (scheduler, drivers, API) for the configuration this workload needs; a short Pareto front of latency against resources.')
    .argument('[scenario-file]', "scenario (.ts, .json or .yaml); the nightly's when absent")
    .addOption(new Option('--knob <path=range>', 'a knob and its range: scheduler.SCHED_INTERVAL=1s..30s, tm.threads=1..256, scheduler.POLICY=packing,striping (repeatable)').argParser(knobFlag))
    .addOption(new Option('--objective <stage statistic>', 'the stage statistic to lower').default('total p95'))
    .addOption(new Option('--runs <n>', 'runs at most (each configuration takes one per seed)').default(DEFAULT_RUNS).argParser(wholeNumber('--runs', 1, 100_000)))
    .addOption(new Option('--seeds <list>', `seeds each configuration runs on (default: the scenario's seeds when several, else ${DEFAULT_SEEDS})`).argParser(seedList))
    .addOption(new Option('--search-seed <n>', "the search's own seed: same seed, same configurations tried").default(1).argParser(wholeNumber('--search-seed', 0, LIMITS.seed)))
    .addOption(new Option('--profile <name>', 'the starting profile: optimized, opennebula-4.4, or one of the scenario\'s').argParser(profileName))
    .addOption(new Option('--vms <n>', 'VMs in the burst').argParser(wholeNumber('--vms', 1, LIMITS.vms)))
    .addOption(new Option('--hosts <n>', 'emulated hosts').argParser(wholeNumber('--hosts', 1, LIMITS.hosts)))
    .addOption(new Option('--set <path=value>', 'any scenario field, e.g. --set load.mode=serial (repeatable)').argParser(scenarioSetting))
    .addOption(new Option('--json', 'print the whole tuning as JSON'))
    .addHelpText('after', HELP)
    .action(async (file: string | undefined, flags: TuneFlags) => {
      const problem = file === undefined ? undefined : checkScenarioFile(file);
      if (problem) {
        deps.stderr.write(`stampede: ${problem}\n`);
        return done(ExitCode.COULD_NOT_RUN);
      }
      const line = new StatusLine(deps.stderr);
      const interrupt = new AbortController();
      const signals = deps.signals ?? process;
      const onSignal = (): void => {
        signals.off('SIGINT', onSignal);
        deps.stderr.write('\nstampede: interrupted; reporting the configurations tried so far (Ctrl-C again quits at once)\n');
        interrupt.abort('SIGINT');
      };
      signals.on('SIGINT', onSignal);
      try {
        if (!flags.knob || flags.knob.length === 0) throw new UserError('tune needs at least one --knob PATH=RANGE, e.g. --knob scheduler.SCHED_INTERVAL=1s..30s (stampede tune --help lists the knobs)');
        const objective = parseObjective(flags.objective);
        const resolved = await loadScenario(file, {
          ...(flags.set ? { set: flags.set } : {}),
          ...(flags.profile === undefined ? {} : { profile: flags.profile }),
          ...(flags.vms === undefined ? {} : { vms: flags.vms }),
          ...(flags.hosts === undefined ? {} : { hosts: flags.hosts }),
        });
        const seeds = flags.seeds !== undefined ? parseSeeds(flags.seeds) : resolved.seeds.length > 1 ? resolved.seeds : parseSeeds(DEFAULT_SEEDS);
        const tuning = await tune(resolved, {
          dims: flags.knob,
          objective,
          runs: flags.runs,
          seeds,
          searchSeed: flags.searchSeed,
          signal: interrupt.signal,
          onCandidate: (_c, t) => line.show(`tune: ${t.spent}/${t.budget} runs | best ${objective.stage} ${objective.statistic} ${seconds(t.best.objective)} s`),
        });
        line.clear();
        const source = file === undefined ? 'the default scenario' : `scenario ${file}`;
        const config = renderConfig(withKnobs(resolved.profile, new Map(Object.entries(tuning.recommended.values))), resolved.profile, flags.knob.map((d) => d.knob.path), resolved.scenario.profile);
        const again = ['stampede run', ...(file === undefined ? [] : [shellWord(file)]), ...scenarioFlags(flags), config.set, `--seeds ${seeds.join(',')}`].join(' ');
        deps.stdout.write(flags.json ? `${JSON.stringify({ ...tuning, config: { ...config, again } }, null, 2)}\n` : renderTuning(tuning, flags.knob, resolved, source, config, again));
        if (interrupt.signal.aborted) return done(ExitCode.SIGINT);
        done(tuning.recommended.failedBudgets.length === 0 ? ExitCode.OK : ExitCode.VERDICT);
      } catch (error) {
        line.clear();
        deps.stderr.write(couldNotRun(error));
        done(ExitCode.COULD_NOT_RUN);
      } finally {
        signals.off('SIGINT', onSignal);
      }
    });
}

function knobFlag(value: string, previous: Dimension[] | undefined): Dimension[] {
  try {
    return [...(previous ?? []), parseKnob(value)];
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message}.`);
  }
}

/** One line redrawn in place on a terminal's stderr after each configuration; nothing elsewhere. */
class StatusLine {
  private drawn = false;
  constructor(private readonly out: CliDeps['stderr'] & { isTTY?: boolean; columns?: number }) {}
  show(text: string): void {
    if (!this.out.isTTY) return;
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    this.out.write(`\r\x1b[2K${text.slice(0, width)}`);
    this.drawn = true;
  }
  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}

/** The flags that shaped the scenario, as a shell takes them again (not --profile: the rendered `--set profile=` extends it, and comes after). */
function scenarioFlags(flags: TuneFlags): string[] {
  return [
    ...(flags.vms === undefined ? [] : [`--vms ${flags.vms}`]),
    ...(flags.hosts === undefined ? [] : [`--hosts ${flags.hosts}`]),
    ...(flags.set ?? []).map((x) => `--set ${shellWord(`${x.path.join('.')}=${typeof x.value === 'string' ? x.value : JSON.stringify(x.value)}`)}`),
  ];
}

function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

export function renderTuning(t: Tuning, dims: readonly Dimension[], resolved: ResolvedScenario, source: string, config: ReturnType<typeof renderConfig>, again: string): string {
  const obj = `${t.objective.stage} ${t.objective.statistic}`;
  const s = resolved.scenario;
  const seedText = t.seeds.length === 1 ? `seed ${t.seeds[0]}` : `seeds ${t.seeds.join(',')}`;
  const out: string[] = [
    `Tuned ${obj} of ${source} (profile ${resolved.profile.name}, ${s.vms.count} VMs on ${resolved.hosts.length} hosts, load ${s.load.mode}), ${seedText}: ` +
      `${t.runs.spent} runs of ${t.runs.budget}, ${t.candidates.length} configurations (${stopText(t.stopped)}).`,
    '',
  ];
  const columns: Array<[string, Candidate]> = [['start', t.start], ['best', t.best]];
  if (t.recommended !== t.best && t.recommended !== t.start) columns.push(['recommended', t.recommended]);
  const resources = Object.keys(t.start.resources) as Resource[];
  const rows: string[][] = [
    ...dims.map((d) => [d.knob.path, ...columns.map(([, c]) => showValue(d.knob, c.values[d.knob.path]!))]),
    [`${obj} (s)`, ...columns.map(([, c]) => seconds(c.objective))],
    ['seed spread (s)', ...columns.map(([, c]) => seconds(c.spread))],
    ['total mean (s)', ...columns.map(([, c]) => seconds(c.total.mean))],
    ['slowest VM (s)', ...columns.map(([, c]) => seconds(c.total.max))],
    ['budgets failed', ...columns.map(([, c]) => String(c.failedBudgets.length))],
    ...resources.map((r) => [r, ...columns.map(([, c]) => amount(c.resources[r]))]),
  ];
  out.push(...textTable(['', ...columns.map(([name]) => name)], rows), '');

  const gain = t.gain === null ? 'cannot be compared (no VM reached the stage in one of them)' : `${seconds(t.gain)} s`;
  if (t.verdict === 'already tuned') {
    out.push(
      `Already tuned: no configuration tried improves ${obj} beyond the seed spread; the best, ${seconds(t.best.objective)} s (seeds ${range(t.best)} s), ` +
        `is ${gain} below the start's ${seconds(t.start.objective)} s (seeds ${range(t.start)} s). Keep the configuration you have.`,
    );
  } else {
    const r = t.recommended;
    out.push(
      `Recommended: ${obj} ${seconds(t.start.objective)} s -> ${seconds(r.objective)} s (seeds ${range(t.start)} -> ${range(r)} s); every VM's mean ${seconds(t.start.total.mean)} s -> ${seconds(r.total.mean)} s, ` +
        `slowest VM ${seconds(t.start.total.max)} s -> ${seconds(r.total.max)} s${r === t.best ? '' : `; the cheapest configuration within the seed spread of the best (${seconds(t.best.objective)} s)`}.`,
    );
  }
  if (t.recommended.failedBudgets.length > 0) out.push(`It still fails ${t.recommended.failedBudgets.length} budget${t.recommended.failedBudgets.length === 1 ? '' : 's'}: ${t.recommended.failedBudgets.join(', ')}.`);
  // the reference stack's pathologies are code, serial submission is the workload; other findings are about configuration
  const fixed = t.recommended.pathologies.filter((p) => (PATHOLOGIES as readonly string[]).includes(p) || p === 'serial-submit');
  const others = t.recommended.pathologies.filter((p) => !fixed.includes(p));
  if (fixed.length > 0) out.push(`Left as they are (code and workload, not configuration), named by the detectors in its runs: ${fixed.join(', ')}.`);
  if (others.length > 0) out.push(`The detectors also name, in its runs: ${others.join(', ')}.`);
  out.push('');

  if (t.front.length > 1 && resources.length > 0) {
    out.push(`Pareto front, ${obj} against resources (cost: their geometric mean over the start's), cheapest first:`);
    const shown = t.front.slice(-FRONT_SHOWN);
    const frontRows = shown.map((c) => [
      seconds(c.objective),
      relativeCost(c, t.start).toFixed(2),
      ...resources.map((r) => amount(c.resources[r])),
      dims.map((d) => `${d.knob.path.split('.')[1] === 'threads' ? d.knob.path : d.knob.path.split('.')[1]}=${showValue(d.knob, c.values[d.knob.path]!)}`).join(' '),
    ]);
    out.push(...textTable([`${obj} (s)`, 'cost', ...resources, 'configuration'], frontRows).map((l) => `  ${l}`));
    if (t.front.length > shown.length) out.push(`  (${t.front.length - shown.length} cheaper and slower ones in --json)`);
    out.push('');
  }

  out.push(`Sensitivity: each knob alone over its range, from the best configuration (noise ${seconds(t.noise)} s):`);
  const sensRows = t.sensitivity.map((x) => {
    const def = dims.find((d) => d.knob.path === x.knob)!.knob;
    const verdict = x.effect === null ? 'not measured (runs spent)' : x.matters ? 'matters' : 'within the noise';
    const tried = x.tried.map((v) => `${showValue(def, v.value)}: ${seconds(v.objective)}`).join(', ');
    return [x.knob, verdict, x.effect === null ? '' : `${seconds(x.effect)} s`, tried];
  });
  out.push(...textTable(['knob', 'verdict', 'effect', `${obj} at`], sensRows).map((l) => `  ${l}`), '');

  out.push(t.verdict === 'already tuned' ? 'The configuration, in the stack\'s own terms (as it is):' : 'The recommended configuration, in the stack\'s own terms:');
  for (const file of ['sched.conf', 'oned.conf'] as const) {
    if (config[file].length === 0) continue;
    out.push(`  ${file}:`, ...config[file].map((l) => `    ${l}`));
  }
  for (const note of config.notes) out.push(`  note: ${note}`);
  out.push(`  again in stampede: ${again}`, '');
  return out.join('\n');
}

function range(c: Candidate): string {
  const known = c.perSeed.filter((v): v is number => v !== null);
  return known.length === 0 ? '-' : `${seconds(Math.min(...known))}..${seconds(Math.max(...known))}`;
}

function stopText(stopped: Tuning['stopped']): string {
  switch (stopped) {
    case 'converged':
      return 'stopped: converged, no knob can move a finer step';
    case 'no gain':
      return 'stopped early: the last runs gained nothing';
    case 'aborted':
      return 'interrupted';
    default:
      return 'stopped at --runs';
  }
}

function amount(x: number | undefined): string {
  if (x === undefined) return '';
  if (!Number.isFinite(x)) return 'unlimited';
  return Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 2 : 1);
}
