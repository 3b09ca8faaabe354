import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { ProgressSnapshot } from '../harness/trace.js';
import { isUserError } from '../harness/errors.js';
import { LIMITS } from '../harness/scenario.js';
import { wallClock, type Clock, type Timer } from '../harness/wall-clock.js';
import { ExitCode, type Result } from '../harness/result.js';
import { clearReports, writeReports as defaultWriteReports, type ReportContext } from '../reports/index.js';
import pkg from '../package.json' with { type: 'json' };
import {
  DEFAULT_OUT,
  checkOutDir,
  checkScenarioFile,
  clockChoice,
  outDir,
  profileName,
  scenarioSetting,
  seedList,
  wholeNumber,
  type RunOverrides,
} from './options.js';
import { registerCompare } from './compare.js';
import { registerGate } from './gate.js';
import { registerReport } from './report.js';
import { registerSweep } from './sweep.js';
import { registerTune } from './tune.js';
import { registerStudy } from './study.js';
import { registerDriverCommand } from './driver-command.js';
import { registerInitCommand } from './init.js';
import { registerProfilesCommand } from './profiles.js';
import { registerSchemaCommand } from './schema.js';
import { registerValidateCommand } from './validate.js';
import { registerStackCommand } from './stack-command.js';
import { registerFarmCommand } from './farm.js';
import { LAUNCH_MODES } from '../harness/launch/index.js';
import { ProgressLine, type LineOutput } from './progress.js';
import { renderResult } from './render.js';

/** What the CLI gives a run: a way to show how far it is, and a way to end it early. */
export interface RunHooks {
  /** the run calls this once its tracer exists; the CLI samples the probe on its own wall timer */
  watch(probe: () => ProgressSnapshot): void;
  /**
   * Aborted on the first Ctrl-C or SIGTERM, with the signal's name ('SIGINT' or 'SIGTERM') as its
   * reason: the run should end as at its deadline, accounting for every VM and writing its
   * reports. A second signal quits at once.
   */
  signal: AbortSignal;
}

/** The run itself, injected: the integrator wires harness/run.ts here, tests a stub. */
export type RunFn = (overrides: RunOverrides, hooks: RunHooks) => Promise<Result>;

export interface CliDeps {
  run: RunFn;
  stdout: LineOutput;
  stderr: { write(text: string): unknown };
  /** the live line; one on `stdout` with a wall-clock timer unless a test gives another */
  progress?: ProgressLine;
  writeReports?: (result: Result, dir: string, context?: ReportContext) => Promise<string[]>;
  /** where SIGINT and SIGTERM come from: `process` unless a test gives another */
  signals?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  /** the user's working directory (init writes there, validate looks there): process.cwd() unless a test gives another */
  cwd?: string;
  /** creates the report directory or says why it cannot be; the real one unless a test gives another */
  checkOutDir?: (dir: string) => Promise<string | undefined>;
  /** removes the files a run owns from the report directory (reports/index.ts) unless a test gives another */
  clearReports?: (dir: string) => Promise<void>;
  /** the wall clock that bounds an interrupted run's grace period: the real one unless a test gives another */
  wallClock?: Pick<Clock, 'timer'>;
}

/** How long an interrupted run may take to account for its VMs and write its reports. */
const GRACE_MS = 1500;

