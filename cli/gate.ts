import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { readResult } from '../harness/compare.js';
import { GATE_TOLERANCE, PR_SCENARIO, judgeGate } from '../harness/gate.js';
import { ExitCode, type Result } from '../harness/result.js';
import { loadScenario, resolveScenario, type ScenarioOverrides } from '../harness/scenario.js';
import { runSeeds } from '../harness/seeds.js';
import { gateMarkdown } from '../reports/compare.js';
import { writeReports as defaultWriteReports } from '../reports/index.js';
import { couldNotRun, type CliDeps } from './main.js';
import { DEFAULT_OUT, checkScenarioFile, outDir, scenarioSetting, seedList, type ScenarioSetting } from './options.js';

const HELP = `
Runs the PR suite's scenario (128 VMs on 4 hosts, profile optimized, the nightly budgets; or the
scenario file given), compares it with the baseline, and prints the verdict as Markdown for a PR
comment (also written to <out>/gate.md beside the run's reports).

It fails when a budget fails, a detector names a pathology, or a stage is worse than the baseline
by more than ${GATE_TOLERANCE.relative * 100}% and ${GATE_TOLERANCE.absolute} emulated s in its mean, p50 or p95 (or a VM more failed or timed out).

A baseline is the same command's report directory on the base branch:
  $ stampede gate --out base-report                  (base branch: no baseline, judged on budgets)
  $ stampede gate --baseline base-report/result.json (the change)

Exit codes:
  0  every budget held, no detector fired, no regression
  1  a budget failed, a detector named a pathology, or a stage regressed
  2  stampede could not run (bad flag, scenario or baseline)
`;

export interface GateFlags {
  baseline?: string;
  set?: ScenarioSetting[];
  seeds?: string;
  out: string;
}

/** `stampede gate --baseline PATH`: the PR suite, compared with a baseline, as a PR comment. */
export function registerGate(program: Command, deps: CliDeps, done: (code: number) => void): void {
  program
    .command('gate')
    .description("Run the PR suite's scenario, compare it with a baseline, print the verdict as Markdown for a PR comment.")
    .argument('[scenario-file]', "scenario (.ts, .json or .yaml); the PR suite's when absent")
    .addOption(new Option('--baseline <path>', "the base branch's result.json or report directory"))
    .addOption(new Option('--seeds <list>', 'run once per seed (1..5) and judge the pooled sample').argParser(seedList))
    .addOption(new Option('--set <path=value>', 'any scenario field, e.g. --set load.mode=serial (repeatable)').argParser(scenarioSetting))
    .addOption(new Option('--out <dir>', 'report directory of the run').default(DEFAULT_OUT).argParser(outDir))
    .addHelpText('after', HELP)
    .action(async (file: string | undefined, flags: GateFlags) => {
      const problem = file === undefined ? undefined : checkScenarioFile(file);
      if (problem) {
        deps.stderr.write(`stampede: ${problem}\n`);
        return done(ExitCode.COULD_NOT_RUN);
      }
      done(await gate(file, flags, deps));
    });
}

async function gate(file: string | undefined, flags: GateFlags, deps: CliDeps): Promise<number> {
  let head: Result;
  let base: Result | null;
  try {
    // the baseline is read first: a wrong path should not cost a run
    base = flags.baseline === undefined ? null : await readResult(flags.baseline, 'baseline');
    const overrides: ScenarioOverrides = { ...(flags.set ? { set: flags.set } : {}), ...(flags.seeds ? { seeds: flags.seeds } : {}) };
    const resolved =
      file === undefined ? resolveScenario(PR_SCENARIO, overrides, "the PR suite's scenario") : await loadScenario(file, overrides);
    head = await runSeeds(resolved, { out: flags.out });
  } catch (error) {
    deps.stderr.write(couldNotRun(error));
    return ExitCode.COULD_NOT_RUN;
  }
  const verdict = judgeGate(head, base);
  const comment = gateMarkdown(head, verdict, { base: flags.baseline ?? '(none)', head: join(flags.out, 'result.json') });
  try {
    // index.html draws the baseline beside this run, stage by stage
    await (deps.writeReports ?? defaultWriteReports)(head, flags.out, base && flags.baseline !== undefined ? { baseline: { result: base, label: flags.baseline } } : {});
    await mkdir(flags.out, { recursive: true });
    await writeFile(join(flags.out, 'gate.md'), comment);
  } catch (error) {
    deps.stdout.write(comment);
    deps.stderr.write(`stampede: the gate ran but its reports could not be written to "${flags.out}": ${(error as Error).message}\n`);
    return ExitCode.COULD_NOT_RUN;
  }
  deps.stdout.write(comment);
  return verdict.exitCode;
}

