import type { Result } from '../harness/result.js';
import { SEED_COLUMNS, seedHeadline, seedRows } from '../reports/seeds.js';
import { TABLE_COLUMNS, censoredNote, groupFailures, lagLine, stageRows, summaryLine, textTable, verdictActual, verdictName } from '../reports/format.js';

const MAX_FAILURE_GROUPS = 5;

/** SGR codes, written out: util.styleText second-guesses the caller about the stream across Node versions. */
const ANSI = {
  bold: ['\x1b[1m', '\x1b[22m'],
  red: ['\x1b[31m', '\x1b[39m'],
  green: ['\x1b[32m', '\x1b[39m'],
  yellow: ['\x1b[33m', '\x1b[39m'],
} as const;

/**
 * The run as the terminal shows it: the stage table, the budget verdicts, why VMs did not come
 * up, findings, lag, and the one-line summary last, where the eye lands. The same figures and
 * words as summary.md (reports/format.ts), in plain text; colour only when asked.
 */
export function renderResult(result: Result, { color = false }: { color?: boolean } = {}): string {
  const paint = (style: keyof typeof ANSI, text: string): string => (color ? `${ANSI[style][0]}${text}${ANSI[style][1]}` : text);
  const out: string[] = [];

  const [header, ...rows] = textTable(TABLE_COLUMNS, stageRows(result.stages));
  out.push(paint('bold', `${header}   (emulated seconds)`), ...rows, '');
  const note = censoredNote(result);
  if (note) out.push(note, '');

  if (result.seeds) {
    const [seedHeader, ...perSeed] = textTable(SEED_COLUMNS, seedRows(result));
    out.push(seedHeadline(result), paint('bold', seedHeader!), ...perSeed, '');
  }

  if (result.budgets.length > 0) {
    out.push(paint('bold', 'Budgets'));
    const names = result.budgets.map(verdictName);
    const width = Math.max(...names.map((n) => n.length));
    result.budgets.forEach((v, i) => {
      const mark = v.pass ? paint('green', 'ok  ') : paint('red', 'FAIL');
      out.push(`  ${mark}  ${names[i]!.padEnd(width)}  ${verdictActual(v)}`);
    });
    out.push('');
  }

  if (result.failures.length > 0) {
    const groups = groupFailures(result.failures);
    const cut = result.interrupted ? 'cut off  ' : 'timed out';
    out.push(paint('bold', `VMs not up: ${result.vms.failed} failed, ${result.vms.timedOut} ${result.interrupted ? `cut off by ${result.interrupted.signal}` : 'timed out'}`));
    for (const g of groups.slice(0, MAX_FAILURE_GROUPS)) {
      out.push(`  ${String(g.count).padStart(6)}  ${g.outcome === 'failed' ? 'failed   ' : cut}  ${g.stage}: ${g.reason} (e.g. ${g.examples[0]})`);
    }
    if (groups.length > MAX_FAILURE_GROUPS) out.push(`  ... ${groups.length - MAX_FAILURE_GROUPS} more reasons in result.json`);
    out.push('');
  }

  if (result.findings.length > 0) {
    out.push(paint('bold', 'Findings'));
    for (const f of result.findings) out.push(`  ${paint('yellow', f.pathology)} (${f.stage}): ${f.evidence}`);
    out.push('');
  }

  if (result.crossCheck.upButNotRunning > 0) {
    out.push(`Cross-check: ${result.crossCheck.upButNotRunning} VMs are up but the stack does not show them RUNNING.`);
  }
  out.push(result.lag.warning ? paint('yellow', lagLine(result.lag)) : lagLine(result.lag));
  if (result.stack) out.push(`Boundaries: ${result.stack.observation.summary}.`);
  if (result.stack?.stoppedAnswering) out.push(paint('bold', result.stack.stoppedAnswering.sentence));
  out.push(paint(result.exitCode === 0 ? 'green' : 'red', summaryLine(result)));
  return `${out.join('\n')}\n`;
}
