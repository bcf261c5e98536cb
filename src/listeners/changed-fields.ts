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
    if (!sameValue(a[key], b[key])) changes.push(key);
  }
  return changes;
}

// JSON values only (what a response holds), so no Dates, Maps or cycles to care about.
function sameValue(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const xs = x as Record<string, unknown>;
  const ys = y as Record<string, unknown>;
  const keys = Object.keys(xs);
  if (keys.length !== Object.keys(ys).length) return false;
  return keys.every((k) => Object.hasOwn(ys, k) && sameValue(xs[k], ys[k]));
}
