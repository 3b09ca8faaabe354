import type { Result } from '../harness/result.js';
import type { RunSeries, SeriesPhase } from '../harness/series.js';
import type { StageName } from '../harness/stages.js';
import type { TopLevelSpec } from 'vega-lite';
import { seconds } from './format.js';

/**
 * The report's charts (docs/architecture.md, "Reports"): vega-lite specs built from the Result
 * and its series, rendered here to SVG with vega's headless View (renderer 'none', no DOM, no
 * canvas), so index.html carries them inline and needs no script and no network to be read.
 */

export interface Chart {
  /** the figure's id in the page: what the browser test counts marks by */
  id: string;
  title: string;
  /** one or two sentences under the figure: what to read in it, and how it was thinned out */
  caption: string;
  spec: TopLevelSpec;
}

export interface RenderedChart extends Omit<Chart, 'spec'> {
  svg: string;
}

/** The five stages as the bars stack them, with their colours; a phase of the timeline takes its stage's colour. */
const STAGE_COLORS: ReadonlyArray<readonly [Exclude<StageName, 'total'>, string]> = [
  ['START-PENDING', '#4c78a8'],
  ['PENDING-PROLOG', '#f58518'],
  ['PROLOG-BOOT', '#e45756'],
  ['BOOT-RUNNING', '#72b7b2'],
  ['RUNNING-NET-MSG', '#54a24b'],
];
const PHASE_COLORS: Readonly<Record<SeriesPhase, string>> = {
  submitted: '#4c78a8',
  pending: '#f58518',
  prolog: '#e45756',
  boot: '#72b7b2',
  running: '#54a24b',
  up: '#c9d5e3',
  lost: '#3b3b3b',
};
const PHASE_ORDER: readonly SeriesPhase[] = ['lost', 'up', 'running', 'boot', 'prolog', 'pending', 'submitted'];

const WIDTH = 860;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';

/** Shared look: no titles inside the SVG (the figure has one), no ARIA per mark (the figure is labelled), one font. */
const CONFIG = {
  aria: false,
  font: FONT,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'top', direction: 'horizontal' },
} as const;

function spec(body: Record<string, unknown>): TopLevelSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, background: 'white', ...body } as unknown as TopLevelSpec;
}

const secondsAxis = (title: string) => ({ title, format: ',.1~f' });
/** Counts of VMs or actions: whole numbers only on the axis. */
const COUNT_AXIS = (title: string) => ({ title, format: ',d', tickMinStep: 1 });

/** Every chart the Result has data for, in reading order. */
export function chartsOf(result: Result, baseline?: { result: Result; label: string }): Chart[] {
  const charts: Chart[] = [];
  const s = result.series;
  if (s && s.bars.vms > 0) {
    charts.push(deployBars(s), deployCdf(result, s));
  }
  if (s && s.timeline.tm.length > 0) {
    charts.push(phasesOverTime(result, s), inFlight(result, s));
    if (s.timeline.busiest.length > 0) charts.push(busiestHosts(result, s));
    if (s.timeline.heat.hosts.length > 0) charts.push(hostHeatmap(result, s));
  }
  if (result.seeds) charts.push(seedSpread(result));
  if (baseline) charts.push(baselineVsRun(result, baseline));
  return charts;
}

function deployBars(s: RunSeries): Chart {
  // stacked here rather than by vega: a rect per stage from where the previous one ended
  const values: Array<Record<string, unknown>> = [];
  s.bars.stages.forEach((bar, i) => {
    let y = 0;
    bar.forEach((sec, k) => {
      if (sec > 0) values.push({ r0: i * s.bars.perBar, r1: (i + 1) * s.bars.perBar, stage: STAGE_COLORS[k]![0], y0: y, y1: (y += sec) });
    });
  });
  const grouped = s.bars.perBar > 1 ? ` Each bar is the mean of ${s.bars.perBar} VMs of adjacent rank (${s.bars.vms} VMs, at most 512 bars).` : '';
  const cut = s.bars.censored.filter(Boolean).length;
  const censored = cut > 0 ? ` ${cut} bar${cut === 1 ? ' holds a VM' : 's hold VMs'} that never came up, cut off where the run ended.` : '';
  return {
    id: 'deploy-bars',
    title: 'Where the time went, VM by VM',
    caption: `One bar per VM, sorted by total deploy time, split into the five stages (emulated seconds).${grouped}${censored}`,
    spec: spec({
      width: WIDTH,
      height: 300,
      data: { values },
      mark: { type: 'rect', strokeWidth: 0 },
      encoding: {
        x: { field: 'r0', type: 'quantitative', title: 'VMs, sorted by total deploy time', scale: { domain: [0, s.bars.stages.length * s.bars.perBar], nice: false } },
        x2: { field: 'r1' },
        y: { field: 'y0', type: 'quantitative', axis: secondsAxis('emulated seconds') },
        y2: { field: 'y1' },
        color: { field: 'stage', type: 'nominal', title: null, scale: { domain: STAGE_COLORS.map((c) => c[0]), range: STAGE_COLORS.map((c) => c[1]) } },
      },
    }),
  };
}

