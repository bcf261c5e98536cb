import type { ApiToken } from "../../../../mod.ts";
import { UsageError } from "../../exit-codes.ts";
import { printable } from "../../output.ts";

/** A token as listed. */
interface Known {
  readonly instanceId: string;
  readonly token: ApiToken;
}

/** A planned rename: the new name is in `patch.name`. */
interface Renaming {
  readonly instanceId: string;
  readonly apiTokenId: string;
  readonly token?: ApiToken;
  readonly patch?: { name?: string };
}

/**
 * Refuses a rename that would leave two tokens of one instance with the same name (two
 * selected tokens mapped to one name, or a new name another token already has), before
 * anything is sent. Names a token already shares with another without this job are not its
 * business; only a collision this job would cause is refused.
 *
 * @example
 * checkNoMerge(plan.items, listedTokens); // throws UsageError on a collision
 */
export function checkNoMerge(renames: readonly Renaming[], known: readonly Known[]): void {
  // Per instance: token id -> the name it will have after the job.
  const finalNames = new Map<string, Map<string, string>>();
  const names = (instanceId: string) => {
    const key = instanceId.toLowerCase();
    let map = finalNames.get(key);
    if (map === undefined) finalNames.set(key, map = new Map());
    return map;
  };
  for (const { instanceId, token } of known) {
    if (token.name !== undefined) names(instanceId).set(token.id.toLowerCase(), token.name);
  }
  const renamed = new Set<string>();
  for (const item of renames) {
    const next = item.patch?.name;
    if (next === undefined) continue;
    names(item.instanceId).set(item.apiTokenId.toLowerCase(), next);
    renamed.add(`${item.instanceId}/${item.apiTokenId}`.toLowerCase());
  }
  for (const [instanceId, map] of finalNames) {
    const holder = new Map<string, string>();
    for (const [id, name] of map) {
      const other = holder.get(name);
      if (other === undefined) {
        holder.set(name, id);
        continue;
      }
      const ours = renamed.has(`${instanceId}/${id}`) || renamed.has(`${instanceId}/${other}`);
      if (!ours) continue;
      throw new UsageError(
        `rename is not one-to-one: tokens ${other} and ${id} of instance ${instanceId} would ` +
          `both be named "${printable(name)}"; nothing was sent`,
      );
    }
  }
}
