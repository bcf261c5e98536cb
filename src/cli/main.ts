#!/usr/bin/env node
/**
 * The `losant-tokens` command line: single-token commands (get, patch, delete <ids>, list)
 * and bulk maintenance jobs (deactivate, activate, delete, rename) over a selection of
 * tokens across instances. Runs on Node (the package's bin), Deno and Bun:
 *
 * @example
 * ```sh
 * losant-tokens --embedded list --filter 'ci-*'
 * deno run -A src/cli/main.ts --embedded deactivate --filter 'ci-*' --yes
 * ```
 *
 * @module
 */
import process from "node:process";
import { EXIT } from "./exit-codes.ts";
import { processIo } from "./io.ts";
import { runCli } from "./program.ts";

const io = processIo();
// A reader that goes away after the command returned (the last write of `list --json |
// head -1`) still makes the run's exit code say the output was cut short.
io.onStdoutClosed(() => {
  if (!process.exitCode) process.exitCode = EXIT.stdoutClosed;
});
const code = await runCli(process.argv.slice(2), io);
process.exitCode = io.stdoutClosed && code === EXIT.ok ? EXIT.stdoutClosed : code;
// Whatever a library left behind (a keep-alive socket, a stdin listener) must not hold
// the process open once the command is done; an unref'd timer does not hold it either.
setTimeout(() => process.exit(process.exitCode ?? code), 200).unref?.();