function deployCdf(result: Result, s: RunSeries): Chart {
  const totals = s.bars.stages.map((bar) => bar.reduce((a, x) => a + x, 0));
  const n = totals.length;
  const values = totals.map((t, i) => ({ s: t, f: (i + 1) / n }));
  values.unshift({ s: 0, f: 0 });
  const budgets = result.budgets
    .filter((v) => v.stage === 'total' && v.unit === 's')
    .map((v) => ({ x: v.threshold, label: v.expression, pass: v.pass }))
    .sort((a, b) => a.x - b.x);
  // a budget whose line stands within 2% of the axis of the previous one shares its label, so none is written over another
  const span = Math.max(totals.at(-1) ?? 0, ...budgets.map((b) => b.x)) || 1;
  const labels: Array<{ x: number; label: string; pass: boolean }> = [];
  budgets.forEach((b, i) => {
    const last = labels.at(-1);
    if (last && b.x - budgets[i - 1]!.x < 0.02 * span) Object.assign(last, { label: `${last.label}; ${b.label}`, pass: last.pass && b.pass });
    else labels.push({ ...b });
  });
  const layers: unknown[] = [
    {
      data: { values },
      mark: { type: 'line', interpolate: 'step-after', color: '#4c78a8', strokeWidth: 2 },
      encoding: {
        x: { field: 's', type: 'quantitative', axis: secondsAxis('total deploy time, emulated seconds') },
        y: { field: 'f', type: 'quantitative', axis: { title: 'share of VMs', format: '.0%' }, scale: { domain: [0, 1] } },
      },
    },
  ];
  if (budgets.length > 0) {
    const color = { field: 'pass', type: 'nominal', legend: null, scale: { domain: [true, false], range: ['#7a7a7a', '#d62728'] } };
    layers.push(
      { data: { values: budgets }, mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { x: { field: 'x', type: 'quantitative' }, color } },
      {
        // each label along its line, reading upwards from the bottom
        data: { values: labels },
        mark: { type: 'text', angle: 270, align: 'left', baseline: 'bottom', dx: 6, dy: -3, fontSize: 11, limit: 225 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { datum: 0 }, text: { field: 'label' }, color },
      },
    );
  }
  const lines = budgets.length === 0 ? ' The scenario has no budget on total in seconds.' : ' Dashed lines: the budgets on total, red when failed, grey when held.';
  return {
    id: 'deploy-cdf',
    title: 'How long a deploy took: the distribution',
    caption: `The share of VMs up within each total deploy time.${lines}${s.bars.perBar > 1 ? ` Steps of ${s.bars.perBar} VMs.` : ''}`,
    spec: spec({ width: WIDTH, height: 240, layer: layers }),
  };
}

/** Seconds since the burst's start of each point of the timeline. */
function times(result: Result, s: RunSeries, step = s.timeline.stepMs, count = s.timeline.tm.length): number[] {
  const origin = result.run.burstAtMs ?? s.timeline.startMs;
  return Array.from({ length: count }, (_, i) => (s.timeline.startMs + i * step - origin) / 1000);
}

const timeAxis = { title: 'emulated seconds since the burst started', format: ',.0f' };

/** The time axis of every timeline: the same span, from the burst's start to the run's end. */
function timeX(result: Result, s: RunSeries): Record<string, unknown> {
  const t = times(result, s, s.timeline.stepMs, s.timeline.tm.length + 1);
  return { field: 't', type: 'quantitative', axis: timeAxis, scale: { domain: [Math.min(0, t[0]!), t.at(-1)!], nice: false } };
}

