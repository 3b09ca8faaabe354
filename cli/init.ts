import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../harness/result.js';
import { NIGHTLY_BUDGETS } from '../harness/scenario.js';
import type { CommandIo, Done } from './command.js';
import { DEFAULT_OUT } from './options.js';

/**
 * `stampede init`: stampede in a cloud-stack project's repository in one step. A starter scenario
 * (the PR gate's size: 128 VMs on 4 hosts, the nightly's density and budgets), a nightly and a
 * PR-gate workflow that run it from npm, and the report directory in .gitignore. It never
 * replaces a file without --force, and says what it did with each.
 */
export function registerInitCommand(program: Command, io: CommandIo, done: Done): void {
  program
    .command('init')
    .description('Write a starter scenario, a nightly and a PR-gate workflow, and a .gitignore line into this repository.')
    .option('--yaml', 'write the scenario as stampede.yaml instead of stampede.config.ts')
    .option('--force', 'replace files that exist')
    .action(async (options: { yaml?: boolean; force?: boolean }) => done(await init(io, options)));
}

/** The nightly's budgets, as the starter writes them: one source, so the starter never drifts from them. */
const budgetEntries = (): Array<[string, string[]]> => Object.entries(NIGHTLY_BUDGETS).map(([key, value]) => [key, typeof value === 'string' ? [value] : [...value]]);
const BUDGETS = budgetEntries()
  .map(([key, list]) => `    ${/^[a-z]\w*$/i.test(key) ? key : `'${key}'`}: [${list.map((b) => `'${b}'`).join(', ')}],`)
  .join('\n');
const BUDGETS_YAML = budgetEntries()
  .map(([key, list]) => `  ${key}: [${list.join(', ')}]`)
  .join('\n');

const SCENARIO_TS = `import { defineScenario } from 'stampede';

// What stampede runs for this project: 128 VMs deployed at once on 4 emulated hosts of 8 cores
// (32 VMs per host, the density of the 512-VM nightly burst), judged against stage budgets.
// Every field is optional; \`npx stampede validate\` checks the file, \`npx stampede run\` runs it.
export default defineScenario({
  name: 'pr-gate',
  seed: 1,
  hosts: { count: 4, cores: 8, memoryMiB: 24_576 },
  vms: { count: 128 },
  profile: 'optimized',
  deadline: '30m',
  budgets: {
${BUDGETS}
  },
});
`;

const SCENARIO_YAML = `# yaml-language-server: $schema=./node_modules/stampede/dist/scenario.schema.json
# What stampede runs for this project: 128 VMs deployed at once on 4 emulated hosts of 8 cores
# (32 VMs per host, the density of the 512-VM nightly burst), judged against stage budgets.
# Every field is optional; \`npx stampede validate\` checks the file, \`npx stampede run\` runs it.
name: pr-gate
seed: 1
hosts: { count: 4, cores: 8, memoryMiB: 24576 }
vms: { count: 128 }
profile: optimized
deadline: 30m
budgets:
${BUDGETS_YAML}
`;

const steps = (run: string): string => `    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          cache: npm
      - run: npm ci
      - run: npx stampede validate
      - run: ${run}
      - name: summary
        if: always()
        run: if [ -f ${DEFAULT_OUT}/summary.md ]; then cat ${DEFAULT_OUT}/summary.md >> "$GITHUB_STEP_SUMMARY"; fi
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: ${DEFAULT_OUT}
          path: ${DEFAULT_OUT}/
`;

const nightly = (scenario: string): string => `# stampede's nightly: the scenario at the nightly size, 512 VMs on 16 emulated hosts.
# Exit 0: every budget held; 1: a budget failed or a pathology was named; 2: could not run.
name: stampede nightly
on:
  schedule:
    - cron: '17 3 * * *'
  workflow_dispatch:
jobs:
  scale:
    runs-on: ubuntu-latest
    timeout-minutes: 30
${steps(`npx stampede run ${scenario} --vms 512 --hosts 16 --out ${DEFAULT_OUT}`)}`;

const prGate = (scenario: string): string => `# stampede's PR gate: the scenario as written, answered in seconds in virtual time.
# Exit 0: every budget held; 1: a budget failed or a pathology was named; 2: could not run.
name: stampede PR gate
on:
  pull_request:
jobs:
  scale:
    runs-on: ubuntu-latest
    timeout-minutes: 15
${steps(`npx stampede run ${scenario} --out ${DEFAULT_OUT}`)}`;

export async function init(io: CommandIo, options: { yaml?: boolean; force?: boolean }): Promise<number> {
  const scenario = options.yaml ? 'stampede.yaml' : 'stampede.config.ts';
  const files: Array<[string, string]> = [
    [scenario, options.yaml ? SCENARIO_YAML : SCENARIO_TS],
    ['.github/workflows/stampede-nightly.yml', nightly(scenario)],
    ['.github/workflows/stampede-pr.yml', prGate(scenario)],
  ];
  for (const [name, text] of files) {
    const path = join(io.cwd, name);
    const exists = existsSync(path);
    if (exists && !options.force) {
      io.stdout.write(`kept   ${name} (it exists; --force replaces it)\n`);
      continue;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    io.stdout.write(`${exists ? 'replaced' : 'wrote '} ${name}\n`);
  }
  const gitignore = join(io.cwd, '.gitignore');
  const ignored = existsSync(gitignore) ? await readFile(gitignore, 'utf8') : '';
  if (ignored.split(/\r?\n/).some((line) => [DEFAULT_OUT, `${DEFAULT_OUT}/`, `/${DEFAULT_OUT}/`].includes(line.trim()))) {
    io.stdout.write(`kept   .gitignore (it already ignores ${DEFAULT_OUT}/)\n`);
  } else {
    await appendFile(gitignore, `${ignored === '' || ignored.endsWith('\n') ? '' : '\n'}${DEFAULT_OUT}/\n`);
    io.stdout.write(`added  ${DEFAULT_OUT}/ to .gitignore\n`);
  }
  io.stdout.write(`\nNext: npx stampede validate && npx stampede run ${scenario}\n`);
  return ExitCode.OK;
}
