import type { Result } from '../harness/result.js';

/** One output format of a run. `write` puts its file in `dir` and returns that file's path. */
export interface Reporter {
  readonly name: string;
  /** the file it writes, relative to the report directory */
  readonly file: string;
  write(result: Result, dir: string): Promise<string>;
}
