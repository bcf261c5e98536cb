import { readFileSync, statSync } from "node:fs";
import type { ApiToken, ApiTokenPatch } from "../../../../mod.ts";
import { loadResume, readResults, type ResultLine } from "../../../batch/mod.ts";
import { checkIds, oneInstance, resolveInstances } from "../../args.ts";
import { UsageError } from "../../exit-codes.ts";
import { printable } from "../../output.ts";
import { compileRename, type Renamer } from "../../rename-pattern.ts";
import type { CommandContext } from "../../run.ts";
import { selectForCli } from "../../selection.ts";
import { checkNoMerge } from "./one-to-one.ts";
import { checkRecords, type RunRecord, runRecord, splitResultsFile } from "./run-record.ts";
import type { BulkCommand, BulkOptions } from "./table.ts";

/** One token the job will act on. */
export interface PlannedItem {
  /** Lowercase, as results keys are. */
  readonly instanceId: string;
  readonly apiTokenId: string;
  /** The token as listed; absent for `delete <ids>` and for a token an earlier run moved. */
  readonly token?: ApiToken;
  /** What a patch command sends (absent for delete). */
  readonly patch?: ApiTokenPatch;
  /** The patch is the earlier run's journaled one, replayed as it was sent. */
  readonly replayed?: boolean;
}

/** What a bulk job will do, worked out before anything is sent. */
export interface BulkPlan {
  readonly bulk: BulkCommand;
  readonly instances: readonly string[];
  readonly items: readonly PlannedItem[];
  readonly record: RunRecord;
  /** The CLI's own access token's id, lowercase. */
  readonly self?: string;
  /** The earlier run's result lines, for the engine (an unknown delete's 404 means done). */
  readonly resume?: readonly ResultLine[];
  /** Tokens the earlier run already did: left out of the plan. */
  readonly alreadyDone: number;
}

const keyOf = (instanceId: string, apiTokenId: string) =>
  `${instanceId}/${apiTokenId}`.toLowerCase();

/**
 * Works out the job: checks the flags, reads and checks the results file being resumed,
 * lists the selection, and gives each token the change it gets. On resume, a token the
 * earlier run journaled gets exactly the journaled change (never one recomputed from its
 * name now, which a rename may already have changed), and a token it finished is left out.
 * A rename that would give two tokens one name is refused here, before anything is sent.
 *
 * @example
 * const plan = await planBulk(ctx, BULK_COMMANDS[0], options, []);
 */
