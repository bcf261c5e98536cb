import type { Command } from "commander";
import { type ApiToken, getToken } from "../../../mod.ts";
import { checkIds, collect, oneInstance } from "../args.ts";
import { EXIT } from "../exit-codes.ts";
import type { Io } from "../io.ts";
import { describeError, describeToken, printJson, publicToken } from "../output.ts";
import { runCommand } from "../run.ts";
import type { GlobalOptions } from "../session.ts";

interface GetOptions {
  instance?: string[];
  json?: boolean;
}

/**
 * `losant-tokens get <apiTokenId...> --instance <id>`: prints tokens, one block each, or
 * `--json`. A token that cannot be read is reported on stderr and makes the exit code 1.
 */
export function registerGet(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command("get")
    .description("show one or more tokens of an instance")
    .argument("<apiTokenId...>", "ids of the tokens to show")
    .option("--instance <id>", "the instance the tokens belong to", collect)
    .option("--json", "print the token as JSON (an array when several ids are given)")
    .addHelpText(
      "after",
      `
Examples:
  $ losant-tokens get 5f1c0a... --instance 5e9b2f...
  $ losant-tokens get 5f1c0a... 5f1c0b... --instance 5e9b2f... --json
  $ losant-tokens --embedded get 0eb7c31d72589228fac0f8ba --instance 02ff152c0fdc7f12fa169e5e`,
    )
    .action(async (ids: string[], options: GetOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions;
      setExit(
        await runCommand(io, globals, async ({ session, interrupts }) => {
          checkIds(ids, "apiTokenId");
          const instanceId = await oneInstance(options, session.defaultInstances);
          const tokens: ApiToken[] = [];
          let failed = 0;
          for (const apiTokenId of ids) {
            try {
              const token = await getToken(session.client, { instanceId, apiTokenId }, {
                signal: interrupts.signal,
              });
              tokens.push(publicToken(token));
              if (!options.json) io.out(`${tokens.length > 1 ? "\n" : ""}${describeToken(token)}`);
            } catch (error) {
              if (interrupts.interrupted) throw error;
              failed += 1;
              io.err(`error: ${apiTokenId}: ${describeError(error)}\n`);
            }
          }
          if (options.json) printJson(io, ids.length === 1 ? tokens[0] ?? null : tokens);
          return failed > 0 ? EXIT.failed : EXIT.ok;
        }),
      );
    });
}
