import type { Result } from '../harness/result.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { markdown } from './markdown.js';
import type { Reporter } from './reporter.js';

export type { Reporter } from './reporter.js';

/** The report formats, one file each. */
export const REPORTERS: Readonly<Record<string, Reporter>> = {
  [json.name]: json,
  [markdown.name]: markdown,
  [junit.name]: junit,
};

/** Writes the named reports (all by default) into `dir` and returns their paths, in that order. */
export async function writeReports(result: Result, dir: string, names: readonly string[] = Object.keys(REPORTERS)): Promise<string[]> {
  const paths: string[] = [];
  for (const name of names) {
    const reporter = Object.hasOwn(REPORTERS, name) ? REPORTERS[name] : undefined;
    if (!reporter) throw new RangeError(`unknown report format "${name}"; expected one of ${Object.keys(REPORTERS).join(', ')}`);
    paths.push(await reporter.write(result, dir));
  }
  return paths;
}