export async function planBulk(
  ctx: CommandContext,
  bulk: BulkCommand,
  options: BulkOptions,
  rawIds: readonly string[],
): Promise<BulkPlan> {
  const { io, session, stops } = ctx;
  const ids = checkIds(rawIds, "apiTokenId").map((id) => id.toLowerCase());
  const renamer = checkSelection(bulk, options, ids);
  const instances = ids.length > 0
    ? [await oneInstance(options, session.defaultInstances)]
    : await resolveInstances(options, session.defaultInstances);
  const status = ids.length > 0 ? undefined : options.status ?? bulk.defaultStatus;
  const record = runRecord(bulk.name, instances, {
    ids: ids.length > 0 ? [...ids].sort() : undefined,
    filter: options.filter,
    status,
    expired: options.expired,
    all: options.all,
    from: options.from,
    to: options.to,
  });

  const resumeFile = options.resume === true ? options.resultsFile : options.resume;
  if (options.resume === true && resumeFile === undefined) {
    throw new UsageError("--resume needs a file: --resume <path> or --results-file <path>");
  }
  let resume: ResultLine[] | undefined;
  if (resumeFile !== undefined) {
    if (!isFile(resumeFile)) {
      throw new UsageError(`--resume: ${printable(resumeFile)} is not a file`);
    }
    const content = splitResultsFile(readFileSync(resumeFile, "utf8"));
    checkRecords(content, record, resumeFile, "--resume");
    resume = [];
    for await (const line of readResults(content.text)) resume.push(line);
  }
  if (
    options.resultsFile !== undefined && options.resultsFile !== resumeFile &&
    isFile(options.resultsFile)
  ) {
    // Appending another command's lines would make the file impossible to resume from.
    const content = splitResultsFile(readFileSync(options.resultsFile, "utf8"));
    checkRecords(content, record, options.resultsFile, "--results-file");
  }
  const history = resume === undefined ? new Map() : await loadResume(resume);
  const journaled = journaledPatches(resume ?? []);

  const listed: { instanceId: string; token?: ApiToken; apiTokenId: string }[] = ids.length > 0
    ? ids.map((apiTokenId) => ({ instanceId: instances[0].toLowerCase(), apiTokenId }))
    : (await selectForCli(session.client, {
      instances,
      filter: renamer?.filter ?? options.filter,
      status,
      expired: options.expired,
    }, stops.signal)).map((s) => ({
      instanceId: s.instanceId.toLowerCase(),
      token: s.token,
      apiTokenId: s.token.id.toLowerCase(),
    }));

  const items: PlannedItem[] = [];
  const planned = new Set<string>();
  let alreadyDone = 0;
  let unjournaled = 0;
  for (const { instanceId, apiTokenId, token } of listed) {
    const key = keyOf(instanceId, apiTokenId);
    if (history.get(key) === "succeeded") {
      alreadyDone += 1;
      continue;
    }
    const replay = journaled.get(key);
    if (bulk.action === "delete") {
      items.push({ instanceId, apiTokenId, token });
    } else if (replay !== undefined) {
      items.push({ instanceId, apiTokenId, token, patch: replay, replayed: true });
    } else if (bulk.renames && history.get(key) === "unknown") {
      // Its outcome is unknown and no journal says what was sent: its name now may be the
      // new one already, and renaming it again would apply the pattern twice.
      unjournaled += 1;
      continue;
    } else {
      const patch = bulk.patch ?? renamePatch(renamer!, token);
      if (patch === undefined) continue;
      items.push({ instanceId, apiTokenId, token, patch });
    }
    planned.add(key);
  }
  // A call in flight when the earlier run stopped may have taken effect, so its token can
  // have left the selection (deleted, deactivated, renamed). It runs again so it gets a
  // result: a delete's 404 then says it was done; a patch is replayed from its journal line.
  const wanted = new Set(instances.map((i) => i.toLowerCase()));
  for (const [key, state] of history) {
    const [instanceId, apiTokenId] = key.split("/");
    if (state !== "unknown" || planned.has(key) || !wanted.has(instanceId)) continue;
    if (ids.length > 0 && !ids.includes(apiTokenId)) continue;
    const replay = journaled.get(key);
    if (bulk.action === "delete") items.push({ instanceId, apiTokenId });
    else if (replay !== undefined) {
      items.push({ instanceId, apiTokenId, patch: replay, replayed: true });
    } else unjournaled += 1;
  }
  if (unjournaled > 0) {
    io.err(
      `warning: ${unjournaled} token(s) had an unknown outcome and no journal line in the ` +
        "results file: left out (check them by hand)\n",
    );
  }
  if (renamer !== undefined) {
    // Names the new ones could collide with, though outside --from: whatever matches --to.
    const targets = await selectForCli(
      session.client,
      { instances, filter: renamer.to },
      stops.signal,
    );
    checkNoMerge(items, [
      ...listed.flatMap((l) => l.token ? [{ ...l, token: l.token }] : []),
      ...targets,
    ]);
  }
  const self = session.selfTokenId?.toLowerCase();
  return { bulk, instances, items, record, self, resume, alreadyDone };
}

/** A regular file (a device like /dev/full reads forever). */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The patch each journal line recorded as sent, by key (the first one: the original). */
function journaledPatches(lines: readonly ResultLine[]): Map<string, ApiTokenPatch> {
  const patches = new Map<string, ApiTokenPatch>();
  for (const line of lines) {
    if (line.status !== "started" || line.apiToken === undefined) continue;
    const key = line.key.toLowerCase();
    if (!patches.has(key)) patches.set(key, line.apiToken);
  }
  return patches;
}

function renamePatch(renamer: Renamer, token: ApiToken | undefined): ApiTokenPatch | undefined {
  const name = token?.name;
  if (name === undefined) return undefined;
  const next = renamer.rename(name);
  return next === undefined || next === name ? undefined : { name: next };
}

/** Checks the selection flags; returns the rename pattern for rename. */
function checkSelection(
  bulk: BulkCommand,
  options: BulkOptions,
  ids: readonly string[],
): Renamer | undefined {
  if (bulk.renames) return compileRename(options.from!, options.to!);
  const narrowed = options.filter !== undefined || options.status !== undefined ||
    options.expired === true;
  if (ids.length > 0) {
    if (narrowed || options.all) {
      throw new UsageError(
        `${bulk.name}: give token ids or a selection (--filter, --status, --expired, --all), not both`,
      );
    }
    return undefined;
  }
  if (!narrowed && !options.all) {
    throw new UsageError(
      `${bulk.name} needs a selection: --filter <glob>, --status, --expired, or --all for every token`,
    );
  }
  return undefined;
}