/** Exit codes of an interrupted run, as a shell reports a process ended by the signal. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
type Interruption = keyof typeof SIGNAL_EXIT;

const EXAMPLES = `
Examples:
  $ stampede run
      the nightly scenario: 512 VMs on 16 hosts of 8 cores, profile optimized, seed 1
  $ stampede run --vms 64 --hosts 4
      a small burst that answers in about a second
  $ stampede run --profile opennebula-4.4
      the same burst with OpenNebula 4.4's defaults and its known pathologies
  $ stampede run burst.yaml --seed 7 --out /tmp/report
      a scenario file of yours (.yaml, .json or .ts), with its seed and report directory overridden
  $ stampede run --seeds 1..5
      the nightly once per seed, budgets judged on all 2,560 deploys, each seed's figures shown
  $ stampede run --clock scaled:50
      real timers, 50 emulated seconds per wall second
  $ stampede run --launch process --clock scaled:5 --vms 128 --hosts 4
      the reference stack and its MAD drivers as child processes, over XML-RPC and HTTP
  $ stampede run --endpoint http://127.0.0.1:2633/RPC2 --clock scaled:1 --set launch.farmPort=2635
      a running OpenNebula whose drivers are stampede driver ... --farm http://127.0.0.1:2635
  $ stampede run --set load.mode=serial --set 'profile={extends: optimized, pathologies: {vmm-host-lock: true}}'
      any scenario field from the command line: --set PATH=VALUE, VALUE read as YAML

Flags override the scenario file, which overrides the defaults. A named flag (--vms, --hosts,
--profile, --seed, --clock) wins over a --set of the same field, whatever their order. Every
figure is in emulated seconds. Reports go to --out (default ${DEFAULT_OUT}/): index.html, summary.md, junit.xml, benchmark.json and
result.json, and trace.jsonl, written as the run goes; stampede report DIR renders the reports again from the last two.

Exit codes:
  0    every budget held
  1    a budget failed or a detector named a pathology
  2    stampede could not run (bad flag or scenario, unreachable stack)
  130  interrupted by Ctrl-C (SIGINT); 143 terminated (SIGTERM). The run ends as at its
       deadline and writes its reports, within ${GRACE_MS / 1000} s; a second signal quits at once.
`;

/** Runs the `stampede` command line and resolves to its exit code; never calls process.exit. */
export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
  const say = (text: string): void => void deps.stderr.write(text);
  let exitCode: number = ExitCode.COULD_NOT_RUN;
  const program = new Command('stampede')
    .description('Scale-test harness for IaaS cloud stacks of the OpenNebula kind: emulated hosts, stage budgets, pathology detectors.')
    .version(pkg.version)
    .exitOverride()
    .configureOutput({ writeOut: (s) => void deps.stdout.write(s), writeErr: say, outputError: (s, write) => write(`${usageError(s)}\n`) })
    .addHelpText('after', '\nStart with: stampede run   (then stampede run --help for flags, examples and exit codes)');

  program
    .command('run')
    .description('Deploy a burst of VMs on an emulated cloud, measure each stage, judge the budgets.')
    .argument('[scenario-file]', 'scenario (.ts, .json or .yaml); the nightly scenario when absent')
    .addOption(new Option('--vms <n>', 'VMs to deploy in the burst').argParser(wholeNumber('--vms', 1, LIMITS.vms)))
    .addOption(new Option('--hosts <n>', 'emulated hypervisor hosts in the host farm').argParser(wholeNumber('--hosts', 1, LIMITS.hosts)))
    .addOption(new Option('--profile <name>', 'stack profile: optimized, opennebula-4.4, opennebula-7.5, or one of the scenario\'s').argParser(profileName))
    .addOption(new Option('--seed <n>', 'seed of every random draw; same seed, same result').argParser(wholeNumber('--seed', 0, LIMITS.seed)))
    .addOption(new Option('--seeds <list>', 'run once per seed (1..5, 1,3,8) and judge the budgets on the pooled sample').argParser(seedList))
    .addOption(new Option('--clock <clock>', 'virtual (deterministic, fast), scaled:FACTOR (real timers) or scaled:auto (the factor that keeps the lag under 1%)').argParser(clockChoice))
    .addOption(new Option('--launch <mode>', 'where the stack runs').choices(Object.keys(LAUNCH_MODES)))
    .addOption(new Option('--endpoint <url>', 'run against the OpenNebula-compatible stack at URL (launch mode endpoint; default ONE_XMLRPC)'))
    .addOption(new Option('--keep', 'endpoint mode: leave the VMs and hosts the run created'))
    .addOption(
      new Option('--set <path=value>', 'any scenario field, e.g. --set load.mode=serial --set deadline=2h (repeatable)').argParser(
        scenarioSetting,
      ),
    )
    .addOption(new Option('--out <dir>', 'report directory').default(DEFAULT_OUT).argParser(outDir))
    .addHelpText('after', EXAMPLES)
    .action(async (file: string | undefined, flags: Omit<RunOverrides, 'scenarioFile'>) => {
      // Before the run, so a directory that cannot hold the reports costs no run.
      const outProblem = await (deps.checkOutDir ?? checkOutDir)(flags.out);
      if (outProblem) program.error(`error: ${outProblem}`, { exitCode: ExitCode.COULD_NOT_RUN, code: 'stampede.out' });
      // A run owns its report files: gone before anything else can fail, so an exit 2 never leaves
      // the previous run's passing junit.xml for a CI step to publish.
      const clearProblem = await (deps.clearReports ?? clearReports)(flags.out).then(() => undefined, (error: Error) => error.message);
      if (clearProblem) program.error(`error: ${clearProblem}`, { exitCode: ExitCode.COULD_NOT_RUN, code: 'stampede.out' });
      if (file !== undefined) {
        const problem = checkScenarioFile(file);
        if (problem) program.error(`error: ${problem}`, { exitCode: ExitCode.COULD_NOT_RUN, code: 'stampede.scenarioFile' });
      }
      exitCode = await runAndReport({ ...(file === undefined ? {} : { scenarioFile: file }), ...flags }, deps);
    });

  registerDriverCommand(program, { stdin: process.stdin, stdout: process.stdout, stderr: deps.stderr, env: process.env }, (code) => (exitCode = code));
  const io = { stdout: deps.stdout, stderr: deps.stderr, cwd: deps.cwd ?? process.cwd() };
  const done = (code: number): void => void (exitCode = code);
  registerValidateCommand(program, io, done);
  registerProfilesCommand(program, io, done);
  registerInitCommand(program, io, done);
  registerSchemaCommand(program, io, done);
  registerCompare(program, deps, done);
  registerGate(program, deps, done);
  registerReport(program, deps, done);
  registerSweep(program, deps, done);
  registerTune(program, deps, done);
  registerStudy(program, deps, done);
  registerStackCommand(program, deps, (code) => (exitCode = code));
  registerFarmCommand(program, deps, (code) => (exitCode = code));

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with 0; every usage error is "could not run"
      return error.exitCode === 0 ? ExitCode.OK : ExitCode.COULD_NOT_RUN;
    }
    throw error;
  }
}

