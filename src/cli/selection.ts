import type { ApiToken, Client } from "../../mod.ts";
import { selectTokens } from "../batch/mod.ts";

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
 * will be touched per instance. The listing is the library's `selectTokens` (complete and
 * consistent per instance, or refused); its `where` test sees each listed token, which is
 * how the CLI keeps the names and statuses it shows in the plan. Tokens come per instance,
 * by name.
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
  // Token ids are unique across instances (they are object ids).
  const seen = new Map<string, ApiToken>();
  const where = (token: ApiToken): boolean => {
    if (options.status !== undefined && token.status !== options.status) return false;
    if (options.expired && !(token.expirationDate && Date.parse(token.expirationDate) <= now)) {
      return false;
    }
    seen.set(token.id.toLowerCase(), token);
    return true;
  };
  // The API filters on one field: a name glob narrows most; status is then checked in `where`.
  const filter = options.filter !== undefined
    ? { filterField: "name" as const, filter: options.filter }
    : options.status !== undefined
    ? { filterField: "status" as const, filter: options.status }
    : {};
  const byInstance = new Map<string, Selected[]>();
  const items = selectTokens(client, {
    instanceIds: options.instances,
    ...filter,
    where,
    callOptions: { signal },
  });
  for await (const { instanceId, apiTokenId } of items) {
    const token = seen.get(apiTokenId.toLowerCase());
    if (token === undefined) continue;
    const list = byInstance.get(instanceId) ?? [];
    list.push({ instanceId, token });
    byInstance.set(instanceId, list);
  }
  const byName = (a: Selected, b: Selected) =>
    (a.token.name ?? "").localeCompare(b.token.name ?? "");
  return [...byInstance.values()].flatMap((list) => list.sort(byName));
}
