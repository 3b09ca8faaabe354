import { Command, InvalidArgumentError, Option } from 'commander';
import { SCALED_FLOORS, compareResults, readResult } from '../harness/compare.js';
import { ExitCode } from '../harness/result.js';
import { comparisonMarkdown } from '../reports/compare.js';
import { couldNotRun, type CliDeps } from './main.js';

const HELP = `
BASE and HEAD are result.json files or report directories holding one. Virtual-clock runs are
deterministic: every change is real and shown exactly. When either run used the scaled clock, a
change counts only beyond both floors (default ${SCALED_FLOORS.relative * 100}% of the base value and ${SCALED_FLOORS.absolute} emulated s).

Exit codes:
  0  no statistic got worse
  1  some statistic got worse (listed)
  2  a file could not be read or is not a stampede result
`;

/** `stampede compare BASE HEAD`: per stage and statistic, the change and a verdict, as Markdown. */
export function registerCompare(program: Command, deps: CliDeps, done: (code: number) => void): void {
  program
    .command('compare')
    .description('Compare two runs (result.json or report directories): per stage and statistic, the change and a verdict.')
    .argument('<base>', 'the baseline: result.json or its report directory')
    .argument('<head>', 'the run to judge: result.json or its report directory')
    .addOption(new Option('--relative-floor <pct>', 'scaled clock: smaller relative changes are noise').default(SCALED_FLOORS.relative, `${SCALED_FLOORS.relative * 100}%`).argParser(percent))
    .addOption(new Option('--absolute-floor <seconds>', 'scaled clock: smaller changes in emulated seconds are noise').default(SCALED_FLOORS.absolute).argParser(secondsValue))
    .addHelpText('after', HELP)
    .action(async (basePath: string, headPath: string, flags: { relativeFloor: number; absoluteFloor: number }) => {
      try {
        const [base, head] = [await readResult(basePath, 'BASE'), await readResult(headPath, 'HEAD')];
        const comparison = compareResults(base, head, { relative: flags.relativeFloor, absolute: flags.absoluteFloor });
        deps.stdout.write(`${comparisonMarkdown(comparison, { base: basePath, head: headPath })}\n`);
        done(comparison.changes.some((c) => c.verdict === 'worse') ? ExitCode.VERDICT : ExitCode.OK);
      } catch (error) {
        deps.stderr.write(couldNotRun(error));
        done(ExitCode.COULD_NOT_RUN);
      }
    });
}

/** `10%` or `0.1`. */
export function percent(value: string): number {
  const m = /^(\d+(?:\.\d+)?|\.\d+)(%?)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected a percentage such as 10% (or a fraction such as 0.1), got "${value}".`);
  return m[2] === '%' ? Number(m[1]) / 100 : Number(m[1]);
}

/** `0.5`, `0.5s` or `500ms`, in seconds. */
export function secondsValue(value: string): number {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected emulated seconds such as 0.5, 0.5s or 500ms, got "${value}".`);
  return m[2] === 'ms' ? Number(m[1]) / 1000 : Number(m[1]);
}
