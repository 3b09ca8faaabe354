import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { isUserError } from '../harness/errors.js';
import { ExitCode } from '../harness/result.js';
import { ScenarioError, loadScenario } from '../harness/scenario.js';
import type { CommandIo, Done } from './command.js';
import { checkScenarioFile } from './options.js';

/** The scenario files `validate` looks for when given none: what `stampede init` writes. */
export const CONFIG_FILES = ['stampede.config.ts', 'stampede.config.mts', 'stampede.yaml', 'stampede.yml', 'stampede.json'];

/** `stampede validate [FILE...]`: loads and checks scenarios without running them. */
export function registerValidateCommand(program: Command, io: CommandIo, done: Done): void {
  program
    .command('validate')
    .description('Check scenario files without running them: one line per problem, with the field and a did-you-mean; exit 0 or 2.')
    .argument('[files...]', `scenario files; when none, the ${CONFIG_FILES.join(', ')} found here`)
    .action(async (files: string[]) => done(await validate(files, io)));
}

export async function validate(files: readonly string[], io: CommandIo): Promise<number> {
  const list = files.length > 0 ? files.map((f) => resolve(io.cwd, f)) : CONFIG_FILES.map((f) => join(io.cwd, f)).filter((f) => existsSync(f));
  if (list.length === 0) {
    io.stderr.write(`stampede validate: no file given, and none of ${CONFIG_FILES.join(', ')} in ${io.cwd} (stampede init writes one).\n`);
    return ExitCode.COULD_NOT_RUN;
  }
  let failed = 0;
  for (const file of list) {
    const near = relative(io.cwd, file);
    const shown = near === '' || near.startsWith('..') ? file : near;
    const problems = await problemsOf(file);
    if (problems.length === 0) {
      io.stdout.write(`ok  ${shown}\n`);
      continue;
    }
    failed++;
    for (const problem of problems) {
      const said = problem.replaceAll(file, shown);
      io.stderr.write(`${said.includes(shown) ? said : `${shown}: ${said}`}\n`);
    }
  }
  return failed > 0 ? ExitCode.COULD_NOT_RUN : ExitCode.OK;
}

async function problemsOf(file: string): Promise<readonly string[]> {
  const missing = checkScenarioFile(file);
  if (missing) return [missing];
  try {
    await loadScenario(file);
    return [];
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    if (isUserError(error)) return [error.message];
    throw error;
  }
}
