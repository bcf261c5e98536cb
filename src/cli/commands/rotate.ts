import type { Command } from "commander";
import { DEFAULT_RETIRING_NAME, DEFAULT_SUCCESSOR_NAME } from "../../batch/mod.ts";
import { collect, positiveInt } from "../args.ts";
import type { CliCommand } from "../command.ts";
import { duration } from "./rotate-duration.ts";
import { runFinish } from "./rotate-finish.ts";
import { type RotateCliOptions, runRotate } from "./rotate-run.ts";

const EXAMPLES = `
Examples:
  $ losant-tokens rotate --instance 5e9b2f... --filter 'svc-*' --expires-in 90d --dry-run
  $ losant-tokens rotate --instances-file prod.txt --filter 'svc-*' --expires-in 90d \\
      --grace 7d --delete-after 30d --secrets-dir ./secrets --state rotation.ndjson
  $ losant-tokens rotate --instances-file prod.txt --filter 'svc-*' --expires-in 90d \\
      --grace 7d --secrets-dir ./secrets --state rotation.ndjson --resume --yes
  $ losant-tokens rotate-finish --state rotation.ndjson --yes       # from cron, daily
  $ losant-tokens --embedded rotate --filter 'deploy-*' --expires-in 30d \\
      --secrets-file new.ndjson --state r.ndjson --yes
  $ losant-tokens audit --instances-file prod.txt --ndjson --rule rotation-age \\
      | losant-tokens rotate --from-findings - --expires-in 90d --secrets-dir ./secrets \\
        --state rotation.ndjson --yes

Each new secret goes to one file per token (--secrets-dir, named <instance>-<old token>.token)
or one NDJSON file (--secrets-file), mode 0600, or to stdout with --secrets-stdout (on a
terminal only after its own question). The old token is renamed "{name} (retiring <date>)",
deactivated after --grace and deleted after a further --delete-after (or left inactive).`;

/** `rotate` and `rotate-finish`. */
export const rotateCommand: CliCommand = { register };

function register(program: Command, cli: Parameters<CliCommand["register"]>[1]): void {
  program
    .command("rotate")
    .description(
      "replace tokens by successors with the same roles and scope, then retire the old ones",
    )
    .option("--instance <id>", "an instance to work on (repeatable)", collect)
    .option("--instances-file <path>", "a file of instance ids, one per line (# comments)")
    .option("--filter <glob>", "only active tokens whose name matches, e.g. 'svc-*'")
    .option("--all", "every active token of the instances")
    .option(
      "--from-findings <file>",
      "rotate the tokens of an audit's --ndjson (- for stdin), each re-checked first",
    )
    .option("--expires-in <duration>", "successors expire this long after creation (90d)", duration)
    .option("--expiration-date <iso>", "successors expire at this moment")
    .option("--never-expires", "successors never expire (say so explicitly)")
    .option(
      "--grace <duration>",
      "old tokens stay active this long (0: deactivate at once)",
      duration,
      0,
    )
    .option(
      "--delete-after <duration>",
      "delete old tokens this long after deactivation (default: keep inactive)",
      duration,
    )
    .option("--secrets-dir <dir>", "write each new secret to its own file (mode 0600)")
    .option("--secrets-file <path>", "write the new secrets to one NDJSON file (mode 0600)")
    .option("--secrets-stdout", "print the new secrets as NDJSON on stdout")
    .option("--state <path>", "the rotation journal (resume, and rotate-finish, read it)")
    .option("--resume", "finish the rotations --state says were interrupted")
    .option("--results-file <path>", "append one NDJSON result per token")
    .option("--successor-name <pattern>", "the successor's name", DEFAULT_SUCCESSOR_NAME)
    .option(
      "--retiring-name <pattern>",
      "the old token's name while it retires",
      DEFAULT_RETIRING_NAME,
    )
    .option("--dry-run", "print the plan and check the rights, change nothing")
    .option("--concurrency <n>", "rotations at once", positiveInt, 4)
    .option("-y, --yes", "do not ask for confirmation (required when not on a terminal)")
    .option("--json", "print the final report as one JSON object on stdout")
    .addHelpText("after", EXAMPLES)
    .action((options: RotateCliOptions, cmd: Command) =>
      cli.run(cmd, (ctx) => runRotate(ctx.io, ctx.session, ctx.stops.signal, options))
    );
  program
    .command("rotate-finish")
    .description(
      "deactivate and delete the old tokens of rotations whose grace or delete period is over",
    )
    .requiredOption("--state <path>", "the rotation journal written by rotate")
    .option("--concurrency <n>", "calls at once", positiveInt, 4)
    .option("-y, --yes", "do not ask for confirmation (required when not on a terminal)")
    .option("--json", "print the final report as one JSON object on stdout")
    .addHelpText(
      "after",
      `
Examples:
  $ losant-tokens rotate-finish --state rotation.ndjson --yes`,
    )
    .action((options: FinishOptions, cmd: Command) =>
      cli.run(cmd, (ctx) => runFinish(ctx.io, ctx.session, ctx.stops.signal, options))
    );
}

type FinishOptions = { state: string; concurrency: number; yes?: boolean; json?: boolean };
