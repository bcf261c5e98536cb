import { type Command, Option } from "commander";
import { positiveInt, positiveNumber } from "../../args.ts";
import type { CliCommand } from "../../command.ts";
import { instanceFlags, outputFlags } from "../../flags.ts";
import { planBulk } from "./plan.ts";
import { runBulk } from "./run.ts";
import { BULK_COMMANDS, type BulkCommand, type BulkOptions } from "./table.ts";

/** deactivate, activate, delete and rename: one commander command per row of the table. */
export const bulkCommands: CliCommand = {
  register(program, cli) {
    for (const bulk of BULK_COMMANDS) {
      const cmd = program.command(bulk.name).description(bulk.description);
      addFlags(cmd, bulk).action((...args: unknown[]) => {
        const command = args.at(-1) as Command;
        const ids = bulk.takesIds ? (args[0] as string[]) : [];
        const options = command.opts() as BulkOptions;
        return cli.run(command, async (ctx) => {
          const fromFindings = (options as { fromFindings?: string }).fromFindings;
          if (fromFindings !== undefined && !bulk.renames) {
            const { runFromFindings } = await import("./from-findings.ts");
            return runFromFindings(ctx, bulk.name as "delete", { ...options, fromFindings });
          }
          const plan = await planBulk(ctx, bulk, options, ids);
          return await runBulk(ctx, plan, options);
        });
      });
    }
  },
};

function addFlags(cmd: Command, bulk: BulkCommand): Command {
  if (bulk.takesIds) cmd.argument("[apiTokenId...]", "tokens to delete (with one --instance)");
  instanceFlags(cmd);
  if (bulk.renames) {
    cmd
      .requiredOption("--from <glob>", "names to rename, e.g. 'ci-*' (the only wildcard is *)")
      .requiredOption(
        "--to <pattern>",
        "new names; each * takes what the same * of --from matched, e.g. 'old-ci-*'",
      );
  } else {
    cmd.option("--filter <glob>", "only tokens whose name matches, e.g. 'ci-*'");
  }
  cmd
    .addOption(
      new Option("--status <status>", "only active or inactive tokens").choices([
        "active",
        "inactive",
      ]),
    )
    .option("--expired", "only tokens whose expiration date has passed");
  if (!bulk.renames) cmd.option("--all", "every token of the instances (when no filter is given)");
  if (!bulk.renames) {
    cmd.option("--from-findings <file>", "select by an audit's --ndjson (- for stdin), re-checked");
  }
  cmd
    .option("--dry-run", "show per token what would change (reads each token), change nothing")
    .option("--concurrency <n>", "calls in flight at once", positiveInt, 8)
    .option(
      "--rate-per-instance <n>",
      "calls per second to each instance, when its limit is known (default: found from 429s)",
      positiveNumber,
    )
    .option(
      "--stop-after-failures <n>",
      "stop the job (as Ctrl-C does) once this many tokens have failed",
      positiveInt,
    )
    .option(
      "--results-file <path>",
      "append one NDJSON result per token as they finish (for --resume)",
    )
    .option(
      "--resume [path]",
      "skip what an earlier run of this same command says succeeded (default: --results-file)",
    )
    .option("-y, --yes", "do not ask for confirmation (required when not on a terminal)");
  outputFlags(
    cmd,
    "print the final report as one JSON object on stdout",
    "stream one JSON result per line on stdout",
  );
  return cmd
    .addOption(
      new Option("--progress-interval <ms>", "ms between progress updates").argParser(positiveInt)
        .default(500).hideHelp(),
    )
    .addHelpText("after", `\nExamples:${bulk.examples}`);
}
