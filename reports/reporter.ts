import type { Result } from '../harness/result.js';
import type { TraceEvent } from '../harness/trace-event.js';

/** One file of a report: its name in the report directory and its whole content. */
export interface ReportFile {
  name: string;
  content: string;
}

/** What a report may show beside the run itself. */
export interface ReportContext {
  /** the run this one is compared with (`stampede gate --baseline`, `stampede report --baseline`), and where it came from */
  baseline?: { result: Result; label: string };
}

/**
 * One output format of a run: a plain function from the Result (and, when the caller has it, the
 * trace's events) to files. Reporters never touch the disk; reports/index.ts writes every file
 * in one place, and clears them before a run. A new format is one file and one registration line.
 */
export interface Reporter {
  readonly name: string;
  /** every file `render` can give: what a run owns in the report directory, and clears first */
  readonly files: readonly string[];
  render(result: Result, trace?: readonly TraceEvent[], context?: ReportContext): ReportFile[] | Promise<ReportFile[]>;
}
