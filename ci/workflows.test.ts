import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { REPO_ROOT } from './house-rules.js';

/**
 * The workflows hold no logic of their own: each `run` step calls one script of ci/ (or .ci/),
 * which runs the same way on a laptop. Checked over every workflow, so a new one keeps to it.
 */
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: Step[] }>;
}

const dir = join(REPO_ROOT, '.github', 'workflows');
const workflows = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((file) => {
    const doc = parseDocument(readFileSync(join(dir, file), 'utf8'));
    return { file, errors: doc.errors.map((e) => e.message), workflow: doc.toJS() as Workflow };
  });

/** The script a `run` step calls: its first word, when that is a path under ci/ or .ci/. */
const SCRIPT = /^(\.?ci\/[\w./-]+)(?:\s|$)/;

describe('.github/workflows', () => {
  it('has the CI, nightly and PR gate workflows, each parsing as YAML with jobs and steps', () => {
    expect(workflows.map((w) => w.file)).toEqual(expect.arrayContaining(['ci.yml', 'nightly.yml', 'pr-gate.yml']));
    for (const { file, errors, workflow } of workflows) {
      expect(errors, file).toEqual([]);
      expect(Object.keys(workflow.on ?? {}).length, `${file}: on`).toBeGreaterThan(0);
      for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
        expect(job.steps?.length, `${file}: ${name}`).toBeGreaterThan(0);
        for (const step of job.steps) expect(step.uses !== undefined || step.run !== undefined, `${file}: ${name}: a step does nothing`).toBe(true);
      }
    }
  });

  it('runs only scripts of ci/ that exist and are executable, one command a step', () => {
    for (const { file, workflow } of workflows) {
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps.filter((s) => s.run !== undefined)) {
          const run = step.run!.trim();
          expect(run.includes('\n'), `${file}: "${run}" is more than one command`).toBe(false);
          expect(/[;&|]|\$\(/.test(run), `${file}: "${run}" chains commands`).toBe(false);
          const script = SCRIPT.exec(run)?.[1];
          expect(script, `${file}: "${run}" does not call a script of ci/`).toBeDefined();
          const path = join(REPO_ROOT, script!);
          expect(statSync(path, { throwIfNoEntry: false })?.isFile(), `${file}: ${script} does not exist`).toBe(true);
          expect(() => accessSync(path, constants.X_OK), `${file}: ${script} is not executable`).not.toThrow();
          expect(readFileSync(path, 'utf8').startsWith('#!'), `${file}: ${script} has no #! line`).toBe(true);
        }
      }
    }
  });

  it('nightly: on a schedule and by hand; keeps the reports and feeds benchmark.json from where the script wrote them', () => {
    const { workflow } = workflows.find((w) => w.file === 'nightly.yml')!;
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['schedule', 'workflow_dispatch']));
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const out = steps.find((s) => s.run?.startsWith('ci/nightly.sh'))?.env?.['STAMPEDE_OUT'];
    expect(out).toBe('scale-report');
    expect(steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))?.with?.['path']).toBe(`${out}/`);
    const bench = steps.find((s) => s.uses?.startsWith('benchmark-action/github-action-benchmark@'));
    expect(bench?.with).toMatchObject({ tool: 'customSmallerIsBetter', 'output-file-path': `${out}/benchmark.json` });
  });

  it('pr-gate: on pull requests; gates against the base branch and comments the Markdown the script wrote', () => {
    const { workflow } = workflows.find((w) => w.file === 'pr-gate.yml')!;
    expect(Object.keys(workflow.on)).toContain('pull_request');
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const gate = steps.find((s) => s.run?.startsWith('ci/pr-gate.sh'));
    expect(gate?.env?.['BASE_REF']).toBe('${{ github.base_ref }}');
    const out = gate?.env?.['STAMPEDE_OUT'];
    expect(steps.find((s) => s.uses?.startsWith('marocchino/sticky-pull-request-comment@'))?.with?.['path']).toBe(`${out}/gate.md`);
  });
});
