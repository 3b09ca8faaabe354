import type { Command } from 'commander';
import { scenarioJsonSchema } from '../harness/scenario.js';
import type { CommandIo, Done } from './command.js';

/** `stampede schema`: the scenario's JSON Schema, as the package ships it in dist/scenario.schema.json. */
export function registerSchemaCommand(program: Command, io: CommandIo, done: Done): void {
  program
    .command('schema')
    .description("Print the scenario's JSON Schema, for editors and other checkers (the package ships it as scenario.schema.json).")
    .action(() => {
      io.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
      done(0);
    });
}
