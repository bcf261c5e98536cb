import { type ApiToken, getToken } from "../../../mod.ts";
import { checkIds, collect, oneInstance } from "../args.ts";
import type { CliCommand } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { outputFlags } from "../flags.ts";
import { describeError, describeToken, printJson, publicToken } from "../output.ts";

interface GetOptions {
  instance?: string[];
  json?: boolean;
}

/**
 * `losant-tokens get <apiTokenId...> --instance <id>`: prints tokens, one block each, or
 * `--json`. A token that cannot be read is reported on stderr and makes the exit code 1.
 */
export const getCommand: CliCommand = {
  register(program, cli) {
    const cmd = program
      .command("get")
      .description("show one or more tokens of an instance")
      .argument("<apiTokenId...>", "ids of the tokens to show")
      .option("--instance <id>", "the instance the tokens belong to", collect);
    outputFlags(cmd, "print the token as JSON (an array when several ids are given)")
      .addHelpText(
        "after",
        `
Examples:
  $ losant-tokens get 5f1c0a... --instance 5e9b2f...
  $ losant-tokens get 5f1c0a... 5f1c0b... --instance 5e9b2f... --json
  $ losant-tokens --embedded get 0eb7c31d72589228fac0f8ba --instance 02ff152c0fdc7f12fa169e5e`,
      )
      .action((ids: string[], options: GetOptions, cmd) =>
        cli.run(cmd, async ({ io, session, stops }) => {
          checkIds(ids, "apiTokenId");
          const instanceId = await oneInstance(options, session.defaultInstances);
          const tokens: ApiToken[] = [];
          let failed = 0;
          for (const apiTokenId of ids) {
            try {
              const token = await getToken(session.client, { instanceId, apiTokenId }, {
                signal: stops.signal,
              });
              tokens.push(publicToken(token));
              if (!options.json) io.out(`${tokens.length > 1 ? "\n" : ""}${describeToken(token)}`);
            } catch (error) {
              if (stops.reason !== undefined) throw error;
              failed += 1;
              io.err(`error: ${apiTokenId}: ${describeError(error)}\n`);
            }
          }
          if (options.json) printJson(io, ids.length === 1 ? tokens[0] ?? null : tokens);
          return failed > 0 ? EXIT.failed : EXIT.ok;
        })
      );
  },
};
