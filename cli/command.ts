/** What a subcommand gets to talk with: its output streams and the directory it works in. */
export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** the user's working directory: where `init` writes and `validate` looks */
  cwd: string;
}

/** How a subcommand hands back its exit code. */
export type Done = (code: number) => void;
