/**
 * Whether two JSON values are equal, compared deeply: what a response or a patch holds, so
 * no Dates, Maps or cycles to care about. The one definition, shared by token events
 * (`changedFields`) and batch dry runs (`wouldPatchChange`).
 *
 * @example
 * deepEqual({ orgRoles: [{ orgId: "sandbox", role: "view" }] }, { orgRoles: [{ orgId: "sandbox", role: "view" }] }); // true
 */
export function deepEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const xs = x as Record<string, unknown>;
  const ys = y as Record<string, unknown>;
  const keys = Object.keys(xs);
  if (keys.length !== Object.keys(ys).length) return false;
  return keys.every((k) => Object.hasOwn(ys, k) && deepEqual(xs[k], ys[k]));
}
