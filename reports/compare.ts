import type { Comparison, StatChange } from '../harness/compare.js';
import type { GateVerdict } from '../harness/gate.js';
import type { Result } from '../harness/result.js';
import { seconds, verdictActual } from './format.js';

/**
 * A comparison and the gate's verdict as Markdown: what a PR comment shows, and what
 * `stampede compare` prints. Changes are shown exactly (virtual-clock runs are deterministic);
 * unchanged statistics are counted, not listed.
 */

const CHANGE_COLUMNS = ['stage', 'statistic', 'base', 'head', 'change', 'verdict'];

export function comparisonMarkdown(c: Comparison, labels: { base: string; head: string }): string {
  const out: string[] = [];
  const changed = c.changes.filter((x) => x.verdict !== 'same');
  const worse = changed.filter((x) => x.verdict === 'worse').length;
  out.push(
    `Base ${code(labels.base)}, head ${code(labels.head)}: ${c.changes.length} statistics compared, ` +
      `${worse} worse, ${changed.length - worse} better, ${c.changes.length - changed.length} unchanged. ${floorsSentence(c)}`,
    '',
  );
  if (c.scenarioDiffers.length > 0) {
    out.push(`> **Warning:** the two runs are of different scenarios (${c.scenarioDiffers.slice(0, 8).join(', ')}${c.scenarioDiffers.length > 8 ? ', ...' : ''}): the comparison is of two different things.`, '');
  }
  if (changed.length > 0) {
    out.push(row(CHANGE_COLUMNS), `| --- | --- | ---: | ---: | ---: | --- |`);
    for (const x of changed) out.push(row([x.stage, x.statistic, value(x, x.base), value(x, x.head), delta(x), x.verdict === 'worse' ? '**worse**' : 'better']));
    out.push('');
  }
  const flipped = c.budgets.filter((b) => b.base?.pass !== b.head?.pass);
  if (flipped.length > 0) {
    out.push('Budgets whose verdict changed:', '');
    for (const b of flipped) out.push(`- ${b.stage} \`${b.expression}\`: ${passText(b.base?.pass)} -> ${passText(b.head?.pass)}`);
    out.push('');
  }
  for (const f of c.findings.added) out.push(`- new finding **${f.pathology}** (${f.stage}): ${f.evidence}`);
  for (const f of c.findings.gone) out.push(`- finding gone: ${f.pathology} (${f.stage})`);
  if (c.findings.added.length + c.findings.gone.length > 0) out.push('');
  return out.join('\n');
}

/** The gate's comment: its verdict first, the reasons (findings, budgets, regressions), then the comparison. */
export function gateMarkdown(head: Result, gate: GateVerdict, labels: { base: string; head: string }): string {
  const failedBudgets = head.budgets.filter((v) => !v.pass);
  const why: string[] = [];
  if (head.findings.length > 0) why.push(`${head.findings.map((f) => f.pathology).join(', ')} named`);
  if (failedBudgets.length > 0) why.push(`${failedBudgets.length} of ${head.budgets.length} budgets failed`);
  if (gate.regressions.length > 0) why.push(`${gate.regressions.length} regression${gate.regressions.length === 1 ? '' : 's'} beyond the tolerance`);
  const verdict = gate.exitCode === 0 ? 'pass' : gate.exitCode === 1 ? 'FAIL' : 'could not run';
  const out = [`### stampede gate: ${verdict}${why.length > 0 ? `: ${why.join('; ')}` : ''}`, ''];
  out.push(
    `${head.vms.requested} VMs requested: ${head.vms.up} up, ${head.vms.failed} failed, ${head.vms.timedOut} timed out; ` +
      `total mean ${seconds(head.stages.total.mean)} s, p95 ${seconds(head.stages.total.p95)} s, max ${seconds(head.stages.total.max)} s (emulated).`,
    '',
  );
  if (head.findings.length > 0) {
    out.push('**Findings**', '');
    for (const f of head.findings) out.push(`- **${f.pathology}** (${f.stage}): ${oneLine(f.evidence)}`);
    out.push('');
  }
  if (failedBudgets.length > 0) {
    out.push('**Budgets failed**', '');
    for (const v of failedBudgets) out.push(`- ${v.stage} \`${v.expression}\`: measured ${verdictActual(v)}`);
    out.push('');
  }
  if (gate.regressions.length > 0) {
    out.push('**Regressions** (worse than the baseline by more than the tolerance)', '');
    for (const r of gate.regressions) out.push(`- ${r.stage} ${r.statistic}: ${value(r, r.base)} -> ${value(r, r.head)} (${delta(r)})`);
    out.push('');
  }
  if (gate.comparison) {
    out.push('<details><summary>Comparison with the baseline</summary>', '', comparisonMarkdown(gate.comparison, labels), '</details>', '');
  } else {
    out.push('No baseline given: judged on budgets and findings only.', '');
  }
  return out.join('\n');
}

function floorsSentence(c: Comparison): string {
  return c.exact
    ? 'Both runs are on the virtual clock: deterministic, so every change is real and shown exactly.'
    : `A scaled-clock run is involved: changes within ${c.floors.relative * 100}% or ${c.floors.absolute} s of the baseline count as unchanged.`;
}

function value(x: StatChange, v: number | null): string {
  if (v === null) return '-';
  return x.stage === 'vms' ? String(v) : `${exact(v)} s`;
}

function delta(x: StatChange): string {
  if (x.delta === null) return x.head === null ? 'no longer measured' : 'newly measured';
  const sign = x.delta > 0 ? '+' : x.delta < 0 ? '-' : '';
  const abs = Math.abs(x.delta);
  const pct = Math.abs(x.relative ?? 0) * 100;
  const rel = x.relative === null ? '' : ` (${sign}${pct >= 100 ? pct.toFixed(0) : trimmed(pct.toPrecision(3))}%)`;
  return x.stage === 'vms' ? `${sign}${abs}` : `${sign}${exact(abs)} s${rel}`;
}

/** Seconds to the millisecond, more digits when that would hide a change (an exact comparison must not print +0.000). */
function exact(s: number): string {
  if (s === 0 || Math.abs(s) >= 0.001) return s.toFixed(3);
  return trimmed(s.toPrecision(3));
}

function trimmed(text: string): string {
  return text.includes('.') && !text.includes('e') ? text.replace(/\.?0+$/, '') : text;
}

function passText(pass: boolean | undefined): string {
  return pass === undefined ? 'absent' : pass ? 'held' : '**failed**';
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ' ');
}

function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => oneLine(c).replace(/\|/g, '\\|')).join(' | ')} |`;
}