async function runAndReport(overrides: RunOverrides, deps: CliDeps): Promise<number> {
  const say = (text: string): void => void deps.stderr.write(text);
  const progress = deps.progress ?? new ProgressLine(deps.stdout);
  const signals = deps.signals ?? process;
  const interrupt = new AbortController();
  let interruption: Interruption | undefined;
  let giveUp: (() => void) | undefined;
  const gaveUp = new Promise<'gave up'>((resolve) => (giveUp = () => resolve('gave up')));
  let grace: Timer | undefined;
  // Ctrl-C, or a CI job's cancel or timeout (SIGTERM): end the run as its deadline would, so the
  // VMs are accounted for and the reports written, within GRACE_MS. The handlers go after the
  // first signal: a second one does what it does by default, quit at once.
  const stopListening = (): void => {
    signals.off('SIGINT', onInterrupt);
    signals.off('SIGTERM', onTerminate);
  };
  const interruptBy = (signal: Interruption): void => {
    stopListening();
    progress.stop();
    interruption = signal;
    const how = signal === 'SIGINT' ? 'interrupted' : 'terminated (SIGTERM)';
    say(`stampede: ${how}; ending the run and accounting for every VM (${signal === 'SIGINT' ? 'Ctrl-C' : 'a second signal'} again quits at once)\n`);
    grace = (deps.wallClock ?? wallClock()).timer(GRACE_MS, () => giveUp?.());
    interrupt.abort(signal);
  };
  const onInterrupt = (): void => interruptBy('SIGINT');
  const onTerminate = (): void => interruptBy('SIGTERM');
  signals.on('SIGINT', onInterrupt);
  signals.on('SIGTERM', onTerminate);
  try {
    const ended = await Promise.race([finishRun(overrides, deps, progress, interrupt.signal), gaveUp]);
    if (ended === 'gave up') {
      say(`stampede: the run did not end within ${GRACE_MS / 1000} s of the signal; quitting without its reports\n`);
      return SIGNAL_EXIT[interruption!];
    }
    return interruption === undefined || ended === ExitCode.COULD_NOT_RUN ? ended : SIGNAL_EXIT[interruption];
  } finally {
    grace?.cancel();
    stopListening();
  }
}

/** Runs, then shows and writes the result; resolves to the run's exit code. */
async function finishRun(overrides: RunOverrides, deps: CliDeps, progress: ProgressLine, signal: AbortSignal): Promise<number> {
  const say = (text: string): void => void deps.stderr.write(text);
  let result: Result;
  try {
    result = await deps.run(overrides, { watch: (probe) => progress.watch(probe), signal });
  } catch (error) {
    say(couldNotRun(error));
    return ExitCode.COULD_NOT_RUN;
  } finally {
    progress.stop();
  }
  let reportError: unknown;
  let paths: string[] = [];
  try {
    paths = await (deps.writeReports ?? defaultWriteReports)(result, overrides.out);
  } catch (error) {
    reportError = error;
  }
  const color = deps.stdout.isTTY === true && !process.env['NO_COLOR'];
  deps.stdout.write(renderResult(result, { color }));
  if (reportError !== undefined) {
    say(`stampede: the run finished but its reports could not be written to "${overrides.out}": ${(reportError as Error).message}\n`);
    return ExitCode.COULD_NOT_RUN;
  }
  // trace.jsonl was written by the run itself, as it went
  const trace = join(overrides.out, 'trace.jsonl');
  deps.stdout.write(`Reports: ${[...paths, ...(existsSync(trace) ? [trace] : [])].join(', ')}\n`);
  return result.exitCode;
}

export function couldNotRun(error: unknown): string {
  if (isUserError(error)) return `stampede: ${oneLine(error.message)}\n`;
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `stampede: could not run, because of a defect in stampede (please report it):\n${detail}\n`;
}

/** commander's complaint on one line; about a flag or a command, with where to read the usage. */
function usageError(text: string): string {
  return /option|command|argument/.test(text) ? `${oneLine(text)} (stampede run --help shows every flag)` : oneLine(text);
}

/** A user's error is one line, whatever a value quoted in it held. */
function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}