function stepNote(s: RunSeries): string {
  return `${s.timeline.tm.length} points, one every ${seconds(s.timeline.stepMs / 1000, s.timeline.stepMs < 1000 ? 2 : 1)} s`;
}

function phasesOverTime(result: Result, s: RunSeries): Chart {
  const t = times(result, s);
  const shown = PHASE_ORDER.filter((p) => s.timeline.phases[p].some((n) => n > 0));
  const values = shown.flatMap((p) => s.timeline.phases[p].map((n, i) => ({ t: t[i], phase: p, k: PHASE_ORDER.indexOf(p), n })));
  return {
    id: 'phases',
    title: 'VMs in each phase over time',
    caption: `How many VMs were in each phase at each instant (${stepNote(s)}); a phase's colour is its stage's in the bars above. A wide band is a queue.`,
    spec: spec({
      width: WIDTH,
      height: 240,
      data: { values },
      mark: { type: 'area', interpolate: 'step-after' },
      encoding: {
        x: timeX(result, s),
        y: { field: 'n', type: 'quantitative', stack: 'zero', axis: COUNT_AXIS('VMs') },
        color: { field: 'phase', type: 'nominal', title: null, scale: { domain: [...shown].reverse(), range: [...shown].reverse().map((p) => PHASE_COLORS[p]) } },
        order: { field: 'k', type: 'quantitative' },
      },
    }),
  };
}

const KIND_COLORS = { scale: { domain: ['TM', 'VMM'], range: ['#e45756', '#72b7b2'] } };

function inFlight(result: Result, s: RunSeries): Chart {
  const t = times(result, s);
  const values = [
    ...s.timeline.tm.map((n, i) => ({ t: t[i], kind: 'TM', n })),
    ...s.timeline.vmm.map((n, i) => ({ t: t[i], kind: 'VMM', n })),
  ];
  return {
    id: 'in-flight',
    title: 'TM and VMM actions in flight, cloud-wide',
    caption: `The most driver actions in flight at once during each step (${stepNote(s)}). A driver's thread pool or a lock shows as a flat line.`,
    spec: spec({
      width: WIDTH,
      height: 200,
      data: { values },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
      encoding: {
        x: timeX(result, s),
        y: { field: 'n', type: 'quantitative', axis: COUNT_AXIS('actions in flight') },
        color: { field: 'kind', type: 'nominal', title: null, ...KIND_COLORS },
      },
    }),
  };
}

function busiestHosts(result: Result, s: RunSeries): Chart {
  const t = times(result, s);
  const hosts = s.timeline.busiest.map((h) => h.host);
  const values = s.timeline.busiest.flatMap((h) => [
    ...h.tm.map((n, i) => ({ t: t[i], host: h.host, kind: 'TM', n })),
    ...h.vmm.map((n, i) => ({ t: t[i], host: h.host, kind: 'VMM', n })),
  ]);
  return {
    id: 'busiest-hosts',
    title: `Actions in flight on the ${hosts.length === 1 ? 'busiest host' : `${hosts.length} busiest hosts`}`,
    caption: `The hosts with the most TM and VMM action time, busiest first (${stepNote(s)}). A host stuck at 1 VMM action while others run several is a per-host lock.`,
    spec: spec({
      data: { values },
      facet: { field: 'host', type: 'nominal', title: null, sort: hosts, header: { labelFontSize: 12, labelFont: FONT } },
      columns: 2,
      spec: {
        width: WIDTH / 2 - 40,
        height: 120,
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
        encoding: {
          x: timeX(result, s),
          y: { field: 'n', type: 'quantitative', axis: COUNT_AXIS('in flight') },
          color: { field: 'kind', type: 'nominal', title: null, ...KIND_COLORS },
        },
      },
    }),
  };
}

