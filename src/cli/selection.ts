import { type ApiToken, type Client, listTokens, type ListTokensParams } from "../../mod.ts";

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
 * changing (a delete shifts every later page).
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
    const params: ListTokensParams = { instanceId, sortField: "name" };
    // The API filters on one field: a name glob narrows most; status is checked here.
    if (options.filter !== undefined) {
      Object.assign(params, { filterField: "name", filter: options.filter });
    } else if (options.status !== undefined) {
      Object.assign(params, { filterField: "status", filter: options.status });
    }
    for await (const token of listTokens(client, params, { signal })) {
      if (options.status !== undefined && token.status !== options.status) continue;
      if (options.expired && !(token.expirationDate && Date.parse(token.expirationDate) <= now)) {
        continue;
      }
      selected.push({ instanceId, token });
    }
  }
  return selected;
}
