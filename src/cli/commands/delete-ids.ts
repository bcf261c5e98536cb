import { deleteToken } from "../../../mod.ts";
import { checkIds, oneInstance } from "../args.ts";
import { confirm } from "../confirm.ts";
import { EXIT } from "../exit-codes.ts";
import { describeError, printJson } from "../output.ts";
import type { CommandContext } from "../run.ts";

/** The options `delete <ids...>` reads. */
export interface DeleteIdsOptions {
  instance?: string[];
  instancesFile?: string;
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

/**
 * `losant-tokens delete <apiTokenId...> --instance <id>`: deletes the named tokens one by
 * one, after a confirmation (or `--yes`). The CLI's own access token, if named, goes last:
 * deleting it first would fail every call after it.
 */
export async function deleteByIds(
  { io, session, interrupts }: CommandContext,
  rawIds: string[],
  options: DeleteIdsOptions,
): Promise<number> {
  const ids = checkIds(rawIds, "apiTokenId");
  const instanceId = await oneInstance(options, session.defaultInstances);
  const self = session.selfTokenId?.toLowerCase();
  const ordered = [
    ...ids.filter((i) => i.toLowerCase() !== self),
    ...ids.filter((i) => i.toLowerCase() === self),
  ];
  const own = ordered.length > 0 && ordered.at(-1)!.toLowerCase() === self;
  io.err(`instance ${instanceId}: ${ordered.length} token(s) to delete\n`);
  if (own) io.err(`  includes the access token this CLI is using (${self}); it is deleted last\n`);
  if (options.dryRun) {
    io.err("dry run: nothing deleted\n");
    if (options.json) printJson(io, { dryRun: true, instanceId, apiTokenIds: ordered });
    return EXIT.ok;
  }
  if (!(await confirm(`Delete ${ordered.length} token(s)?`, options, io))) {
    io.err("aborted: nothing deleted\n");
    return EXIT.failed;
  }
  const results: { apiTokenId: string; status: "succeeded" | "failed"; message?: string }[] = [];
  for (const apiTokenId of ordered) {
    if (interrupts.interrupted) break;
    try {
      await deleteToken(session.client, { instanceId, apiTokenId }, { signal: interrupts.signal });
      results.push({ apiTokenId, status: "succeeded" });
      if (!options.json) io.out(`deleted ${apiTokenId}\n`);
    } catch (error) {
      if (interrupts.interrupted) break;
      results.push({ apiTokenId, status: "failed", message: describeError(error) });
      io.err(`error: ${apiTokenId}: ${describeError(error)}\n`);
    }
  }
  const failed = results.filter((r) => r.status === "failed").length;
  if (options.json) printJson(io, { instanceId, results });
  if (interrupts.interrupted) return EXIT.aborted;
  return failed > 0 ? EXIT.failed : EXIT.ok;
}