function hostHeatmap(result: Result, s: RunSeries): Chart {
  const heat = s.timeline.heat;
  const count = heat.inFlight[0]?.length ?? 0;
  const t = times(result, s, heat.stepMs, count + 1);
  const values: Array<Record<string, unknown>> = [];
  heat.hosts.forEach((host, h) => {
    heat.inFlight[h]!.forEach((n, i) => {
      if (n > 0) values.push({ t0: t[i], t1: t[i + 1], host, n });
    });
  });
  const some = heat.of > heat.hosts.length ? `the ${heat.hosts.length} hosts of ${heat.of} with the most action time` : `all ${heat.of} hosts`;
  return {
    id: 'host-heatmap',
    title: 'Actions in flight per host over time',
    caption: `TM and VMM actions in flight on ${some}, the most during each of ${count} steps; white is idle. A hung host stays lit, a serialized one stays pale while others are dark.`,
    spec: spec({
      width: WIDTH,
      height: Math.max(80, heat.hosts.length * 16),
      data: { values },
      mark: { type: 'rect' },
      encoding: {
        x: { ...timeX(result, s), field: 't0' },
        x2: { field: 't1' },
        y: { field: 'host', type: 'ordinal', title: null, sort: heat.hosts, scale: { domain: heat.hosts } },
        color: { field: 'n', type: 'quantitative', title: 'in flight', scale: { scheme: 'orangered', domainMin: 0 }, legend: { format: 'd', tickMinStep: 1 } },
      },
    }),
  };
}

function seedSpread(result: Result): Chart {
  const runs = result.seeds!.runs;
  const values = runs.flatMap((r) =>
    (['mean', 'p95', 'max'] as const).flatMap((stat) => (r.stages.total[stat] === null ? [] : [{ seed: String(r.seed), stat, s: r.stages.total[stat] }])),
  );
  return {
    id: 'seeds',
    title: `Total deploy time across ${runs.length} seeds`,
    caption: 'Each seed is the same scenario with other random draws: a verdict that rests on one seed shows as one point apart.',
    spec: spec({
      width: Math.min(WIDTH, 120 + runs.length * 80),
      height: 200,
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'seed', type: 'ordinal', title: 'seed', sort: runs.map((r) => String(r.seed)), axis: { labelAngle: 0 } },
        y: { field: 's', type: 'quantitative', axis: secondsAxis('total, emulated seconds') },
        color: { field: 'stat', type: 'nominal', title: null, scale: { domain: ['mean', 'p95', 'max'], range: ['#4c78a8', '#f58518', '#e45756'] } },
      },
    }),
  };
}

function baselineVsRun(result: Result, baseline: { result: Result; label: string }): Chart {
  const stages: StageName[] = [...STAGE_COLORS.map((c) => c[0]), 'total'];
  const values = stages.flatMap((stage) =>
    (['mean', 'p95'] as const).flatMap((stat) =>
      [
        { run: 'baseline', s: baseline.result.stages[stage]?.[stat] ?? null },
        { run: 'this run', s: result.stages[stage][stat] },
      ]
        .filter((x) => x.s !== null)
        .map((x) => ({ ...x, stage, stat })),
    ),
  );
  return {
    id: 'baseline',
    title: 'Against the baseline, stage by stage',
    caption: `Mean and p95 of each stage, the baseline (${baseline.label}) above this run (emulated seconds).`,
    spec: spec({
      data: { values },
      facet: { column: { field: 'stat', type: 'nominal', title: null, sort: ['mean', 'p95'], header: { labelFontSize: 12, labelFont: FONT } } },
      spec: {
        width: WIDTH / 2 - 120,
        height: 260,
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'stage', type: 'nominal', title: null, sort: [...stages] },
          yOffset: { field: 'run', type: 'nominal', sort: ['baseline', 'this run'] },
          x: { field: 's', type: 'quantitative', axis: secondsAxis('emulated seconds') },
          color: { field: 'run', type: 'nominal', title: null, scale: { domain: ['baseline', 'this run'], range: ['#b0b0b0', '#4c78a8'] } },
        },
      },
    }),
  };
}

type Engines = { vega: typeof import('vega'); vl: typeof import('vega-lite') };
let engines: Promise<Engines> | undefined;

/** vega and vega-lite, loaded on the first chart: commands that draw none do not pay for them. */
function loadEngines(): Promise<Engines> {
  engines ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => ({ vega, vl }));
  return engines;
}

/** A chart as inline SVG: vega-lite compiles it, vega's View renders it headless. */
export async function renderChart(chart: Chart): Promise<RenderedChart> {
  const { vega, vl } = await loadEngines();
  const view = new vega.View(vega.parse(vl.compile(chart.spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const { spec: _spec, ...rest } = chart;
    return { ...rest, svg };
  } finally {
    view.finalize();
  }
}
