import type { Result } from '../harness/result.js';
import { chartsOf, renderChart, type RenderedChart } from './charts.js';
import { TABLE_COLUMNS, censoredNote, groupFailures, lagLine, runLine, seconds, stageRows, summaryLine, verdictHeadline, verdictSentence } from './format.js';
import type { ReportContext, Reporter } from './reporter.js';
import { SEED_COLUMNS, seedHeadline, seedRows } from './seeds.js';

const MAX_FAILURE_GROUPS = 10;

/**
 * index.html: the run in a minute's reading. Verdicts and findings first, in sentences; then the
 * stage table and the charts (inline SVG, reports/charts.ts); the scenario and the environment
 * last. Self-contained: no script, no stylesheet or font to fetch, and a Content-Security-Policy
 * that forbids the page any request, so it reads the same from a CI artifact, offline.
 */
export async function reportHtml(result: Result, context: ReportContext = {}): Promise<string> {
  const charts: RenderedChart[] = [];
  for (const chart of chartsOf(result, context.baseline)) charts.push(await renderChart(chart));
  const title = `stampede ${result.run.name}: ${result.vms.requested} VMs, ${verdictHeadline(result)}`;
  const ok = result.exitCode === 0;
  const body: string[] = [];
  body.push(`<header class="${ok ? 'pass' : 'fail'}"><h1>${esc(title)}</h1><p>${esc(summaryLine(result))}</p></header>`);
  body.push(verdicts(result, context));
  body.push(stageTable(result));
  body.push(...charts.map(figure));
  if (result.series === undefined) body.push('<p class="note">This result carries no time series (it predates them): <code>stampede report DIR</code> derives them from the run\'s trace.jsonl.</p>');
  body.push(failures(result), seeds(result), runSection(result));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body.filter((s) => s !== '').join('\n')}
</main>
</body>
</html>
`;
}

function verdicts(result: Result, context: ReportContext): string {
  const items: string[] = [];
  if (result.interrupted) {
    items.push(li('fail', `The run was interrupted by ${result.interrupted.signal}: VMs still on their way count as cut off, and the figures are partial.`));
  }
  for (const f of result.findings) items.push(li('fail', `<strong>${esc(f.pathology)}</strong> (${esc(f.stage)}): ${esc(sentence(f.evidence))}`));
  // what failed first, then what held, each in the scenario's order
  for (const pass of [false, true]) {
    for (const v of result.budgets.filter((b) => b.pass === pass)) items.push(li(pass ? 'pass' : 'fail', esc(sentence(verdictSentence(v)))));
  }
  if (result.budgets.length === 0) items.push(li('note', 'The scenario sets no budgets: nothing was judged.'));
  if (result.findings.length === 0) items.push(li('pass', 'No detector named a pathology.'));
  const notUp = result.vms.failed + result.vms.timedOut;
  if (notUp > 0) {
    const cut = result.interrupted ? `cut off by ${result.interrupted.signal}` : 'timed out';
    items.push(li('fail', `${notUp} of ${result.vms.requested} VMs did not come up: ${result.vms.failed} failed, ${result.vms.timedOut} ${cut} (listed below).`));
  }
  if (context.baseline) items.push(li('note', esc(baselineSentence(result, context.baseline))));
  if (result.crossCheck.upButNotRunning > 0) {
    items.push(li('fail', `${result.crossCheck.upButNotRunning} VMs are up but the stack does not show them RUNNING.`));
  }
  if (result.lag.warning) items.push(li('fail', esc(sentence(`Emulator lag: ${result.lag.warning}`))));
  return `<section id="verdicts"><h2>Verdicts</h2><ul class="verdicts">${items.join('')}</ul></section>`;
}

/** One verdict line; `html` is already escaped. */
function li(kind: 'pass' | 'fail' | 'note', html: string): string {
  const mark = kind === 'pass' ? '&#10003;' : kind === 'fail' ? '&#10007;' : '&#8226;';
  return `<li class="${kind}"><span class="mark" aria-hidden="true">${mark}</span> ${html}</li>`;
}

/** "total p95 < 80s held: measured 38.8 s" -> "... 38.8 s." */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Total mean and p95 against the baseline's, in one sentence. */
function baselineSentence(result: Result, baseline: { result: Result; label: string }): string {
  const parts = (['mean', 'p95'] as const).map((stat) => {
    const b = baseline.result.stages.total?.[stat] ?? null;
    const h = result.stages.total[stat];
    if (b === null || h === null) return `total ${stat} ${seconds(b)} s -> ${seconds(h)} s`;
    const pct = b === 0 ? '' : ` (${h >= b ? '+' : ''}${(((h - b) / b) * 100).toFixed(1)}%)`;
    return `total ${stat} ${seconds(b)} s -> ${seconds(h)} s${pct}`;
  });
  return `Against the baseline ${baseline.label}: ${parts.join(', ')}; every stage is charted below.`;
}

function stageTable(result: Result): string {
  const head = `<tr>${TABLE_COLUMNS.map((c, i) => `<th${i === 0 ? '' : ' class="num"'}>${esc(c)}${i >= 2 ? ' (s)' : ''}</th>`).join('')}</tr>`;
  const rows = stageRows(result.stages).map((r) => `<tr>${r.map((c, i) => `<td${i === 0 ? '' : ' class="num"'}>${esc(c)}</td>`).join('')}</tr>`);
  const note = censoredNote(result);
  return `<section id="stages"><h2>Stages</h2><table>${head}${rows.join('')}</table><p class="note">Times in emulated seconds.${note ? ` ${esc(note)}` : ''}</p></section>`;
}

function figure(c: RenderedChart): string {
  return `<figure id="${c.id}" data-chart="${c.id}" role="img" aria-label="${esc(c.title)}"><h2>${esc(c.title)}</h2>${c.svg}<figcaption>${esc(c.caption)}</figcaption></figure>`;
}

function failures(result: Result): string {
  if (result.failures.length === 0) return '';
  const cut = result.interrupted ? `cut off by ${result.interrupted.signal}` : 'timed out';
  const groups = groupFailures(result.failures);
  const rows = groups
    .slice(0, MAX_FAILURE_GROUPS)
    .map((g) => `<tr><td class="num">${g.count}</td><td>${g.outcome === 'failed' ? 'failed' : cut}</td><td>${esc(g.stage)}</td><td>${esc(g.reason)}</td><td>${esc(g.examples.join(', '))}</td></tr>`);
  const more = groups.length > MAX_FAILURE_GROUPS ? `<p class="note">... and ${groups.length - MAX_FAILURE_GROUPS} more reasons in result.json.</p>` : '';
  return `<section id="failures"><h2>VMs not up</h2><table><tr><th class="num">VMs</th><th>outcome</th><th>stage</th><th>reason</th><th>e.g.</th></tr>${rows.join('')}</table>${more}</section>`;
}

function seeds(result: Result): string {
  if (!result.seeds) return '';
  const head = `<tr>${SEED_COLUMNS.map((c, i) => `<th${i === 0 ? '' : ' class="num"'}>${esc(c)}</th>`).join('')}</tr>`;
  const rows = seedRows(result).map((r) => `<tr>${r.map((c, i) => `<td${i === 0 ? '' : ' class="num"'}>${esc(c)}</td>`).join('')}</tr>`);
  const first = result.seeds.runs[0]?.seed;
  return `<section id="seed-table"><h2>Seeds</h2><p>${esc(seedHeadline(result))} The timelines above are seed ${first}'s.</p><table>${head}${rows.join('')}</table></section>`;
}

