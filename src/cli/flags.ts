import { type Command, Option } from "commander";
import { collect } from "./args.ts";

/**
 * `--instance` (repeatable) and `--instances-file`: which instances a command works on.
 *
 * @example
 * instanceFlags(program.command("list"));
 */
export function instanceFlags(cmd: Command, what = "an instance to work on"): Command {
  return cmd
    .option("--instance <id>", `${what} (repeatable)`, collect)
    .option("--instances-file <path>", "a file of instance ids, one per line (# comments)");
}

/**
 * `--json` and `--ndjson`, which cannot be used together (a usage error, exit 2).
 *
 * @example
 * outputFlags(cmd, "print the final report as one JSON object", "stream one result per line");
 */
export function outputFlags(cmd: Command, json: string, ndjson?: string): Command {
  cmd.addOption(new Option("--json", json));
  if (ndjson !== undefined) cmd.addOption(new Option("--ndjson", ndjson).conflicts("json"));
  return cmd;
}
