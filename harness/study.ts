/**
 * The study's table (docs/fidelity.md): the nightly burst (512 VMs on the study's 16 hosts) run in
 * virtual time once per step profile, `study-0` (OpenNebula 4.4 as installed, its CLI submitting
 * one VM after another) to `study-5` (`optimized`, one batched call), with the same latency model
 * for every row: only the stack's knobs, its pathologies and the client differ.
 *
 *   const rows = await runStudy({ seed: 1 });
 *   studyTable(rows)                       // Markdown, beside the study's published figures
 */
import { STUDY_STEPS } from '../stack/profile.js';
import { run } from './run.js';
import { resolveScenario, type ScenarioInput } from './scenario.js';
import { STAGES, type StageName } from './stages.js';

/** The stages a deploy is made of, in order (`total` is their sum). */
export const STUDY_STAGES = STAGES.filter((s): s is Exclude<StageName, 'total'> => s !== 'total');
export type StudyStage = (typeof STUDY_STAGES)[number];

export interface StudyRow {
  /** the step profile */
  config: string;
  /** request to NET-MSG over the burst, emulated seconds */
  mean: number;
  slowest: number;
  /** each stage's mean, emulated seconds (they add up to `mean`) */
  stages: Record<StudyStage, number>;
}

/** What the study published for a step, seconds (Razavi et al., "Scaling VM Deployment in an Open Source Cloud Stack", 2015). */
export interface Published {
  mean?: number;
  slowest?: number;
  /** the stage that took most of the time */
  dominant?: StudyStage;
  /** as the paper words it, when it gives no exact figure */
  note?: string;
}

export const PUBLISHED: Readonly<Record<string, Published>> = {
  'study-0': { mean: 615, slowest: 22 * 60, dominant: 'PENDING-PROLOG', note: 'slowest "about 22 min"' },
  // "after tuning both infrastructure and cloud stack ... from 615 to 104 seconds": steps 1 to 4
  'study-4': { mean: 104 },
  'study-5': { mean: 53.54, slowest: 87.8, dominant: 'RUNNING-NET-MSG' },
};

/** The client of each step: the CLI loop of the time until the last step batched every request into one call. */
export function studyScenario(config: string, seed = 1): ScenarioInput {
  return {
    name: config,
    seed,
    profile: config,
    load: { mode: config === 'study-5' ? 'multicall' : 'serial' },
    // the out-of-the-box row takes about 22 emulated minutes; room enough for any step
    deadline: '2h',
    budgets: {},
  };
}

export const STUDY_CONFIGS: readonly string[] = STUDY_STEPS.map((s) => s.name);

/** Runs `configs` (default: every step) in virtual time, one after another. */
export async function runStudy(options: { seed?: number; configs?: readonly string[] } = {}): Promise<StudyRow[]> {
  const rows: StudyRow[] = [];
  for (const config of options.configs ?? STUDY_CONFIGS) {
    const result = await run(resolveScenario(studyScenario(config, options.seed), {}, `study ${config}`));
    const stat = (stage: StageName, which: 'mean' | 'max'): number => result.stages[stage][which] ?? Number.NaN;
    rows.push({
      config,
      mean: stat('total', 'mean'),
      slowest: stat('total', 'max'),
      stages: Object.fromEntries(STUDY_STAGES.map((s) => [s, stat(s, 'mean')])) as Record<StudyStage, number>,
    });
  }
  return rows;
}

/** The stage with the largest mean. */
export function dominantStage(row: StudyRow): StudyStage {
  return STUDY_STAGES.reduce<StudyStage>((best, s) => (row.stages[s] > row.stages[best] ? s : best), 'START-PENDING');
}

/** The table `stampede study` prints: each row beside what the study published for it. */
export function studyTable(rows: readonly StudyRow[]): string {
  const short: Record<StudyStage, string> = {
    'START-PENDING': 'start', 'PENDING-PROLOG': 'pending', 'PROLOG-BOOT': 'prolog', 'BOOT-RUNNING': 'boot', 'RUNNING-NET-MSG': 'net-msg',
  };
  const head = ['config', 'step', 'mean', 'slowest', ...STUDY_STAGES.map((s) => short[s]), 'study: mean', 'study: slowest'];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`];
  for (const row of rows) {
    const step = STUDY_STEPS.find((s) => s.name === row.config)?.step ?? '';
    const p = PUBLISHED[row.config] ?? {};
    const shares = STUDY_STAGES.map((s) => `${Math.round((100 * row.stages[s]) / row.mean)}%`);
    lines.push(`| ${[row.config, step, secs(row.mean), secs(row.slowest), ...shares, beside(row.mean, p.mean), beside(row.slowest, p.slowest)].join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** `615 s (-3%)`: the published figure and how far the model is from it. */
function beside(model: number, published: number | undefined): string {
  if (published === undefined) return '';
  const off = Math.round((100 * (model - published)) / published);
  return `${secs(published)} (model ${off >= 0 ? '+' : ''}${off}%)`;
}

const secs = (v: number): string => (Number.isFinite(v) ? `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} s` : 'n/a');
