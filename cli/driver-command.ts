import type { Command } from 'commander';
import { isUserError } from '../harness/errors.js';
import { runMadDriver, type MadDriverIo } from '../harness/mad-driver.js';
import { ExitCode } from '../harness/result.js';

const HELP = `
A MAD driver for oned (or the reference stack): it speaks OpenNebula's driver protocol on stdin
and stdout and acts on a stampede host farm over HTTP. ARGUMENTS are oned.conf's, e.g.
  -t 15 -p --farm http://127.0.0.1:2634
  -t N        actions at once (default 15)        -p   VMM: several actions per host at once
  --transport ssh|persistent                      --farm URL | --farm-file PATH (or STAMPEDE_FARM)
`;

/** `stampede driver tm|vmm|im [ARGUMENTS...]`; sets the exit code through `done`. */
export function registerDriverCommand(program: Command, io: MadDriverIo & { stderr: { write(s: string): unknown } }, done: (code: number) => void): void {
  program
    .command('driver')
    .description('Run a MAD driver (tm, vmm or im) on stdin/stdout against a host farm served over HTTP.')
    .argument('<kind>', 'tm, vmm or im')
    .argument('[arguments...]', "the driver's ARGUMENTS as oned.conf gives them")
    .allowUnknownOption()
    .helpOption('--help', 'show this help')
    .addHelpText('after', HELP)
    .action(async (kind: string, words: string[]) => {
      try {
        done(await runMadDriver(kind, words, io));
      } catch (error) {
        if (!isUserError(error)) throw error;
        io.stderr.write(`stampede driver: ${error.message}\n`);
        done(ExitCode.COULD_NOT_RUN);
      }
    });
}
