import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from '../harness/result.js';
import type { TraceEvent } from '../harness/trace-event.js';
import type { TraceFileName } from '../harness/trace-sink.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { markdown } from './markdown.js';
import { benchmark } from './benchmark.js';
import { html } from './html.js';
import type { ReportContext, Reporter } from './reporter.js';

export type { ReportContext, ReportFile, Reporter } from './reporter.js';

/** The report formats. A new one: its file, and one line here. */
export const REPORTERS: Readonly<Record<string, Reporter>> = {
  [json.name]: json,
  [markdown.name]: markdown,
  [junit.name]: junit,
  [benchmark.name]: benchmark,
  [html.name]: html,
};

/** The trace the run appends as it goes (harness/trace-sink.ts); the type keeps the two names equal. */
const TRACE_FILE: TraceFileName = 'trace.jsonl';

function reportersNamed(names: readonly string[]): Reporter[] {
  return names.map((name) => {
    const reporter = Object.hasOwn(REPORTERS, name) ? REPORTERS[name] : undefined;
    if (!reporter) throw new RangeError(`unknown report format "${name}"; expected one of ${Object.keys(REPORTERS).join(', ')}`);
    return reporter;
  });
}

/** The files a run owns in its report directory: every registered reporter's, and the trace. */
export function ownedFiles(): string[] {
  return [...Object.values(REPORTERS).flatMap((r) => r.files), TRACE_FILE];
}

/**
 * Removes the files a run owns from `dir`, and only those, before the run: a run that then
 * cannot run (exit 2) must not leave the previous run's passing result.json or junit.xml for
 * a CI step to publish. A missing directory or file is fine.
 */
export async function clearReports(dir: string): Promise<void> {
  for (const file of ownedFiles()) {
    try {
      await rm(join(dir, file), { force: true });
    } catch (error) {
      throw new Error(`cannot clear the previous run's ${file} in "${dir}": ${(error as Error).message}`);
    }
  }
}

/**
 * Renders the named reports (all by default) and writes their files into `dir`: the one place
 * reports reach the disk. Each file is written beside its final name and renamed over it, so a
 * reader never sees half a file. Returns the paths written, in order.
 */
export async function writeReports(
  result: Result,
  dir: string,
  options: { formats?: readonly string[]; trace?: readonly TraceEvent[] } & ReportContext = {},
): Promise<string[]> {
  const reporters = reportersNamed(options.formats ?? Object.keys(REPORTERS));
  const context: ReportContext = options.baseline ? { baseline: options.baseline } : {};
  const files = (await Promise.all(reporters.map((r) => r.render(result, options.trace, context)))).flat();
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const file of files) {
    const path = join(dir, file.name);
    await writeFile(`${path}.partial`, file.content);
    await rename(`${path}.partial`, path);
    paths.push(path);
  }
  return paths;
}
