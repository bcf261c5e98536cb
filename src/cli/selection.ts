import { type ApiToken, type Client, LosantError } from "../../mod.ts";
import { readConsistentListing } from "../listing/read-listing.ts";

/** Which tokens a bulk command touches. */
export interface SelectionOptions {
  instances: readonly string[];
  /** Name glob, filtered by the API (`*` is the only wildcard). */
  filter?: string;
  status?: "active" | "inactive";
  /** Only tokens whose expirationDate has passed. */
  expired?: boolean;
}

/** One token of the selection. */
export interface Selected {
  instanceId: string;
  token: ApiToken;
}

/**
 * Reads the whole selection before anything changes, so the confirmation can say what
 * will be touched per instance and the job does not page through a listing it is
 * changing (a delete shifts every later page). A listing that keeps shifting under
 * someone else's changes is refused rather than acted on half-read.
 *
 * @example
 * const selected = await selectForCli(client, { instances, filter: "ci-*" }, signal);
 */
export async function selectForCli(
  client: Client,
  options: SelectionOptions,
  signal?: AbortSignal,
): Promise<Selected[]> {
  const now = Date.now();
  const selected: Selected[] = [];
  for (const instanceId of options.instances) {
    // The API filters on one field: a name glob narrows most; status is checked here.
    const filter = options.filter !== undefined
      ? { filterField: "name" as const, filter: options.filter }
      : options.status !== undefined
      ? { filterField: "status" as const, filter: options.status }
      : {};
    const listing = await readConsistentListing(client, { instanceId, ...filter }, { signal });
    if (!listing.consistent) {
      throw new LosantError(
        `the tokens of instance ${instanceId} kept changing while they were listed; try again`,
      );
    }
    const tokens = [...listing.tokens.values()].sort((a, b) =>
      (a.name ?? "").localeCompare(b.name ?? "")
    );
    for (const token of tokens) {
      if (options.status !== undefined && token.status !== options.status) continue;
      if (options.expired && !(token.expirationDate && Date.parse(token.expirationDate) <= now)) {
        continue;
      }
      selected.push({ instanceId, token });
    }
  }
  return selected;
}
