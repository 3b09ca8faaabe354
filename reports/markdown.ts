import type { Result } from '../harness/result.js';
import { TABLE_COLUMNS, censoredNote, groupFailures, lagLine, runLine, stageRows, summaryLine, verdictActual, verdictHeadline } from './format.js';
import type { Reporter } from './reporter.js';
import { SEED_COLUMNS, seedHeadline, seedRows } from './seeds.js';

const MAX_FAILURE_GROUPS = 10;

/** summary.md: the run in a minute's reading, fit for a CI step summary ($GITHUB_STEP_SUMMARY). */
export function summaryMarkdown(result: Result): string {
  const out: string[] = [`## stampede ${result.run.name}: ${result.vms.requested} VMs, ${verdictHeadline(result)}`, '', summaryLine(result), ''];
  out.push(runLine(result), '');
  if (result.interrupted) {
    out.push(
      `**Interrupted by ${result.interrupted.signal}**: the run was ended before its VMs settled or its deadline came; ` +
        'VMs still on their way are counted as cut off, not as a slow stack.',
      '',
    );
  }

  if (result.stack?.stoppedAnswering) out.push(`**${result.stack.stoppedAnswering.sentence}**`, '');

  out.push(row(TABLE_COLUMNS), `|${TABLE_COLUMNS.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const r of stageRows(result.stages)) out.push(row(r));
  out.push('', 'Times in emulated seconds.', '');
  if (result.stack) out.push(`Boundaries: ${result.stack.observation.summary}.`, '');
  const note = censoredNote(result);
  if (note) out.push(note, '');

  if (result.seeds) {
    out.push('### Seeds', '', seedHeadline(result), '', row(SEED_COLUMNS), `|${SEED_COLUMNS.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
    for (const r of seedRows(result)) out.push(row(r));
    out.push('');
  }

  if (result.budgets.length > 0) {
    out.push('### Budgets', '', '| | stage | budget | measured |', '| --- | --- | --- | ---: |');
    for (const v of result.budgets) out.push(row([v.pass ? 'pass' : '**FAIL**', v.stage, `\`${v.expression}\``, verdictActual(v)]));
    out.push('');
  }

  if (result.failures.length > 0) {
    const groups = groupFailures(result.failures);
    const cut = result.interrupted ? `cut off by ${result.interrupted.signal}` : 'timed out';
    out.push(`### VMs not up: ${result.vms.failed} failed, ${result.vms.timedOut} ${cut}`, '');
    out.push('| VMs | outcome | stage | reason | e.g. |', '| ---: | --- | --- | --- | --- |');
    for (const g of groups.slice(0, MAX_FAILURE_GROUPS)) {
      out.push(row([String(g.count), g.outcome === 'failed' ? 'failed' : cut, g.stage, g.reason, g.examples.join(', ')]));
    }
    if (groups.length > MAX_FAILURE_GROUPS) out.push('', `... and ${groups.length - MAX_FAILURE_GROUPS} more reasons in result.json.`);
    out.push('');
  }

  if (result.findings.length > 0) {
    out.push('### Findings', '');
    for (const f of result.findings) out.push(`- **${cell(f.pathology)}** (${cell(f.stage)}): ${cell(f.evidence)}`);
    out.push('');
  }

  if (result.crossCheck.upButNotRunning > 0) {
    const e = result.crossCheck.examples.map((x) => `VM ${x.vmId} (${x.state})`).join(', ');
    out.push(`Cross-check: ${result.crossCheck.upButNotRunning} VMs are up but the stack does not show them RUNNING, e.g. ${e}.`, '');
  }
  out.push(lagLine(result.lag), '');
  if (result.stack && result.stack.logTail.length > 0) {
    out.push(`### The stack's log, last ${result.stack.logTail.length} lines`, '', '```', ...result.stack.logTail.map((l) => l.replace(/```/g, "'''")), '```', '');
  }
  return out.join('\n');
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

export const markdown: Reporter = {
  name: 'markdown',
  files: ['summary.md'],
  render: (result) => [{ name: 'summary.md', content: summaryMarkdown(result) }],
};
