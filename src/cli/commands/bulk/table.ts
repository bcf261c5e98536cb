import type { ApiTokenPatch } from "../../../../mod.ts";

/**
 * The bulk commands, one row each: everything that differs between them is here, and the
 * modules beside this one (register, plan, run, resume) read the row instead of testing
 * the command's name.
 */
export interface BulkCommand {
  readonly name: string;
  readonly description: string;
  /** The confirmation's verb: "deactivate 12 token(s) in 2 instance(s)?" */
  readonly verb: string;
  /** Which engine runs it: patchTokens or deleteTokens. */
  readonly action: "patch" | "delete";
  /** The patch every selected token gets; absent for delete, and for rename (per token). */
  readonly patch?: ApiTokenPatch;
  /**
   * The status a token must have to be selected when `--status` is not given, so that the
   * plan counts only real changes (deactivate touches active tokens).
   */
  readonly defaultStatus?: "active" | "inactive";
  /** Takes token ids as arguments (`delete <id...> --instance <id>`). */
  readonly takesIds?: boolean;
  /** Selects with `--from` and renames to `--to` instead of `--filter`. */
  readonly renames?: boolean;
  readonly examples: string;
}

export const BULK_COMMANDS: readonly BulkCommand[] = Object.freeze([
  {
    name: "deactivate",
    description:
      "set status inactive on every selected token (active ones, unless --status says otherwise)",
    verb: "deactivate",
    action: "patch",
    patch: Object.freeze({ status: "inactive" }),
    defaultStatus: "active",
    examples: `
  $ losant-tokens deactivate --instance 5e9b2f... --filter 'ci-*' --dry-run
  $ losant-tokens deactivate --instances-file prod.txt --filter 'ci-*' --results-file run.ndjson
  $ losant-tokens deactivate --instances-file prod.txt --filter 'ci-*' --resume run.ndjson --yes
  $ losant-tokens --embedded deactivate --filter 'ci-*' --yes --json`,
  },
  {
    name: "activate",
    description:
      "set status active on every selected token (inactive ones, unless --status says otherwise)",
    verb: "activate",
    action: "patch",
    patch: Object.freeze({ status: "active" }),
    defaultStatus: "inactive",
    examples: `
  $ losant-tokens activate --instance 5e9b2f... --filter 'deploy-*' --yes
  $ losant-tokens --embedded activate --all --dry-run`,
  },
  {
    name: "delete",
    description: "delete the named tokens, or every selected token",
    verb: "DELETE",
    action: "delete",
    takesIds: true,
    examples: `
  $ losant-tokens delete 5f1c0a... 5f1c0b... --instance 5e9b2f...
  $ losant-tokens delete --instances-file prod.txt --expired --results-file expired.ndjson --yes
  $ losant-tokens delete --instance 5e9b2f... --filter 'temp-*' --status inactive --ndjson --yes
  $ losant-tokens --embedded delete --expired --yes`,
  },
  {
    name: "rename",
    description: "rename every token matching --from to the --to pattern",
    verb: "rename",
    action: "patch",
    renames: true,
    examples: `
  $ losant-tokens rename --from 'ci-*' --to 'old-ci-*' --instance 5e9b2f... --dry-run
  $ losant-tokens --embedded rename --from 'ci-*' --to 'old-ci-*' --yes`,
  },
]);

/** The options commander parses for a bulk command. */
export interface BulkOptions {
  instance?: string[];
  instancesFile?: string;
  filter?: string;
  status?: "active" | "inactive";
  expired?: boolean;
  all?: boolean;
  from?: string;
  to?: string;
  dryRun?: boolean;
  concurrency: number;
  /** `--rate-per-instance`: told, not found from 429s. */
  ratePerInstance?: number;
  stopAfterFailures?: number;
  resultsFile?: string;
  resume?: string | true;
  yes?: boolean;
  json?: boolean;
  ndjson?: boolean;
  progressInterval: number;
}
