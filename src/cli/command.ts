import type { Command } from "commander";
import type { Io } from "./io.ts";
import { type CommandContext, runCommand } from "./run.ts";
import type { GlobalOptions } from "./session.ts";

/** What a command module is handed when it registers itself. */
export interface Cli {
  readonly io: Io;
  /**
   * Runs `body` as the action of `cmd` (in a session, with stops handled) and records its
   * exit code. Call it from commander's `.action(...)`.
   */
  run(cmd: Command, body: (ctx: CommandContext) => Promise<number>): Promise<void>;
}

/**
 * One command (or a family, like the bulk commands) of the CLI. To add one, write its module
 * (`src/cli/commands/<name>.ts` exporting a `CliCommand`), add ONE line to
 * `src/cli/commands/mod.ts` (`export { rotateCommand } from "./rotate.ts";`), and add its
 * test file `test/cli-<name>.test.ts` (in-process, see `test/support/cli-io.ts`).
 *
 * @example
 * export const getCommand: CliCommand = {
 *   register(program, cli) {
 *     program.command("get").argument("<id>").action((id, options, cmd) =>
 *       cli.run(cmd, async ({ io, session }) => { ...; return EXIT.ok; })
 *     );
 *   },
 * };
 */
export interface CliCommand {
  register(program: Command, cli: Cli): void;
}

/** The Cli a program's commands share: exit codes are written through `setExit`. */
export function createCli(io: Io, setExit: (code: number) => void): Cli {
  return {
    io,
    async run(cmd, body) {
      setExit(await runCommand(io, cmd.optsWithGlobals() as GlobalOptions, body));
    },
  };
}
