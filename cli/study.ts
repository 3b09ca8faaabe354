import type { Command } from 'commander';
import { ExitCode } from '../harness/result.js';
import { runStudy, studyTable, STUDY_CONFIGS } from '../harness/study.js';
import { couldNotRun, type CliDeps } from './main.js';
import { wholeNumber } from './options.js';

const HELP = `
Runs the nightly burst (512 VMs on 16 hosts) in virtual time once per step of the study, from
study-0 (OpenNebula 4.4 as installed, serial submits) to study-5 (optimized, one batched call),
with one latency model for every row, and prints per step the mean and slowest request to
NET-MSG, each stage's share of the mean, and the study's published figures beside them.
--json prints [{ "config", "mean", "slowest", "stages" }], in emulated seconds.
`;

/** `stampede study`: the study's steps as the model plays them (harness/study.ts). */
export function registerStudy(program: Command, deps: CliDeps, done: (code: number) => void): void {
  program
    .command('study')
    .description("Run the study's steps (study-0 .. study-5) in virtual time and print them beside its published figures.")
    .option('--json', 'print [{config, mean, slowest, stages}] in seconds instead of the table')
    .option('--seed <n>', 'seed of every random draw', wholeNumber('--seed', 0, Number.MAX_SAFE_INTEGER), 1)
    .addHelpText('after', HELP)
    .action(async (flags: { json?: boolean; seed: number }) => {
      try {
        const rows = await runStudy({ seed: flags.seed, configs: STUDY_CONFIGS });
        deps.stdout.write(flags.json ? `${JSON.stringify(rows, null, 2)}\n` : studyTable(rows));
        done(ExitCode.OK);
      } catch (error) {
        deps.stderr.write(couldNotRun(error));
        done(ExitCode.COULD_NOT_RUN);
      }
    });
}
