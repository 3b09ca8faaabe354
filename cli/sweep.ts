import { Command, InvalidArgumentError, Option } from 'commander';
import { ExitCode } from '../harness/result.js';
import { readScenarioFile, type ScenarioOverrides } from '../harness/scenario.js';
import { SUPERLINEAR_EXPONENT, sweep, type Growth, type Sweep, type SweepPoint } from '../harness/sweep.js';
import { seconds, textTable } from '../reports/format.js';
import { couldNotRun, type CliDeps } from './main.js';
import { checkScenarioFile, scenarioSetting, type ScenarioSetting } from './options.js';

const HELP = `
Runs the scenario (the nightly's when absent) at each size, hosts scaled with the VMs so every
size keeps the scenario's VMs per host, and fits how each stage's mean time and the stack's CPU
per VM grow with the size (least squares on log-log). The cost of serving the burst growing
faster than n^${SUPERLINEAR_EXPONENT} is a finding: for CPU, all of it (n times the CPU per VM); for a
stage, its time, which grows as n^1 through any fixed-capacity part of the head node (API
workers, dispatch limits, driver pools, the image store do not grow with the hosts) and faster
only when the stage's throughput falls as the pool grows. The stack's CPU is measured at its
seam: the CPU of its API handlers, timers and what they lead to, not the harness's or the farm's.

Exit codes:
  0  every growth is at most n^${SUPERLINEAR_EXPONENT}
  1  something grows superlinearly (named)
  2  stampede could not run
`;

/** `stampede sweep --vms 512,2048,8192`: growth over sizes. */
export function registerSweep(program: Command, deps: CliDeps, done: (code: number) => void): void {
  program
    .command('sweep')
    .description("Run the scenario at several sizes and fit how each stage's time and the stack's CPU per VM grow.")
    .argument('[scenario-file]', "scenario (.ts, .json or .yaml); the nightly's when absent")
    .addOption(new Option('--vms <list>', 'VM counts, ascending, comma-separated').default([512, 2048, 8192], '512,2048,8192').argParser(sizeList))
    .addOption(new Option('--set <path=value>', 'any scenario field, e.g. --set profile=opennebula-4.4 (repeatable)').argParser(scenarioSetting))
    .addHelpText('after', HELP)
    .action(async (file: string | undefined, flags: { vms: number[]; set?: ScenarioSetting[] }) => {
      const problem = file === undefined ? undefined : checkScenarioFile(file);
      if (problem) {
        deps.stderr.write(`stampede: ${problem}\n`);
        return done(ExitCode.COULD_NOT_RUN);
      }
      try {
        const input = file === undefined ? {} : await readScenarioFile(file);
        const overrides: ScenarioOverrides = flags.set ? { set: flags.set } : {};
        const result = await sweep(input, overrides, { sizes: flags.vms, onPoint: (p) => deps.stdout.write(pointLine(p)) }, file === undefined ? 'default scenario' : `scenario ${file}`);
        deps.stdout.write(renderSweep(result));
        done(result.exitCode);
      } catch (error) {
        deps.stderr.write(couldNotRun(error));
        done(ExitCode.COULD_NOT_RUN);
      }
    });
}

export function sizeList(value: string): number[] {
  const sizes = value.split(',').map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : Number.NaN));
  if (sizes.length < 2 || sizes.some((n) => !Number.isSafeInteger(n) || n < 1) || sizes.some((n, i) => i > 0 && n <= sizes[i - 1]!)) {
    throw new InvalidArgumentError(`--vms takes at least two ascending VM counts, comma-separated (e.g. 512,2048,8192), got "${value}".`);
  }
  return sizes;
}

function pointLine(p: SweepPoint): string {
  const cpu = p.stackCpuMs === null ? 'not measured' : `${((p.stackCpuMs / p.vms) * 1000).toFixed(0)} us per VM`;
  return `${p.vms} VMs on ${p.hosts} hosts: total mean ${seconds(p.stages.total.mean)} s, stack CPU ${cpu}\n`;
}

/** A stage time growing about linearly is a fixed capacity, worth saying apart from flat. */
function verdict(g: Growth): string {
  if (g.superlinear) return 'SUPERLINEAR';
  return g.of !== 'stack CPU' && g.total > 0.5 ? 'ok (fixed capacity)' : 'ok';
}

export function renderSweep(s: Sweep): string {
  const rows = s.growth.map((g) => [g.of, `n^${g.perVm.toFixed(2)}`, `n^${g.total.toFixed(2)}`, verdict(g)]);
  const out = ['', ...textTable(['growth of', 'per VM', 'serving the burst', 'verdict'], rows), ''];
  for (const f of s.findings) out.push(`Finding: ${f.pathology} (${f.stage}): ${f.evidence}`);
  out.push(s.findings.length === 0 ? `Nothing grows faster than n^${SUPERLINEAR_EXPONENT} (exit 0).` : `${s.findings.length} superlinear growth${s.findings.length === 1 ? '' : 's'} (exit 1).`, '');
  return out.join('\n');
}
