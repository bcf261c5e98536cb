import { Command, CommanderError } from "commander";
import { VERSION } from "../../mod.ts";
import { createCli } from "./command.ts";
import * as commands from "./commands/mod.ts";
import { EXIT } from "./exit-codes.ts";
import type { Io } from "./io.ts";

/**
 * Builds the command tree. Program-level options (`--url`, `--token-file`, `--embedded`,
 * `--verbose`) are accepted before or after the command name, as `kubectl` accepts
 * `--context` anywhere, and every command's `--help` lists them.
 *
 * @example
 * const program = buildProgram(io, (code) => (exitCode = code));
 * await program.parseAsync(["get", id, "--instance", instanceId], { from: "user" });
 */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command("losant-tokens")
    .description(
      "Read, update, revoke and audit Losant instance API tokens, one at a time or in bulk.",
    )
    .version(VERSION)
    .option("--url <url>", "API base URL (else LOSANT_API_URL, else https://api.losant.com)")
    .option(
      "--token-file <path>",
      "read the access token from this file, - for stdin (else LOSANT_API_TOKEN)",
    )
    .option(
      "--token <value>",
      "the access token itself (lands in shell history: prefer the env or --token-file)",
    )
    .option("--embedded", "run against a freshly seeded embedded server (no account, no network)")
    .option("-v, --verbose", "log every HTTP attempt (pino JSON lines on stderr)")
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .addHelpText(
      "after",
      `
Access token: LOSANT_API_TOKEN, or --token-file <path>. Try anything with --embedded first.

Exit codes: 0 all succeeded, 1 some failed, 2 usage or validation error (nothing sent),
3 confirmation declined (nothing sent), 130 interrupted (Ctrl-C), 141 stdout closed,
143 terminated (SIGTERM).

Examples:
  $ export LOSANT_API_TOKEN=...          # an all.Instance or instanceApiToken(s).* token
  $ losant-tokens list --instance 5e9b2f... --filter 'ci-*'
  $ losant-tokens deactivate --instances-file prod.txt --filter 'ci-*' --dry-run
  $ losant-tokens deactivate --instances-file prod.txt --filter 'ci-*' --results-file run.ndjson
  $ losant-tokens deactivate --instances-file prod.txt --filter 'ci-*' --resume run.ndjson --yes
  $ losant-tokens --embedded rename --from 'ci-*' --to 'old-ci-*' --yes`,
    );
  const cli = createCli(io, setExit);
  for (const command of Object.values(commands)) command.register(program, cli);
  return program;
}

/**
 * Runs the CLI on `argv` (without node and the script) and resolves with its exit code,
 * in-process: every stream, the environment, signals and exit come from `io`, so tests run
 * commands without a subprocess. commander's own errors (unknown option, missing argument,
 * bad choice, --json with --ndjson) are usage errors: exit 2, like every other mistake on
 * the command line.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), processIo());
 */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    io.err(`error: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT.failed;
  }
  return code;
}
