import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { readResult } from '../harness/compare.js';
import { UserError } from '../harness/errors.js';
import { ExitCode, type Result } from '../harness/result.js';
import { seriesOfTraceFile } from '../harness/series.js';
import { writeReports } from '../reports/index.js';
import { couldNotRun, type CliDeps } from './main.js';

const HELP = `
Reads DIR/result.json and the run's trace (DIR/trace.jsonl; a multi-seed run's first seed's,
DIR/seed-<n>/trace.jsonl), derives the charts' time series from the trace again, and writes every
report into DIR: result.json, summary.md, junit.xml, benchmark.json, index.html. Without a trace
the series already in result.json are drawn.

Exit codes:
  0  the reports were written
  2  DIR, its result.json or its trace cannot be read, or the reports cannot be written
`;

/** `stampede report DIR`: every report re-rendered from a run's result.json and trace.jsonl. */
export function registerReport(program: Command, deps: CliDeps, done: (code: number) => void): void {
  program
    .command('report')
    .description("Re-render every report of a run from its result.json and trace.jsonl.")
    .argument('<dir>', 'the report directory of a run')
    .addOption(new Option('--baseline <path>', 'a result.json or report directory to compare with, per stage'))
    .addHelpText('after', HELP)
    .action(async (dir: string, flags: { baseline?: string }) => {
      try {
        const paths = await rerender(dir, flags.baseline);
        for (const p of paths) deps.stdout.write(`${p}\n`);
        done(ExitCode.OK);
      } catch (error) {
        deps.stderr.write(couldNotRun(error));
        done(ExitCode.COULD_NOT_RUN);
      }
    });
}

export async function rerender(dir: string, baselinePath?: string): Promise<string[]> {
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new UserError(`report directory "${dir}" does not exist or is not a directory`);
  const result = await readResult(join(dir, 'result.json'), 'result');
  const baseline = baselinePath === undefined ? undefined : { result: await readResult(baselinePath, 'baseline'), label: baselinePath };
  const trace = await traceOf(dir, result);
  const series = trace === undefined ? result.series : await seriesOfTraceFile(trace, result.run.endAtMs);
  const rendered: Result = { ...result, ...(series ? { series } : {}) };
  try {
    return await writeReports(rendered, dir, baseline ? { baseline } : {});
  } catch (error) {
    throw new UserError(`the reports could not be written to "${dir}": ${(error as Error).message}`);
  }
}

/** The run's trace: the directory's own, or a multi-seed run's first seed's (its series are that seed's). */
async function traceOf(dir: string, result: Result): Promise<string | undefined> {
  const candidates = [join(dir, 'trace.jsonl')];
  const first = result.seeds?.runs[0]?.seed;
  if (first !== undefined) candidates.push(join(dir, `seed-${first}`, 'trace.jsonl'));
  for (const path of candidates) if (await stat(path).then((s) => s.isFile(), () => false)) return path;
  return undefined;
}