function runSection(result: Result): string {
  const env = result.environment;
  const envRows: Array<[string, string]> = [
    ['harness', env.harness],
    ['node', env.node],
    ['platform', `${env.platform} ${env.arch}`],
    ['CPU', `${env.cpus} x ${env.cpuModel}`],
    ['started', env.startedAt],
    ['wall time', `${(env.wallMs / 1000).toFixed(1)} s`],
    ['peak RSS', `${env.peakRssMiB} MiB`],
  ];
  const cross = `Cross-check: ${result.crossCheck.polled} VMs polled, ${result.crossCheck.upButNotRunning} up but not RUNNING in the stack.`;
  return `<section id="run"><h2>Scenario and environment</h2><p>${esc(runLine(result))}</p><p>${esc(lagLine(result.lag))}</p><p>${esc(cross)}</p>
<table class="env">${envRows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<details><summary>The scenario as run, every default filled in</summary><pre>${esc(JSON.stringify(result.scenario, null, 2))}</pre></details></section>`;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #5f6368; --pass: #1a7f37; --fail: #c62828; --line: #e3e3e3; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 940px; margin: 0 auto; padding: 24px 20px 48px; }
header { border-left: 6px solid var(--pass); background: #fff; padding: 14px 18px; border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
header.fail { border-left-color: var(--fail); }
h1 { font-size: 22px; margin: 0 0 6px; }
h2 { font-size: 17px; margin: 0 0 8px; }
header p { margin: 0; color: var(--muted); }
section, figure { background: #fff; margin: 16px 0 0; padding: 14px 18px; border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
figure svg { display: block; max-width: 100%; height: auto; margin: 4px 0; }
figcaption, .note { color: var(--muted); font-size: 13px; }
ul.verdicts { list-style: none; margin: 0; padding: 0; }
ul.verdicts li { padding: 4px 0 4px 26px; text-indent: -26px; border-bottom: 1px solid var(--line); }
ul.verdicts li:last-child { border-bottom: 0; }
.mark { display: inline-block; width: 22px; text-indent: 0; text-align: center; font-weight: bold; }
li.pass .mark { color: var(--pass); } li.fail .mark { color: var(--fail); } li.note .mark { color: var(--muted); }
table { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 12px 4px 0; text-align: left; border-bottom: 1px solid var(--line); vertical-align: top; }
th.num, td.num { text-align: right; }
table.env th { font-weight: normal; color: var(--muted); }
pre { background: #f6f7f9; padding: 10px; overflow: auto; font-size: 12px; }
code { font-size: 13px; }
`;

export const html: Reporter = {
  name: 'html',
  files: ['index.html'],
  render: async (result, _trace, context) => [{ name: 'index.html', content: await reportHtml(result, context) }],
};
