import type { Result } from '../../harness/result.js';
import { STAGES } from '../../harness/stages.js';

/** Per stage, mean and p95 of a run on the real oned beside the reference stack's, with the relative gap. */
export function parityRows(real: Result, reference: Result): Array<{ stage: string; real: [number | null, number | null]; reference: [number | null, number | null]; gap: [number | null, number | null] }> {
  const gap = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : (a - b) / b);
  return STAGES.map((stage) => {
    const r = real.stages[stage];
    const s = reference.stages[stage];
    return { stage, real: [r.mean, r.p95], reference: [s.mean, s.p95], gap: [gap(r.mean, s.mean), gap(r.p95, s.p95)] };
  });
}

/** The parity table as Markdown, emulated seconds to 0.1 s. */
export function parityMarkdown(real: Result, reference: Result): string {
  const f = (n: number | null): string => (n === null ? '-' : n.toFixed(1));
  const pct = (n: number | null): string => (n === null ? '-' : `${n >= 0 ? '+' : ''}${Math.round(n * 100)} %`);
  const lines = [
    `| stage | oned 7.5.80 mean | opennebula-7.5 mean | gap | oned 7.5.80 p95 | opennebula-7.5 p95 | gap |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of parityRows(real, reference)) {
    lines.push(`| ${row.stage} | ${f(row.real[0])} | ${f(row.reference[0])} | ${pct(row.gap[0])} | ${f(row.real[1])} | ${f(row.reference[1])} | ${pct(row.gap[1])} |`);
  }
  return `${lines.join('\n')}\n`;
}
