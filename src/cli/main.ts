#!/usr/bin/env node
/**
 * The `losant-tokens` command line: single-token commands (get, patch, delete <ids>, list)
 * and bulk maintenance jobs (deactivate, activate, delete, rename) over a selection of
 * tokens across instances. Runs on Node (the package's bin) and under Deno:
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
import { runCli } from "./program.ts";
import { processIo } from "./io.ts";

const code = await runCli(process.argv.slice(2), processIo());
process.exitCode = code;
// Whatever a library left behind (a keep-alive socket, a stdin listener) must not hold
// the process open once the command is done; an unref'd timer does not hold it either.
setTimeout(() => process.exit(code), 200).unref?.();
