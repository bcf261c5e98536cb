import { deepEqual } from "../utils/deep-equal.ts";

/**
 * Names of the fields whose values differ, compared deeply. `lastUpdated` moves on every
 * write and `_links`/`_embedded`/`_type` describe the response rather than the token: listing
 * them would make every change look alike.
 *
 * @example
 * changedFields({ name: "a", status: "active" }, { name: "a", status: "inactive" }); // ["status"]
 */
export function changedFields(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const changes: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (key === "lastUpdated" || key.startsWith("_")) continue;
    if (!deepEqual(a[key], b[key])) changes.push(key);
  }
  return changes;
}
